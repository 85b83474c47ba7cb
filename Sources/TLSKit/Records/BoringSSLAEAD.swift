#if BoringSSLProvider
import CCryptoBoringSSL
import Crypto

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// One BoringSSL AEAD context for one traffic key, made once and used for every record under
/// the key: the `boringSSL` ``CryptoProvider``.
///
/// The context lives at a fixed address of its own and is cleaned up (its key schedule
/// zeroed) when the last record protection using it goes. A connection is confined to one
/// thread, and so is each of its contexts. A session ticket key keeps one too, shared by every
/// connection of its ring: BoringSSL allows concurrent seals and opens on one context.
final class BoringSSLAEAD: @unchecked Sendable {
    private let context: UnsafeMutablePointer<EVP_AEAD_CTX>

    /// A context under `key` (a `SymmetricKey`, or bytes on the caller's stack), which
    /// BoringSSL copies into the context.
    init<Key: ContiguousBytes>(suite: CipherSuite, key: Key) {
        let aead: OpaquePointer
        switch suite {
        case .TLS_CHACHA20_POLY1305_SHA256: aead = CCryptoBoringSSL_EVP_aead_chacha20_poly1305()
        case .TLS_AES_256_GCM_SHA384: aead = CCryptoBoringSSL_EVP_aead_aes_256_gcm()
        default: aead = CCryptoBoringSSL_EVP_aead_aes_128_gcm()
        }
        context = .allocate(capacity: 1)
        let (initialised, keyLength) = key.withUnsafeBytes { key in
            (CCryptoBoringSSL_EVP_AEAD_CTX_init(
                context, aead, key.bindMemory(to: UInt8.self).baseAddress, key.count, RecordAEAD.tagLength, nil), key.count)
        }
        // Only a key of the wrong length fails, and the key schedule makes each suite's length.
        precondition(initialised == 1, "EVP_AEAD_CTX_init refused a \(keyLength * 8)-bit key for \(suite)")
    }

    /// An AES-256-GCM context with a 16-byte tag, as session tickets are sealed.
    convenience init(aes256GCMKey key: SymmetricKey) {
        self.init(suite: .TLS_AES_256_GCM_SHA384, key: key)
    }

    deinit {
        CCryptoBoringSSL_EVP_AEAD_CTX_cleanup(context)
        context.deallocate()
    }

    func sealInPlace(
        _ buffer: UnsafeMutableRawBufferPointer, plaintextLength: Int, nonce: UnsafeRawBufferPointer,
        additionalData: UnsafeRawBufferPointer
    ) throws {
        let bytes = buffer.bindMemory(to: UInt8.self).baseAddress!
        var written = 0
        let sealed = CCryptoBoringSSL_EVP_AEAD_CTX_seal(
            context, bytes, &written, plaintextLength + RecordAEAD.tagLength,
            nonce.bindMemory(to: UInt8.self).baseAddress, nonce.count,
            bytes, plaintextLength,
            additionalData.bindMemory(to: UInt8.self).baseAddress, additionalData.count)
        guard sealed == 1, written == plaintextLength + RecordAEAD.tagLength else {
            CCryptoBoringSSL_ERR_clear_error()
            throw TLSError(.internalFailure("BoringSSL AEAD seal failed"))
        }
    }

    /// Seals `plaintext` and then `trailer` without copying the plaintext first:
    /// `EVP_AEAD_CTX_seal_scatter` writes the plaintext's ciphertext to the front of `output`
    /// and the trailer's ciphertext and the tag after it.
    func seal(
        _ plaintext: UnsafeRawBufferPointer, trailer: UInt8, into output: UnsafeMutableRawBufferPointer,
        nonce: UnsafeRawBufferPointer, additionalData: UnsafeRawBufferPointer
    ) throws {
        let out = output.bindMemory(to: UInt8.self).baseAddress!
        var trailer = trailer
        var tagWritten = 0
        let tagCapacity = 1 + RecordAEAD.tagLength
        let sealed = CCryptoBoringSSL_EVP_AEAD_CTX_seal_scatter(
            context, out, out + plaintext.count, &tagWritten, tagCapacity,
            nonce.bindMemory(to: UInt8.self).baseAddress, nonce.count,
            plaintext.bindMemory(to: UInt8.self).baseAddress, plaintext.count,
            &trailer, 1,
            additionalData.bindMemory(to: UInt8.self).baseAddress, additionalData.count)
        guard sealed == 1, tagWritten == tagCapacity else {
            CCryptoBoringSSL_ERR_clear_error()
            throw TLSError(.internalFailure("BoringSSL AEAD seal failed"))
        }
    }

    func open(
        _ ciphertextAndTag: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer,
        nonce: UnsafeRawBufferPointer, additionalData: UnsafeRawBufferPointer
    ) throws -> Int {
        let plaintextLength = ciphertextAndTag.count - RecordAEAD.tagLength
        precondition(output.count >= plaintextLength, "opened record buffer too small")
        var written = 0
        let opened = CCryptoBoringSSL_EVP_AEAD_CTX_open(
            context, output.bindMemory(to: UInt8.self).baseAddress, &written, plaintextLength,
            nonce.bindMemory(to: UInt8.self).baseAddress, nonce.count,
            ciphertextAndTag.bindMemory(to: UInt8.self).baseAddress, ciphertextAndTag.count,
            additionalData.bindMemory(to: UInt8.self).baseAddress, additionalData.count)
        guard opened == 1, written == plaintextLength else {
            CCryptoBoringSSL_ERR_clear_error()
            throw TLSError(.badRecordMAC)
        }
        return written
    }

    func open(_ ciphertextAndTag: UnsafeRawBufferPointer, nonce: UnsafeRawBufferPointer, additionalData: UnsafeRawBufferPointer) throws -> Data {
        // Data(count:) would zero the bytes the AEAD is about to write.
        let plaintextLength = ciphertextAndTag.count - RecordAEAD.tagLength
        let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: max(plaintextLength, 1), alignment: 16)
        do {
            _ = try open(ciphertextAndTag, into: storage, nonce: nonce, additionalData: additionalData)
        } catch {
            storage.deallocate()
            throw error
        }
        return Data(bytesNoCopy: storage.baseAddress!, count: plaintextLength, deallocator: .custom { pointer, _ in pointer.deallocate() })
    }
}
#endif
