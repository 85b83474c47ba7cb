import Crypto
import X509
import _CryptoExtras

/// A private key TLSKit signs CertificateVerify with (RFC 8446 §4.4.3).
///
/// ECDSA P-256 and P-384, Ed25519 and RSA (2048 bits or more, signing with RSA-PSS)
/// are supported. Load one from PEM with ``init(pemRepresentation:)``, wrap a
/// swift-crypto key with one of the initialisers, or make a fresh P-256 key with
/// ``generateP256()``.
public struct SigningKey: Sendable {
    enum Backing: Sendable {
        case p256(P256.Signing.PrivateKey)
        case p384(P384.Signing.PrivateKey)
        case ed25519(Curve25519.Signing.PrivateKey)
        case rsa(_RSA.Signing.PrivateKey)
    }

    let backing: Backing
    #if BoringSSLProvider
    /// The ECDSA key loaded into BoringSSL once, for connections on the BoringSSL provider.
    private let boringSSLSigner: BoringSSLECDSASigner?
    #endif

    init(backing: Backing) {
        self.backing = backing
        #if BoringSSLProvider
        switch backing {
        case .p256(let key): boringSSLSigner = BoringSSLECDSASigner(key)
        case .p384(let key): boringSSLSigner = BoringSSLECDSASigner(key)
        case .ed25519, .rsa: boringSSLSigner = nil
        }
        #endif
    }

    /// Wraps an ECDSA P-256 key.
    public init(_ key: P256.Signing.PrivateKey) { self.init(backing: .p256(key)) }

    /// Wraps an ECDSA P-384 key.
    public init(_ key: P384.Signing.PrivateKey) { self.init(backing: .p384(key)) }

    /// Wraps an Ed25519 key.
    public init(_ key: Curve25519.Signing.PrivateKey) { self.init(backing: .ed25519(key)) }

    /// Wraps an RSA key; TLSKit signs with it using RSA-PSS only (RFC 8446 §4.2.3).
    public init(_ key: _RSA.Signing.PrivateKey) { self.init(backing: .rsa(key)) }

    /// Generates a new ECDSA P-256 key.
    public static func generateP256() -> SigningKey { SigningKey(P256.Signing.PrivateKey()) }

    /// The schemes this key can produce for CertificateVerify, in preference order.
    ///
    /// RSA keys offer only the `rsa_pss_rsae_*` schemes: RFC 8446 §4.4.3 forbids
    /// PKCS #1 v1.5 signatures in CertificateVerify.
    public var signatureSchemes: [SignatureScheme] {
        switch backing {
        case .p256: return [.ecdsa_secp256r1_sha256]
        case .p384: return [.ecdsa_secp384r1_sha384]
        case .ed25519: return [.ed25519]
        case .rsa: return [.rsa_pss_rsae_sha256, .rsa_pss_rsae_sha384, .rsa_pss_rsae_sha512]
        }
    }

    /// Signs `message`, the whole content covered by CertificateVerify (RFC 8446 §4.4.3);
    /// the scheme's hash is applied here. ECDSA signatures are DER-encoded (RFC 8446 §4.2.3).
    ///
    /// Asking for a scheme outside ``signatureSchemes`` is a bug in the caller's
    /// negotiation and fails with an internal error. ECDSA keys sign on the connection's
    /// `provider`; the other keys always through swift-crypto.
    func sign(_ message: [UInt8], scheme: SignatureScheme, provider: CryptoProvider = .default) throws -> [UInt8] {
        guard signatureSchemes.contains(scheme) else {
            throw TLSError(.internalFailure("signature scheme \(scheme) cannot be made with a \(keyDescription) key"))
        }
        #if BoringSSLProvider
        if provider == .boringSSL, let boringSSLSigner { return try boringSSLSigner.sign(message) }
        #endif
        do {
            switch backing {
            case .p256(let key):
                return Array(try key.signature(for: message).derRepresentation)
            case .p384(let key):
                return Array(try key.signature(for: message).derRepresentation)
            case .ed25519(let key):
                return Array(try key.signature(for: message))
            case .rsa(let key):
                let signature: _RSA.Signing.RSASignature
                switch scheme {
                case .rsa_pss_rsae_sha256: signature = try key.signature(for: SHA256.hash(data: message), padding: .PSS)
                case .rsa_pss_rsae_sha384: signature = try key.signature(for: SHA384.hash(data: message), padding: .PSS)
                default: signature = try key.signature(for: SHA512.hash(data: message), padding: .PSS)
                }
                return Array(signature.rawRepresentation)
            }
        } catch {
            throw TLSError(.internalFailure("signing with \(scheme) failed: \(error)"))
        }
    }

    /// The same key as swift-certificates sees it, for signing certificates.
    var certificatePrivateKey: Certificate.PrivateKey {
        switch backing {
        case .p256(let key): return Certificate.PrivateKey(key)
        case .p384(let key): return Certificate.PrivateKey(key)
        case .ed25519(let key): return Certificate.PrivateKey(key)
        case .rsa(let key): return Certificate.PrivateKey(key)
        }
    }

    /// The public half, comparable with a certificate's public key.
    var publicKey: Certificate.PublicKey { certificatePrivateKey.publicKey }

    /// The signature algorithm certificates signed by this key use.
    var certificateSignatureAlgorithm: Certificate.SignatureAlgorithm {
        switch backing {
        case .p256: return .ecdsaWithSHA256
        case .p384: return .ecdsaWithSHA384
        case .ed25519: return .ed25519
        case .rsa: return .sha256WithRSAEncryption
        }
    }

    /// A short name of the key type for messages, such as "P-256" or "RSA-2048".
    var keyDescription: String {
        switch backing {
        case .p256: return "P-256"
        case .p384: return "P-384"
        case .ed25519: return "Ed25519"
        case .rsa(let key): return "RSA-\(key.keySizeInBits)"
        }
    }
}
