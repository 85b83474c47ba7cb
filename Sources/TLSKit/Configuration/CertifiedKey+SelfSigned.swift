import Foundation
import SwiftASN1
import X509

extension CertifiedKey {
    /// An ephemeral self-signed certificate for `names`, for trying TLSKit out and for tests.
    ///
    /// Valid for one day, backdated one hour against clock skew; the names go into the
    /// subjectAlternativeName (IP addresses as IP addresses) and the first one into the
    /// common name. The certificate is not a CA (basicConstraints CA:false) and may only
    /// sign (keyUsage digitalSignature), so a client must trust it directly.
    public static func selfSigned(
        names: [String] = ["localhost", "127.0.0.1", "::1"],
        key: SigningKey = .generateP256()
    ) throws -> CertifiedKey {
        try selfSigned(names: names, key: key, now: Date())
    }

    static func selfSigned(names: [String], key: SigningKey, now: Date) throws -> CertifiedKey {
        guard let commonName = names.first else {
            throw TLSError.configuration("a self-signed certificate needs at least one name")
        }
        let alternativeNames = SubjectAlternativeNames(
            names.map { name in
                if let address = IPAddressText.parse(name) {
                    return .ipAddress(ASN1OctetString(contentBytes: address[...]))
                }
                return .dnsName(name)
            }
        )
        do {
            let subject = try DistinguishedName { CommonName(commonName) }
            let extensions = try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.serverAuth, .clientAuth])
                alternativeNames
            }
            let certificate = try Certificate(
                version: .v3,
                serialNumber: Certificate.SerialNumber(),
                publicKey: key.publicKey,
                notValidBefore: now - 60 * 60,
                notValidAfter: now + 24 * 60 * 60,
                issuer: subject,
                subject: subject,
                signatureAlgorithm: key.certificateSignatureAlgorithm,
                extensions: extensions,
                issuerPrivateKey: key.certificatePrivateKey
            )
            return try CertifiedKey(chain: [certificate], privateKey: key)
        } catch let error as TLSError {
            throw error
        } catch {
            throw TLSError.configuration("cannot make a self-signed certificate for \(names): \(error)")
        }
    }
}
