import NIOCore
import TLSKit
import TLSKitNIO

extension HandlerFactory {
    /// TLSKitNIO's `TLSHandler` on both sides, with the common set-up (2 tickets, which the
    /// client stores).
    static func tlskit(_ setup: TLSKitSetup) -> HandlerFactory {
        let server = setup.serverConfiguration()
        let client = setup.clientConfiguration(sessionStore: StoreOnlySessionStore())
        let group = setup.group
        return HandlerFactory(
            client: { try TLSHandler(clientConfiguration: client, serverName: PKI.serverName) },
            server: { try TLSHandler(serverConfiguration: server) },
            isHandshakeCompletion: { event in
                guard case .handshakeCompleted(let parameters)? = event as? TLSKitEvent else { return false }
                return parameters.cipherSuite == .TLS_AES_128_GCM_SHA256 && parameters.group == group
            })
    }
}
