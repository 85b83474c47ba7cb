import Crypto

extension Array where Element == UInt8 {
    /// The bytes of a digest, copied in one move.
    ///
    /// `Array(digest)` walks swift-crypto's digest and MAC types one byte at a time through
    /// their generic iterators, which costs several hundred nanoseconds per 32-byte value —
    /// more than hashing the block. Every digest and MAC the key schedule turns into bytes
    /// goes through these instead.
    init(copying digest: some Crypto.Digest) {
        self = digest.withUnsafeBytes { Array($0) }
    }

    /// The bytes of an HMAC, copied in one move.
    init(copying code: some Crypto.MessageAuthenticationCode) {
        self = code.withUnsafeBytes { Array($0) }
    }
}
