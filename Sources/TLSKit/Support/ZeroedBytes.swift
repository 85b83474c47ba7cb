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
            // One copy of a prefix: cheaper than reserving and then appending.
            self = zeroBlock.withUnsafeBytes { Array(UnsafeRawBufferPointer(rebasing: $0[..<count])) }
            return
        }
        self = []
        reserveCapacity(count)
        appendZeros(count)
    }

    /// Appends `count` zero bytes, a block copy at a time. The array grows as appending grows
    /// it: reserving exactly `count` more on every call would reallocate a buffer that is
    /// written into record after record.
    mutating func appendZeros(_ count: Int) {
        var left = count
        while left > 0 {
            let block = Swift.min(left, zeroBlock.count)
            append(contentsOf: zeroBlock[..<block])
            left -= block
        }
    }
}
