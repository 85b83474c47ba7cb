/// Zeros to copy from: filling memory by copying a block is one `memcpy`, where setting it
/// byte by byte is a loop.
let zeroBlock = [UInt8](repeating: 0, count: 4096)

extension Array where Element == UInt8 {
    /// `count` zero bytes, for a caller to write over in place.
    ///
    /// `init(repeating:count:)` and `init(unsafeUninitializedCapacity:initializingWith:)` make
    /// their room through the standard library's unspecialised allocation, which looks the
    /// array's type up in the runtime's metadata cache on every call: a few hundred
    /// instructions and a walk through cold runtime code, a dozen times per handshake for a
    /// digest, a random or a ticket. Copying from a buffer takes the specialised path.
    init(zeroedCount count: Int) {
        precondition(count >= 0, "negative byte count")
        guard count > zeroBlock.count else {
            self = zeroBlock.withUnsafeBytes { Array(UnsafeRawBufferPointer(rebasing: $0[..<count])) }
            return
        }
        self = []
        reserveCapacity(count)
        while self.count < count {
            append(contentsOf: zeroBlock[..<Swift.min(count - self.count, zeroBlock.count)])
        }
    }
}
