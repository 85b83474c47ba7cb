/// Where a connection's record protection comes from: rustls's `CryptoProvider`, for the record
/// layer. Each traffic key gets one record cipher, made when the key is installed and used for
/// every record under it.
///
/// - ``swiftCrypto``: swift-crypto's public API. Always available.
/// - `boringSSL`: the BoringSSL that swift-crypto links, called directly: one AEAD context per
///   traffic key, records sealed in place in the connection's buffer. Available only when the
///   package is built with the `BoringSSLProvider` trait, and the default then. It relies on a
///   module swift-crypto does not publish as a product (`CCryptoBoringSSL`), so a swift-crypto
///   release may break it; no second copy of BoringSSL is vendored.
///
/// Key exchange, signatures and certificates always go through swift-crypto and
/// swift-certificates.
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
