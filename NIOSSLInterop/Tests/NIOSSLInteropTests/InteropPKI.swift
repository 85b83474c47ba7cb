import Crypto
import Foundation
import NIOSSL
import SwiftASN1
import TLSKit
import X509

/// A root and two leaves it signs (a server's for `localhost`, a client's), in the forms both
/// libraries take: TLSKit's `CertifiedKey` and `TrustRoots`, swift-nio-ssl's certificates and keys.
///
/// A real chain rather than a self-signed leaf, so that BoringSSL verifies a path to a CA as
/// it would in production, and so that each side's purpose checks (serverAuth, clientAuth) run.
struct InteropPKI: Sendable {
    static let serverName = "localhost"

    let root: Certificate
    let serverLeaf: Certificate
    let clientLeaf: Certificate
    private let serverKey: P256.Signing.PrivateKey
    private let clientKey: P256.Signing.PrivateKey

    init() throws {
        let now = Date()
        let rootKey = P256.Signing.PrivateKey()
        let rootName = try DistinguishedName { CommonName("TLSKit Interop Root") }
        root = try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: Certificate.PublicKey(rootKey.publicKey),
            notValidBefore: now - 3_600,
            notValidAfter: now + 86_400,
            issuer: rootName,
            subject: rootName,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
            },
            issuerPrivateKey: Certificate.PrivateKey(rootKey)
        )
        serverKey = P256.Signing.PrivateKey()
        serverLeaf = try Self.leaf(
            name: Self.serverName, key: serverKey, usage: .serverAuth, issuer: rootName, issuerKey: rootKey, now: now)
        clientKey = P256.Signing.PrivateKey()
        clientLeaf = try Self.leaf(
            name: "interop client", key: clientKey, usage: .clientAuth, issuer: rootName, issuerKey: rootKey, now: now)
    }

    private static func leaf(
        name: String, key: P256.Signing.PrivateKey, usage: ExtendedKeyUsage.Usage,
        issuer: DistinguishedName, issuerKey: P256.Signing.PrivateKey, now: Date
    ) throws -> Certificate {
        try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: Certificate.PublicKey(key.publicKey),
            notValidBefore: now - 3_600,
            notValidAfter: now + 86_400,
            issuer: issuer,
            subject: try DistinguishedName { CommonName(name) },
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([usage])
                SubjectAlternativeNames([.dnsName(name)])
            },
            issuerPrivateKey: Certificate.PrivateKey(issuerKey)
        )
    }

    // MARK: TLSKit's forms

    var tlskitServerKey: CertifiedKey { get throws { try CertifiedKey(chain: [serverLeaf], privateKey: SigningKey(serverKey)) } }
    var tlskitClientKey: CertifiedKey { get throws { try CertifiedKey(chain: [clientLeaf], privateKey: SigningKey(clientKey)) } }
    var tlskitRoots: TrustRoots { .certificates([root]) }

    // MARK: swift-nio-ssl's forms

    var niosslRoot: NIOSSLCertificate { get throws { try NIOSSLCertificate(bytes: Self.der(root), format: .der) } }
    var niosslServerChain: [NIOSSLCertificateSource] {
        get throws { [.certificate(try NIOSSLCertificate(bytes: Self.der(serverLeaf), format: .der))] }
    }
    var niosslClientChain: [NIOSSLCertificateSource] {
        get throws { [.certificate(try NIOSSLCertificate(bytes: Self.der(clientLeaf), format: .der))] }
    }
    var niosslServerKey: NIOSSLPrivateKeySource { get throws { .privateKey(try Self.niosslKey(serverKey)) } }
    var niosslClientKey: NIOSSLPrivateKeySource { get throws { .privateKey(try Self.niosslKey(clientKey)) } }

    private static func niosslKey(_ key: P256.Signing.PrivateKey) throws -> NIOSSLPrivateKey {
        try NIOSSLPrivateKey(bytes: Array(key.pemRepresentation.utf8), format: .pem)
    }

    static func der(_ certificate: Certificate) throws -> [UInt8] {
        var serializer = DER.Serializer()
        try serializer.serialize(certificate)
        return serializer.serializedBytes
    }
}
