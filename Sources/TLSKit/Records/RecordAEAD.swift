import Crypto

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The AEAD of a TLS 1.3 cipher suite under one traffic key, from the connection's
/// ``CryptoProvider`` (RFC 8446 §5.2, §B.4).
///
/// It seals in place: the plaintext in the caller's buffer becomes the ciphertext, and the tag
/// is written right after it. swift-crypto's public API cannot do that, so its path copies its
/// output back; the BoringSSL provider keeps one AEAD context per key and seals where the
/// record is.
enum RecordAEAD: Sendable {
    case aesGCM(SymmetricKey)
    case chaChaPoly(SymmetricKey)
    #if BoringSSLProvider
    case boringSSL(BoringSSLAEAD)
    #endif

    /// All three TLS 1.3 AEADs have a 16-byte tag and a 12-byte nonce.
    static let tagLength = 16
    static let nonceLength = 12

    init(suite: CipherSuite, key: SymmetricKey, provider: CryptoProvider = .default) {
        self = key.withUnsafeBytes { RecordAEAD(suite: suite, keyBytes: $0, provider: provider) }
    }

    /// The cipher under the key in `keyBytes`, which it copies: swift-crypto's into a
    /// `SymmetricKey`, BoringSSL's into its AEAD context.
    init(suite: CipherSuite, keyBytes: UnsafeRawBufferPointer, provider: CryptoProvider = .default) {
        switch provider.kind {
        case .swiftCrypto:
            let key = SymmetricKey(data: keyBytes)
            self = suite == .TLS_CHACHA20_POLY1305_SHA256 ? .chaChaPoly(key) : .aesGCM(key)
        #if BoringSSLProvider
        case .boringSSL:
            self = .boringSSL(BoringSSLAEAD(suite: suite, key: keyBytes))
        #endif
        }
    }

    /// Encrypts the first `plaintextLength` bytes of `buffer` in place and writes the tag after
    /// them; `buffer` holds at least `plaintextLength + tagLength` bytes.
    func sealInPlace(
        _ buffer: UnsafeMutableRawBufferPointer, plaintextLength: Int, nonce: UnsafeRawBufferPointer,
        additionalData: UnsafeRawBufferPointer
    ) throws {
        let plaintext = UnsafeRawBufferPointer(rebasing: buffer[..<plaintextLength])
        let sealed: (ciphertext: Data, tag: Data)
        switch self {
        case .aesGCM(let key):
            let box = try AES.GCM.seal(plaintext, using: key, nonce: AES.GCM.Nonce(data: nonce), authenticating: additionalData)
            sealed = (box.ciphertext, box.tag)
        case .chaChaPoly(let key):
            let box = try ChaChaPoly.seal(plaintext, using: key, nonce: ChaChaPoly.Nonce(data: nonce), authenticating: additionalData)
            sealed = (box.ciphertext, box.tag)
        #if BoringSSLProvider
        case .boringSSL(let aead):
            return try aead.sealInPlace(buffer, plaintextLength: plaintextLength, nonce: nonce, additionalData: additionalData)
        #endif
        }
        guard sealed.ciphertext.count == plaintextLength, sealed.tag.count == Self.tagLength else {
            throw TLSError(.internalFailure("AEAD output of an unexpected length"))
        }
        // Data's copyBytes(to:) takes a generic path that costs more than the copy itself:
        // copy the raw bytes.
        sealed.ciphertext.withUnsafeBytes { buffer.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: plaintextLength) }
        sealed.tag.withUnsafeBytes { (buffer.baseAddress! + plaintextLength).copyMemory(from: $0.baseAddress!, byteCount: Self.tagLength) }
    }

    /// Encrypts `plaintext` followed by the one byte `trailer` (a record's real content type)
    /// into `output`, which holds exactly `plaintext.count + 1 + tagLength` bytes, the tag last.
    ///
    /// BoringSSL reads the plaintext where it is and writes only the output; swift-crypto's
    /// public API cannot, so that path copies the plaintext into `output` and seals it there.
    func seal(
        _ plaintext: UnsafeRawBufferPointer, trailer: UInt8, into output: UnsafeMutableRawBufferPointer,
        nonce: UnsafeRawBufferPointer, additionalData: UnsafeRawBufferPointer
    ) throws {
        precondition(output.count == plaintext.count + 1 + Self.tagLength, "sealed record buffer of the wrong size")
        #if BoringSSLProvider
        if case .boringSSL(let aead) = self {
            return try aead.seal(plaintext, trailer: trailer, into: output, nonce: nonce, additionalData: additionalData)
        }
        #endif
        if plaintext.count > 0 { output.baseAddress!.copyMemory(from: plaintext.baseAddress!, byteCount: plaintext.count) }
        output[plaintext.count] = trailer
        try sealInPlace(output, plaintextLength: plaintext.count + 1, nonce: nonce, additionalData: additionalData)
    }

    /// Decrypts and authenticates `ciphertextAndTag` into `output`, which holds at least
    /// `ciphertextAndTag.count - tagLength` bytes; returns that count. Throws on failure, and
    /// `output` may then hold anything.
    func open(
        _ ciphertextAndTag: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer,
        nonce: UnsafeRawBufferPointer, additionalData: UnsafeRawBufferPointer
    ) throws -> Int {
        #if BoringSSLProvider
        if case .boringSSL(let aead) = self {
            return try aead.open(ciphertextAndTag, into: output, nonce: nonce, additionalData: additionalData)
        }
        #endif
        let plaintext = try open(ciphertextAndTag, nonce: nonce, additionalData: additionalData)
        precondition(output.count >= plaintext.count, "opened record buffer too small")
        plaintext.withUnsafeBytes { if $0.count > 0 { output.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: $0.count) } }
        return plaintext.count
    }

    /// Decrypts and authenticates `ciphertextAndTag` (the tag is its last 16 bytes); throws on failure.
    func open(_ ciphertextAndTag: UnsafeRawBufferPointer, nonce: UnsafeRawBufferPointer, additionalData: UnsafeRawBufferPointer) throws -> Data {
        let tagStart = ciphertextAndTag.count - Self.tagLength
        let ciphertext = UnsafeRawBufferPointer(rebasing: ciphertextAndTag[..<tagStart])
        let tag = UnsafeRawBufferPointer(rebasing: ciphertextAndTag[tagStart...])
        switch self {
        case .aesGCM(let key):
            let box = try AES.GCM.SealedBox(nonce: AES.GCM.Nonce(data: nonce), ciphertext: ciphertext, tag: tag)
            return try AES.GCM.open(box, using: key, authenticating: additionalData)
        case .chaChaPoly(let key):
            let box = try ChaChaPoly.SealedBox(nonce: ChaChaPoly.Nonce(data: nonce), ciphertext: ciphertext, tag: tag)
            return try ChaChaPoly.open(box, using: key, authenticating: additionalData)
        #if BoringSSLProvider
        case .boringSSL(let aead):
            return try aead.open(ciphertextAndTag, nonce: nonce, additionalData: additionalData)
        #endif
        }
    }
}
