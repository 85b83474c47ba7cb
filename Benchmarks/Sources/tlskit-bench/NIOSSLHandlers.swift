import NIOCore
import NIOSSL
import NIOTLS
import TLSKit

extension HandlerFactory {
    /// swift-nio-ssl's handlers with the same certificates: TLS 1.3 only, `curves = [group]`,
    /// the client verifying the chain against the bench root and the name `localhost`.
    /// (BoringSSL's TLS 1.3 suites cannot be configured; with AES instructions it picks
    /// TLS_AES_128_GCM_SHA256 first.) Its server sends BoringSSL's default two tickets.
    static func niossl(_ pki: PKI, group: NamedGroup = .x25519) throws -> HandlerFactory {
        // swift-nio-ssl names groups by their TLS code points, as TLSKit does.
        let curve = NIOTLSCurve(rawValue: group.rawValue)
        let root = try NIOSSLCertificate(bytes: PKI.der(pki.root), format: .der)
        let leaf = try NIOSSLCertificate(bytes: PKI.der(pki.leaf), format: .der)
        let key = try NIOSSLPrivateKey(bytes: Array(pki.leafKey.pemRepresentation.utf8), format: .pem)

        var server = TLSConfiguration.makeServerConfiguration(certificateChain: [.certificate(leaf)], privateKey: .privateKey(key))
        server.minimumTLSVersion = .tlsv13
        server.maximumTLSVersion = .tlsv13
        server.curves = [curve]

        var client = TLSConfiguration.makeClientConfiguration()
        client.minimumTLSVersion = .tlsv13
        client.maximumTLSVersion = .tlsv13
        client.curves = [curve]
        client.trustRoots = .certificates([root])
        client.certificateVerification = .fullVerification

        let serverContext = try NIOSSLContext(configuration: server)
        let clientContext = try NIOSSLContext(configuration: client)
        return HandlerFactory(
            client: { try NIOSSLClientHandler(context: clientContext, serverHostname: PKI.serverName) },
            server: { NIOSSLServerHandler(context: serverContext) },
            isHandshakeCompletion: { event in
                guard case .handshakeCompleted? = event as? TLSUserEvent else { return false }
                return true
            })
    }
}
