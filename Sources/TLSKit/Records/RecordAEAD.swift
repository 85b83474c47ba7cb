import Crypto

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// The AEAD algorithm of a TLS 1.3 cipher suite, holding its key (RFC 8446 §5.2, §B.4).
///
/// Inputs are raw buffers so callers can pass slices of their own storage; swift-crypto
/// returns `Data`, which the record layer copies straight into its output.
enum RecordAEAD: Sendable {
    case aesGCM(SymmetricKey)
    case chaChaPoly(SymmetricKey)

    /// All three TLS 1.3 AEADs have a 16-byte tag and a 12-byte nonce.
    static let tagLength = 16
    static let nonceLength = 12

    init(suite: CipherSuite, key: SymmetricKey) {
        self = suite == .TLS_CHACHA20_POLY1305_SHA256 ? .chaChaPoly(key) : .aesGCM(key)
    }

    func seal(
        _ plaintext: UnsafeRawBufferPointer, nonce: UnsafeRawBufferPointer, additionalData: UnsafeRawBufferPointer
    ) throws -> (ciphertext: Data, tag: Data) {
        switch self {
        case .aesGCM(let key):
            let box = try AES.GCM.seal(plaintext, using: key, nonce: AES.GCM.Nonce(data: nonce), authenticating: additionalData)
            return (box.ciphertext, box.tag)
        case .chaChaPoly(let key):
            let box = try ChaChaPoly.seal(
                plaintext, using: key, nonce: ChaChaPoly.Nonce(data: nonce), authenticating: additionalData)
            return (box.ciphertext, box.tag)
        }
    }

    /// Decrypts and authenticates; throws whatever swift-crypto throws on failure.
    func open(
        ciphertext: UnsafeRawBufferPointer, tag: UnsafeRawBufferPointer, nonce: UnsafeRawBufferPointer,
        additionalData: UnsafeRawBufferPointer
    ) throws -> Data {
        switch self {
        case .aesGCM(let key):
            let box = try AES.GCM.SealedBox(nonce: AES.GCM.Nonce(data: nonce), ciphertext: ciphertext, tag: tag)
            return try AES.GCM.open(box, using: key, authenticating: additionalData)
        case .chaChaPoly(let key):
            let box = try ChaChaPoly.SealedBox(nonce: ChaChaPoly.Nonce(data: nonce), ciphertext: ciphertext, tag: tag)
            return try ChaChaPoly.open(box, using: key, authenticating: additionalData)
        }
    }
}
