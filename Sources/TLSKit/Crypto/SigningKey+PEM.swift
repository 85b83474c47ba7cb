import Crypto
import SwiftASN1
import X509
import _CryptoExtras

extension SigningKey {
    /// Parses a PEM private key: PKCS #8 (`PRIVATE KEY`) holding an EC P-256 or P-384,
    /// Ed25519 or RSA key; SEC 1 (`EC PRIVATE KEY`); or PKCS #1 (`RSA PRIVATE KEY`).
    ///
    /// Other PEM blocks in the text (such as the `EC PARAMETERS` block `openssl ecparam`
    /// writes) are skipped. Encrypted keys, other curves and RSA keys shorter than
    /// 2048 bits are refused with ``TLSError/Code/invalidConfiguration``.
    public init(pemRepresentation: String) throws {
        let documents: [PEMDocument]
        do {
            documents = try PEMDocument.parseMultiple(pemString: pemRepresentation)
        } catch {
            throw TLSError.configuration("private key is not valid PEM: \(error)")
        }
        if documents.contains(where: { $0.discriminator == "ENCRYPTED PRIVATE KEY" }) {
            throw TLSError.configuration("encrypted private keys are not supported; decrypt it first (openssl pkey -in key.pem)")
        }
        guard let document = documents.first(where: { Self.privateKeyDiscriminators.contains($0.discriminator) }) else {
            let found = documents.map(\.discriminator)
            throw TLSError.configuration(
                "no private key found in PEM (expected PRIVATE KEY, EC PRIVATE KEY or RSA PRIVATE KEY, found \(found))"
            )
        }

        // swift-certificates recognises the format and algorithm (and refuses unknown
        // ones); the concrete swift-crypto key is then built from the same document.
        let identified: Certificate.PrivateKey
        do {
            identified = try Certificate.PrivateKey(pemDocument: document)
        } catch {
            throw TLSError.configuration("cannot parse \(document.discriminator): \(error)")
        }
        let publicKey = identified.publicKey
        do {
            if P256.Signing.PublicKey(publicKey) != nil {
                self.init(try P256.Signing.PrivateKey(derRepresentation: document.derBytes))
            } else if P384.Signing.PublicKey(publicKey) != nil {
                self.init(try P384.Signing.PrivateKey(derRepresentation: document.derBytes))
            } else if Curve25519.Signing.PublicKey(publicKey) != nil {
                self.init(try Curve25519.Signing.PrivateKey(rawRepresentation: Self.ed25519Seed(pkcs8: document.derBytes)))
            } else if _RSA.Signing.PublicKey(publicKey) != nil {
                self.init(try _RSA.Signing.PrivateKey(pemRepresentation: document.pemString))
            } else {
                throw TLSError.configuration("unsupported private key type \(identified) (use P-256, P-384, Ed25519 or RSA)")
            }
        } catch let error as TLSError {
            throw error
        } catch {
            throw TLSError.configuration("cannot load \(identified) from \(document.discriminator): \(error)")
        }
        guard self.publicKey == publicKey else {
            throw TLSError.configuration("private key in \(document.discriminator) is inconsistent")
        }
    }

    private static let privateKeyDiscriminators: Set<String> = ["PRIVATE KEY", "EC PRIVATE KEY", "RSA PRIVATE KEY"]

    /// The 32-byte seed of an Ed25519 PKCS #8 key. RFC 8410 §7
    ///
    ///     OneAsymmetricKey ::= SEQUENCE { version Version, privateKeyAlgorithm AlgorithmIdentifier,
    ///         privateKey OCTET STRING, attributes [0] IMPLICIT Attributes OPTIONAL, ..., publicKey [1] ... OPTIONAL }
    ///     CurvePrivateKey ::= OCTET STRING
    ///
    /// The algorithm has already been checked by swift-certificates.
    private static func ed25519Seed(pkcs8 der: [UInt8]) throws -> [UInt8] {
        let root = try DER.parse(der)
        let outer = try DER.sequence(root, identifier: .sequence) { nodes in
            _ = try Int(derEncoded: &nodes)
            _ = nodes.next()
            let privateKey = try ASN1OctetString(derEncoded: &nodes)
            while nodes.next() != nil {}
            return privateKey
        }
        return Array(try ASN1OctetString(derEncoded: outer.bytes).bytes)
    }
}
