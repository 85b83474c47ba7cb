#if BoringSSLProvider
import CCryptoBoringSSL

/// SHA-256 on the BoringSSL that swift-crypto links: the hash state is a plain C struct, so
/// copying it (once per HMAC, see ``KeyedHMAC``) allocates nothing.
struct BoringSSLSHA256: HMACHashState, @unchecked Sendable {
    static let blockByteCount = 64
    static let byteCount = 32
    private var context = SHA256_CTX()

    init() { CCryptoBoringSSL_SHA256_Init(&context) }

    mutating func update(_ bytes: UnsafeRawBufferPointer) {
        CCryptoBoringSSL_SHA256_Update(&context, bytes.baseAddress, bytes.count)
    }

    func finalize(into output: UnsafeMutableRawBufferPointer) {
        precondition(output.count >= Self.byteCount, "digest buffer too small")
        var finishing = context
        CCryptoBoringSSL_SHA256_Final(output.bindMemory(to: UInt8.self).baseAddress, &finishing)
    }
}

/// SHA-384 on BoringSSL, as ``BoringSSLSHA256``.
struct BoringSSLSHA384: HMACHashState, @unchecked Sendable {
    static let blockByteCount = 128
    static let byteCount = 48
    private var context = SHA512_CTX()

    init() { CCryptoBoringSSL_SHA384_Init(&context) }

    mutating func update(_ bytes: UnsafeRawBufferPointer) {
        CCryptoBoringSSL_SHA384_Update(&context, bytes.baseAddress, bytes.count)
    }

    func finalize(into output: UnsafeMutableRawBufferPointer) {
        precondition(output.count >= Self.byteCount, "digest buffer too small")
        var finishing = context
        CCryptoBoringSSL_SHA384_Final(output.bindMemory(to: UInt8.self).baseAddress, &finishing)
    }
}
#endif
