import Crypto

/// HMAC (RFC 2104) over swift-crypto's public hash functions, keyed once: the key's inner and
/// outer pads are hashed when it is made, and each use copies the two keyed hash states.
///
/// swift-crypto's `HMAC` keys both pads again for every HMAC it is made for, and a TLS 1.3
/// handshake computes dozens of HMACs, most of them under a few keys (each secret of the key
/// schedule derives several labels). The hash states are copy-on-write values, so a copy is a
/// retain until the first update. This is HMAC as RFC 2104 defines it, built from the hashes:
///
///     HMAC(K, m) = H((K' ^ opad) || H((K' ^ ipad) || m)),  K' = K, or H(K) if K is longer than a block
struct KeyedHMAC<H: HashFunction> {
    private let inner: H
    private let outer: H

    init(key: UnsafeRawBufferPointer) {
        var block = [UInt8](repeating: 0, count: H.blockByteCount)
        if key.count > H.blockByteCount {
            var keyHash = H()
            keyHash.update(bufferPointer: key)
            keyHash.finalize().withUnsafeBytes { block.replaceSubrange(0..<$0.count, with: $0) }
        } else {
            block.replaceSubrange(0..<key.count, with: key)
        }
        var inner = H()
        var outer = H()
        for index in block.indices { block[index] ^= 0x36 }
        block.withUnsafeBytes { inner.update(bufferPointer: $0) }
        // 0x36 ^ 0x5C: from the inner pad to the outer one.
        for index in block.indices { block[index] ^= 0x36 ^ 0x5C }
        block.withUnsafeBytes { outer.update(bufferPointer: $0) }
        // The padded key is key material: clear it rather than leave it to the allocator.
        for index in block.indices { block[index] = 0 }
        self.inner = inner
        self.outer = outer
    }

    init(key: SymmetricKey) {
        self = key.withUnsafeBytes { KeyedHMAC(key: $0) }
    }

    /// HMAC(key, message), in one update of each state.
    func authenticationCode(for message: UnsafeRawBufferPointer) -> H.Digest {
        var inner = self.inner
        inner.update(bufferPointer: message)
        var outer = self.outer
        inner.finalize().withUnsafeBytes { outer.update(bufferPointer: $0) }
        return outer.finalize()
    }
}
