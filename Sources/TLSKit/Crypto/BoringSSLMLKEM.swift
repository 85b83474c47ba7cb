#if BoringSSLProvider
import CCryptoBoringSSL
import Crypto

/// ML-KEM on the BoringSSL that swift-crypto links, called directly: the `boringSSL`
/// ``CryptoProvider``'s key exchange for the hybrid groups.
///
/// Key generation hands back the encoded encapsulation key BoringSSL computes anyway;
/// swift-crypto's API re-derives it from the private key and parses it again, which costs as
/// much as the generation. The algorithms are BoringSSL's either way.
final class BoringSSLMLKEMKey: @unchecked Sendable {
    private enum Key {
        case mlkem768(UnsafeMutablePointer<MLKEM768_private_key>)
        case mlkem1024(UnsafeMutablePointer<MLKEM1024_private_key>)
    }

    private let key: Key
    /// The encapsulation key, as the client's share carries it.
    let encapsulationKey: [UInt8]

    init(_ parameters: MLKEMParameterSet) {
        var encoded = [UInt8](repeating: 0, count: parameters.encapsulationKeyLength)
        switch parameters {
        case .mlkem768:
            let key = UnsafeMutablePointer<MLKEM768_private_key>.allocate(capacity: 1)
            encoded.withUnsafeMutableBufferPointer { CCryptoBoringSSL_MLKEM768_generate_key($0.baseAddress, nil, key) }
            self.key = .mlkem768(key)
        case .mlkem1024:
            let key = UnsafeMutablePointer<MLKEM1024_private_key>.allocate(capacity: 1)
            encoded.withUnsafeMutableBufferPointer { CCryptoBoringSSL_MLKEM1024_generate_key($0.baseAddress, nil, key) }
            self.key = .mlkem1024(key)
        }
        encapsulationKey = encoded
    }

    deinit {
        // The decapsulation key is key material: cleared before its memory goes back.
        switch key {
        case .mlkem768(let key):
            CCryptoBoringSSL_OPENSSL_cleanse(key, MemoryLayout<MLKEM768_private_key>.size)
            key.deallocate()
        case .mlkem1024(let key):
            CCryptoBoringSSL_OPENSSL_cleanse(key, MemoryLayout<MLKEM1024_private_key>.size)
            key.deallocate()
        }
    }

    /// The secret in `ciphertext`, whose length the caller has checked.
    func decapsulate(_ ciphertext: ArraySlice<UInt8>) throws -> SymmetricKey {
        var secret = [UInt8](repeating: 0, count: 32)
        defer { secret.withUnsafeMutableBytes { CCryptoBoringSSL_OPENSSL_cleanse($0.baseAddress, $0.count) } }
        let decapsulated = ciphertext.withUnsafeBufferPointer { ciphertext in
            switch key {
            case .mlkem768(let key): return CCryptoBoringSSL_MLKEM768_decap(&secret, ciphertext.baseAddress, ciphertext.count, key)
            case .mlkem1024(let key): return CCryptoBoringSSL_MLKEM1024_decap(&secret, ciphertext.baseAddress, ciphertext.count, key)
            }
        }
        guard decapsulated == 1 else { throw TLSError(.internalFailure("ML-KEM decapsulation failed")) }
        return SymmetricKey(data: secret)
    }

    /// Encapsulates a fresh secret to `encapsulationKey`; nil when the key does not parse,
    /// which includes failing the FIPS 203 modulus check (`MLKEM*_parse_public_key`).
    static func encapsulate(
        _ parameters: MLKEMParameterSet, to encapsulationKey: ArraySlice<UInt8>
    ) -> (ciphertext: [UInt8], secret: SymmetricKey)? {
        var ciphertext = [UInt8](repeating: 0, count: parameters.ciphertextLength)
        var secret = [UInt8](repeating: 0, count: 32)
        defer { secret.withUnsafeMutableBytes { CCryptoBoringSSL_OPENSSL_cleanse($0.baseAddress, $0.count) } }
        let encapsulated = encapsulationKey.withUnsafeBufferPointer { encoded -> Bool in
            var input = CBS()
            CCryptoBoringSSL_CBS_init(&input, encoded.baseAddress, encoded.count)
            switch parameters {
            case .mlkem768:
                let key = UnsafeMutablePointer<MLKEM768_public_key>.allocate(capacity: 1)
                defer { key.deallocate() }
                guard CCryptoBoringSSL_MLKEM768_parse_public_key(key, &input) == 1 else { return false }
                CCryptoBoringSSL_MLKEM768_encap(&ciphertext, &secret, key)
            case .mlkem1024:
                let key = UnsafeMutablePointer<MLKEM1024_public_key>.allocate(capacity: 1)
                defer { key.deallocate() }
                guard CCryptoBoringSSL_MLKEM1024_parse_public_key(key, &input) == 1 else { return false }
                CCryptoBoringSSL_MLKEM1024_encap(&ciphertext, &secret, key)
            }
            return true
        }
        guard encapsulated else { return nil }
        return (ciphertext, SymmetricKey(data: secret))
    }
}
#endif
