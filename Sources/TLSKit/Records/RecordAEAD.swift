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
        // The sealed box's combined form is the Data it holds, nonce || ciphertext || tag;
        // its `ciphertext` and `tag` are slices made on each read.
        let combined: Data?
        switch self {
        case .aesGCM(let key):
            combined = try AES.GCM.seal(plaintext, using: key, nonce: AES.GCM.Nonce(data: nonce), authenticating: additionalData).combined
        case .chaChaPoly(let key):
            combined = try ChaChaPoly.seal(plaintext, using: key, nonce: ChaChaPoly.Nonce(data: nonce), authenticating: additionalData).combined
        #if BoringSSLProvider
        case .boringSSL(let aead):
            return try aead.sealInPlace(buffer, plaintextLength: plaintextLength, nonce: nonce, additionalData: additionalData)
        #endif
        }
        guard let combined, combined.count == Self.nonceLength + plaintextLength + Self.tagLength else {
            throw TLSError(.internalFailure("AEAD output of an unexpected length"))
        }
        // Data's copyBytes(to:) takes a generic path that costs more than the copy itself:
        // copy the raw bytes.
        combined.withUnsafeBytes {
            buffer.baseAddress!.copyMemory(from: $0.baseAddress! + Self.nonceLength, byteCount: plaintextLength + Self.tagLength)
        }
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
        switch self {
        case .aesGCM(let key):
            let box =
                ciphertextAndTag.count <= Self.combinedOpeningLimit
                ? try AES.GCM.SealedBox(combined: Self.combined(nonce: nonce, ciphertextAndTag))
                : try AES.GCM.SealedBox(
                    nonce: AES.GCM.Nonce(data: nonce), ciphertext: Self.ciphertext(ciphertextAndTag), tag: Self.tag(ciphertextAndTag))
            return try AES.GCM.open(box, using: key, authenticating: additionalData)
        case .chaChaPoly(let key):
            let box =
                ciphertextAndTag.count <= Self.combinedOpeningLimit
                ? try ChaChaPoly.SealedBox(combined: Self.combined(nonce: nonce, ciphertextAndTag))
                : try ChaChaPoly.SealedBox(
                    nonce: ChaChaPoly.Nonce(data: nonce), ciphertext: Self.ciphertext(ciphertextAndTag), tag: Self.tag(ciphertextAndTag))
            return try ChaChaPoly.open(box, using: key, authenticating: additionalData)
        #if BoringSSLProvider
        case .boringSSL(let aead):
            return try aead.open(ciphertextAndTag, nonce: nonce, additionalData: additionalData)
        #endif
        }
    }

    /// Up to this many bytes of ciphertext and tag, swift-crypto's sealed box is built from one
    /// Data holding nonce || ciphertext || tag. Its initialiser from the three parts is generic
    /// and not inlinable, so it runs unspecialised, with dynamic casts and metadata lookups,
    /// costing more than a small record's copy; the combined one copies the bytes once more,
    /// which costs more than that overhead only for records of several kilobytes (see the
    /// benchmark's `--primitives`).
    static let combinedOpeningLimit = 2048

    private static func combined(nonce: UnsafeRawBufferPointer, _ ciphertextAndTag: UnsafeRawBufferPointer) -> Data {
        var combined = Data(count: nonce.count + ciphertextAndTag.count)
        combined.withUnsafeMutableBytes { buffer in
            buffer.baseAddress!.copyMemory(from: nonce.baseAddress!, byteCount: nonce.count)
            if !ciphertextAndTag.isEmpty {
                (buffer.baseAddress! + nonce.count).copyMemory(from: ciphertextAndTag.baseAddress!, byteCount: ciphertextAndTag.count)
            }
        }
        return combined
    }

    private static func ciphertext(_ ciphertextAndTag: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: ciphertextAndTag[..<(ciphertextAndTag.count - tagLength)])
    }

    private static func tag(_ ciphertextAndTag: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: ciphertextAndTag[(ciphertextAndTag.count - tagLength)...])
    }
}
