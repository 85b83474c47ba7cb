import Crypto
import Foundation
import SwiftASN1
import X509

/// The certificates every figure uses: an ECDSA P-256 root and an ECDSA P-256 leaf for
/// `localhost` signed by it, made fresh for each run with swift-certificates.
struct PKI {
    static let serverName = "localhost"

    let rootKey: P256.Signing.PrivateKey
    let root: Certificate
    let leafKey: P256.Signing.PrivateKey
    let leaf: Certificate

    init() throws {
        let now = Date()
        let rootKey = P256.Signing.PrivateKey()
        let rootName = try DistinguishedName { CommonName("TLSKit Bench Root") }
        root = try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: Certificate.PublicKey(rootKey.publicKey),
            notValidBefore: now - 3_600,
            notValidAfter: now + 30 * 86_400,
            issuer: rootName,
            subject: rootName,
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
            },
            issuerPrivateKey: Certificate.PrivateKey(rootKey)
        )
        let leafKey = P256.Signing.PrivateKey()
        leaf = try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: Certificate.PublicKey(leafKey.publicKey),
            notValidBefore: now - 3_600,
            notValidAfter: now + 30 * 86_400,
            issuer: rootName,
            subject: try DistinguishedName { CommonName(Self.serverName) },
            signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.serverAuth])
                SubjectAlternativeNames([.dnsName(Self.serverName)])
            },
            issuerPrivateKey: Certificate.PrivateKey(rootKey)
        )
        self.rootKey = rootKey
        self.leafKey = leafKey
    }

    static func der(_ certificate: Certificate) throws -> [UInt8] {
        var serializer = DER.Serializer()
        try serializer.serialize(certificate)
        return serializer.serializedBytes
    }
}
