import Crypto

/// A hash state HMAC is built on: a value that is cheap to copy, updated, then finished into
/// the caller's memory.
protocol HMACHashState {
    static var blockByteCount: Int { get }
    static var byteCount: Int { get }
    init()
    mutating func update(_ bytes: UnsafeRawBufferPointer)
    /// Writes the digest (``byteCount`` bytes) to the start of `output`.
    func finalize(into output: UnsafeMutableRawBufferPointer)
}

/// HMAC (RFC 2104) over a hash state, keyed once: the key's inner and outer pads are hashed
/// when it is made, and each use copies the two keyed hash states.
///
/// swift-crypto's `HMAC` keys both pads again for every HMAC it is made for, and a TLS 1.3
/// handshake computes dozens of HMACs, most of them under a few keys (each secret of the key
/// schedule derives several labels). swift-crypto's hash states are copy-on-write values, so a
/// copy is a retain until the first update (which allocates); BoringSSL's are plain structs, so
/// under the BoringSSL provider a copy is a copy and nothing is allocated. This is HMAC as
/// RFC 2104 defines it, built from the hashes:
///
///     HMAC(K, m) = H((K' ^ opad) || H((K' ^ ipad) || m)),  K' = K, or H(K) if K is longer than a block
struct KeyedHMAC<H: HMACHashState> {
    private let inner: H
    private let outer: H

    init(key: UnsafeRawBufferPointer) {
        (inner, outer) = Self.keyedStates(key)
    }

    /// The inner and outer hash states with the key's pads hashed.
    private static func keyedStates(_ key: UnsafeRawBufferPointer) -> (inner: H, outer: H) {
        // The padded key is built on the stack (a secret is keyed a dozen times per handshake)
        // and cleared before the stack is given back.
        withUnsafeTemporaryAllocation(byteCount: H.blockByteCount, alignment: 8) { block in
            defer { block.initializeMemory(as: UInt8.self, repeating: 0) }
            block.initializeMemory(as: UInt8.self, repeating: 0)
            if key.count > H.blockByteCount {
                var keyHash = H()
                keyHash.update(key)
                keyHash.finalize(into: block)
            } else if key.count > 0 {
                block.baseAddress!.copyMemory(from: key.baseAddress!, byteCount: key.count)
            }
            var inner = H()
            var outer = H()
            for index in block.indices { block[index] ^= 0x36 }
            inner.update(UnsafeRawBufferPointer(block))
            // 0x36 ^ 0x5C: from the inner pad to the outer one.
            for index in block.indices { block[index] ^= 0x36 ^ 0x5C }
            outer.update(UnsafeRawBufferPointer(block))
            return (inner, outer)
        }
    }

    init(key: SymmetricKey) {
        self = key.withUnsafeBytes { KeyedHMAC(key: $0) }
    }

    /// Writes HMAC(key, message) (``HMACHashState/byteCount`` bytes) to the start of `output`,
    /// in one update of each state.
    func authenticationCode(for message: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) {
        var inner = self.inner
        var outer = self.outer
        Self.finish(&inner, &outer, message: message, into: output)
    }

    /// HMAC(key, message) under a key used once, into the start of `output`: the states are
    /// updated where they were keyed, never copied, so swift-crypto's copy-on-write states are
    /// not copied again on their update (two allocations fewer than keying, then using).
    static func authenticationCode(key: UnsafeRawBufferPointer, for message: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) {
        var (inner, outer) = keyedStates(key)
        finish(&inner, &outer, message: message, into: output)
    }

    private static func finish(_ inner: inout H, _ outer: inout H, message: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) {
        inner.update(message)
        inner.finalize(into: output)
        outer.update(UnsafeRawBufferPointer(rebasing: output[..<H.byteCount]))
        outer.finalize(into: output)
    }
}

extension SHA256: HMACHashState {
    mutating func update(_ bytes: UnsafeRawBufferPointer) { update(bufferPointer: bytes) }

    func finalize(into output: UnsafeMutableRawBufferPointer) {
        finalize().withUnsafeBytes { output.copyMemory(from: $0) }
    }
}

extension SHA384: HMACHashState {
    mutating func update(_ bytes: UnsafeRawBufferPointer) { update(bufferPointer: bytes) }

    func finalize(into output: UnsafeMutableRawBufferPointer) {
        finalize().withUnsafeBytes { output.copyMemory(from: $0) }
    }
}
