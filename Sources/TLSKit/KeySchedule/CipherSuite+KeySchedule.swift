import Crypto

extension CipherSuite {
    /// Whether TLSKit implements this suite: the three TLS 1.3 suites of RFC 8446 §B.4.
    var isSupported: Bool {
        switch self {
        case .TLS_AES_128_GCM_SHA256, .TLS_AES_256_GCM_SHA384, .TLS_CHACHA20_POLY1305_SHA256: return true
        default: return false
        }
    }

    /// Hash.length of the suite's hash: 48 for SHA-384, 32 otherwise.
    var hashLength: Int { suiteHash.length }

    /// The AEAD key length: 16 bytes for AES-128-GCM, 32 for AES-256-GCM and ChaCha20-Poly1305.
    var keyLength: Int { self == .TLS_AES_128_GCM_SHA256 ? 16 : 32 }

    /// The suite's hash. Suites that are not ``isSupported`` must be rejected during
    /// negotiation; should one get here regardless it is treated as SHA-256, so the peers
    /// derive different keys and the handshake fails instead of the process.
    var suiteHash: SuiteHash {
        assert(isSupported, "key schedule used with unsupported cipher suite \(self)")
        return self == .TLS_AES_256_GCM_SHA384 ? .sha384 : .sha256
    }
}
