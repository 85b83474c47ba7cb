#if BoringSSLProvider
import CCryptoBoringSSL
import Crypto
import Foundation

/// ECDSA signing for CertificateVerify on the BoringSSL that swift-crypto links, called
/// directly: the `boringSSL` ``CryptoProvider``'s signer for P-256 and P-384 keys.
///
/// The key is loaded into one `EC_KEY` when the ``SigningKey`` is made, and BoringSSL hashes
/// nothing twice and writes the DER signature itself; swift-crypto's API hashes into a `Data`,
/// returns the signature as two integers and encodes DER again on request, which costs about as
/// much as the signature's own arithmetic. The algorithm is BoringSSL's either way.
final class BoringSSLECDSASigner: @unchecked Sendable {
    // @unchecked: the EC_KEY is written only here, while it is made; BoringSSL signs with a
    // const key, so connections on several threads may sign with it at once.
    private let key: OpaquePointer
    private let digestLength: Int

    /// A signer for the key with `privateKey` (big-endian scalar) and `publicKey` (X9.63,
    /// uncompressed) on the curve `nid`; nil if BoringSSL refuses either.
    private init?(curve nid: Int32, privateKey: Data, publicKey: Data, digestLength: Int) {
        guard let key = CCryptoBoringSSL_EC_KEY_new_by_curve_name(nid) else { return nil }
        let loaded =
            privateKey.withUnsafeBytes { CCryptoBoringSSL_EC_KEY_oct2priv(key, $0.bindMemory(to: UInt8.self).baseAddress, $0.count) } == 1
            && publicKey.withUnsafeBytes { CCryptoBoringSSL_EC_KEY_oct2key(key, $0.bindMemory(to: UInt8.self).baseAddress, $0.count, nil) } == 1
        guard loaded else {
            CCryptoBoringSSL_EC_KEY_free(key)
            CCryptoBoringSSL_ERR_clear_error()
            return nil
        }
        self.key = key
        self.digestLength = digestLength
    }

    convenience init?(_ key: P256.Signing.PrivateKey) {
        self.init(curve: NID_X9_62_prime256v1, privateKey: key.rawRepresentation, publicKey: key.publicKey.x963Representation, digestLength: 32)
    }

    convenience init?(_ key: P384.Signing.PrivateKey) {
        self.init(curve: NID_secp384r1, privateKey: key.rawRepresentation, publicKey: key.publicKey.x963Representation, digestLength: 48)
    }

    deinit { CCryptoBoringSSL_EC_KEY_free(key) }

    /// The DER-encoded ECDSA signature of `message` under SHA-256 (P-256) or SHA-384 (P-384),
    /// the pairing RFC 8446 §4.2.3 fixes for each curve.
    func sign(_ message: [UInt8]) throws -> [UInt8] {
        var length: UInt32 = 0
        var signature = [UInt8](repeating: 0, count: CCryptoBoringSSL_ECDSA_size(key))
        // The digest lives on the stack: one allocation fewer per handshake.
        let signed = withUnsafeTemporaryAllocation(of: UInt8.self, capacity: digestLength) { digest in
            message.withUnsafeBufferPointer { message in
                if digestLength == 32 {
                    _ = CCryptoBoringSSL_SHA256(message.baseAddress, message.count, digest.baseAddress)
                } else {
                    _ = CCryptoBoringSSL_SHA384(message.baseAddress, message.count, digest.baseAddress)
                }
            }
            return CCryptoBoringSSL_ECDSA_sign(0, digest.baseAddress, digestLength, &signature, &length, key) == 1
        }
        guard signed else {
            CCryptoBoringSSL_ERR_clear_error()
            throw TLSError(.internalFailure("BoringSSL ECDSA signing failed"))
        }
        signature.removeSubrange(Int(length)...)
        return signature
    }
}
#endif
