/// Memory a connection writes into where the bytes will stay: sealed records on their way
/// to the peer, or application data opened from the peer's records, with no copy in between.
///
/// SwiftNIO's `ByteBuffer` has exactly this method (TLSKitNIO declares the conformance), so
/// the NIO handler seals into, and opens into, the buffers it passes along.
public protocol TLSOutputBuffer {
    /// Makes room for at least `minimumWritableBytes`, calls `body` with that room, and keeps
    /// the number of bytes `body` returns as written (none when it throws).
    @discardableResult
    mutating func writeWithUnsafeMutableBytes(
        minimumWritableBytes: Int, _ body: (UnsafeMutableRawBufferPointer) throws -> Int
    ) rethrows -> Int
}

/// A byte array grows at its end: handy where a caller wants `[UInt8]` (tests, tools).
extension Array: TLSOutputBuffer where Element == UInt8 {
    @discardableResult
    public mutating func writeWithUnsafeMutableBytes(
        minimumWritableBytes: Int, _ body: (UnsafeMutableRawBufferPointer) throws -> Int
    ) rethrows -> Int {
        if isEmpty && capacity < minimumWritableBytes {
            // The common case (the connection's output was just taken): the room is made
            // without first filling it with zeros that `body` would overwrite at once. Room
            // already reserved is kept and filled below.
            var written = 0
            self = try Array(unsafeUninitializedCapacity: minimumWritableBytes) { room, initialized in
                written = try body(UnsafeMutableRawBufferPointer(room))
                initialized = written
            }
            return written
        }
        let start = count
        // Zeros that `body` overwrites, copied a block at a time rather than set one by one.
        appendZeros(minimumWritableBytes)
        var written = 0
        defer { removeSubrange((start + written)...) }
        written = try withUnsafeMutableBytes { try body(UnsafeMutableRawBufferPointer(rebasing: $0[start...])) }
        return written
    }
}
