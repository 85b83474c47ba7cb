/// Where a connection's record protection and key schedule HMACs come from: rustls's
/// `CryptoProvider`, for the record layer and the key schedule. Each traffic key gets one record
/// cipher, made when the key is installed and used for every record under it; each secret gets
/// one keyed HMAC, used for every label derived from it.
///
/// - ``swiftCrypto``: swift-crypto's public API. Always available.
/// - `boringSSL`: the BoringSSL that swift-crypto links, called directly: one AEAD context per
///   traffic key, records sealed and opened where the caller's bytes are, HMACs on BoringSSL's
///   plain SHA-2 structs (copying one allocates nothing). Available only when the
///   package is built with the `BoringSSLProvider` trait, and the default then. It relies on a
///   module swift-crypto does not publish as a product (`CCryptoBoringSSL`), so a swift-crypto
///   release may break it; no second copy of BoringSSL is vendored.
///
/// Each provider also runs the transcript hash and seals stateless session tickets (the same
/// bytes either way); the `boringSSL` one also signs with ECDSA keys and runs ML-KEM. ECDH key
/// exchange, signature verification, Ed25519 and RSA signing and certificates always go through
/// swift-crypto and swift-certificates.
public struct CryptoProvider: Sendable, Hashable, CustomStringConvertible {
    enum Kind: Sendable, Hashable {
        case swiftCrypto
        #if BoringSSLProvider
        case boringSSL
        #endif
    }

    let kind: Kind

    /// swift-crypto's public API.
    public static let swiftCrypto = CryptoProvider(kind: .swiftCrypto)

    #if BoringSSLProvider
    /// The BoringSSL that swift-crypto links, called directly (the `BoringSSLProvider` trait).
    public static let boringSSL = CryptoProvider(kind: .boringSSL)

    /// What configurations use unless told otherwise: the BoringSSL provider, since the package
    /// was built with its trait.
    public static let `default` = boringSSL
    #else
    /// What configurations use unless told otherwise: swift-crypto's public API.
    public static let `default` = swiftCrypto
    #endif

    public var description: String {
        switch kind {
        case .swiftCrypto: return "swift-crypto"
        #if BoringSSLProvider
        case .boringSSL: return "BoringSSL"
        #endif
        }
    }
}
