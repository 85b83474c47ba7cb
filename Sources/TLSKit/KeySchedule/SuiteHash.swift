import Crypto

/// The hash a TLS 1.3 cipher suite names (RFC 8446 §B.4), and the HKDF and HMAC built on it.
///
/// The key schedule switches on this once per derivation instead of being generic, so the
/// stage types stay plain values that the handshake can store and pass around.
enum SuiteHash: Hashable, Sendable {
    case sha256
    case sha384

    /// Hash.length in RFC 8446 §7.1.
    var length: Int {
        switch self {
        case .sha256: return SHA256.byteCount
        case .sha384: return SHA384.byteCount
        }
    }

    /// Transcript-Hash of no messages, the context of every `Derive-Secret(., "…", "")`.
    var emptyHash: [UInt8] {
        switch self {
        case .sha256: return SuiteHash.emptySHA256
        case .sha384: return SuiteHash.emptySHA384
        }
    }

    private static let emptySHA256 = SuiteHash.sha256.hash([])
    private static let emptySHA384 = SuiteHash.sha384.hash([])

    func hash(_ bytes: [UInt8]) -> [UInt8] {
        bytes.withUnsafeBytes { buffer in
            switch self {
            case .sha256:
                var hasher = SHA256()
                hasher.update(bufferPointer: buffer)
                return Array(copying: hasher.finalize())
            case .sha384:
                var hasher = SHA384()
                hasher.update(bufferPointer: buffer)
                return Array(copying: hasher.finalize())
            }
        }
    }

    /// HKDF-Expand(PRK, info, L) (RFC 5869 §2.3). `length` must be 1 through 255 × Hash.length.
    func expand(pseudoRandomKey: SymmetricKey, info: [UInt8], length: Int) -> SymmetricKey {
        precondition(length > 0 && length <= 255 * self.length, "HKDF-Expand output length out of range")
        return info.withUnsafeBytes { info in
            switch self {
            case .sha256:
                return HKDF<SHA256>.expand(pseudoRandomKey: pseudoRandomKey, info: info, outputByteCount: length)
            case .sha384:
                return HKDF<SHA384>.expand(pseudoRandomKey: pseudoRandomKey, info: info, outputByteCount: length)
            }
        }
    }
}
