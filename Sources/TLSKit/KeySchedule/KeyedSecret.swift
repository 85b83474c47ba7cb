import Crypto

/// A secret with its HMAC keyed once, for the several HKDF-Expand-Label derivations the key
/// schedule makes from it.
///
/// Every derivation in TLS 1.3's key schedule is at most one hash long, so HKDF-Expand
/// (RFC 5869 §2.3) is a single HMAC block: `T(1) = HMAC(PRK, info || 0x01)`. Keying an HMAC
/// is the costly part of each derivation; keying once per secret and copying the keyed state
/// for each label roughly halves the key schedule's cost. Longer outputs (exporters asked for
/// more than one hash length) go through swift-crypto's HKDF.
struct KeyedSecret: @unchecked Sendable {
    // @unchecked: swift-crypto's HMAC is a value type with copy-on-write hash state, used here
    // only through copies; it is not annotated Sendable.
    let secret: SymmetricKey
    private let mac: MAC

    private enum MAC {
        case sha256(HMAC<SHA256>)
        case sha384(HMAC<SHA384>)
    }

    init(_ secret: SymmetricKey, hash: SuiteHash) {
        self.secret = secret
        switch hash {
        case .sha256: mac = .sha256(HMAC<SHA256>(key: secret))
        case .sha384: mac = .sha384(HMAC<SHA384>(key: secret))
        }
    }

    /// Whether HKDF-Expand to `length` bytes is the single block T(1).
    func expandsInOneBlock(_ length: Int) -> Bool {
        switch mac {
        case .sha256: return length <= SHA256.byteCount
        case .sha384: return length <= SHA384.byteCount
        }
    }

    /// T(1) = HMAC(secret, info || 0x01), truncated to `length` (at most one hash long):
    /// HKDF-Expand when ``expandsInOneBlock(_:)``. `infoAndCounter` already ends with the 0x01,
    /// so the HMAC takes one update.
    func firstBlock(infoAndCounter: [UInt8], length: Int) -> SymmetricKey {
        precondition(length > 0 && expandsInOneBlock(length), "HKDF-Expand output longer than one block")
        return infoAndCounter.withUnsafeBytes { authenticationCode(for: $0, length: length) }
    }

    /// HMAC(secret, inputKeyMaterial), a whole hash long: HKDF-Extract (RFC 5869 §2.2) with
    /// this secret as the salt.
    func extract(inputKeyMaterial: SymmetricKey) -> SymmetricKey {
        inputKeyMaterial.withUnsafeBytes { authenticationCode(for: $0, length: nil) }
    }

    /// HMAC(secret, message) from a copy of the keyed state, truncated to `length` if given.
    /// One update: swift-crypto's HMAC.update is generic and costs more per call than per byte.
    private func authenticationCode(for message: UnsafeRawBufferPointer, length: Int?) -> SymmetricKey {
        func truncated(_ code: UnsafeRawBufferPointer) -> SymmetricKey {
            SymmetricKey(data: UnsafeRawBufferPointer(rebasing: code.prefix(length ?? code.count)))
        }
        switch mac {
        case .sha256(var keyed):
            keyed.update(data: message)
            return keyed.finalize().withUnsafeBytes(truncated)
        case .sha384(var keyed):
            keyed.update(data: message)
            return keyed.finalize().withUnsafeBytes(truncated)
        }
    }

    /// HKDF-Expand(secret, info, length).
    func expand(info: [UInt8], length: Int) -> SymmetricKey {
        if expandsInOneBlock(length) { return firstBlock(infoAndCounter: info + [1], length: length) }
        switch mac {
        case .sha256: return SuiteHash.sha256.expand(pseudoRandomKey: secret, info: info, length: length)
        case .sha384: return SuiteHash.sha384.expand(pseudoRandomKey: secret, info: info, length: length)
        }
    }
}
