/// Appends wire-format values to a growing byte array.
///
/// Length prefixes are written through a closure and back-patched, so a
/// caller never computes a length by hand.
struct ByteWriter {
    private(set) var bytes: [UInt8]

    init(capacity: Int = 256) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    mutating func writeUInt8(_ value: UInt8) { bytes.append(value) }

    mutating func writeUInt16(_ value: UInt16) {
        bytes.append(UInt8(truncatingIfNeeded: value >> 8))
        bytes.append(UInt8(truncatingIfNeeded: value))
    }

    mutating func writeUInt24(_ value: Int) {
        bytes.append(UInt8(truncatingIfNeeded: value >> 16))
        bytes.append(UInt8(truncatingIfNeeded: value >> 8))
        bytes.append(UInt8(truncatingIfNeeded: value))
    }

    mutating func writeUInt32(_ value: UInt32) {
        bytes.append(UInt8(truncatingIfNeeded: value >> 24))
        bytes.append(UInt8(truncatingIfNeeded: value >> 16))
        bytes.append(UInt8(truncatingIfNeeded: value >> 8))
        bytes.append(UInt8(truncatingIfNeeded: value))
    }

    mutating func writeBytes<C: Collection>(_ value: C) where C.Element == UInt8 {
        bytes.append(contentsOf: value)
    }

    mutating func writeVector8<C: Collection>(_ value: C) where C.Element == UInt8 {
        writeBlock8 { $0.writeBytes(value) }
    }

    mutating func writeVector16<C: Collection>(_ value: C) where C.Element == UInt8 {
        writeBlock16 { $0.writeBytes(value) }
    }

    mutating func writeVector24<C: Collection>(_ value: C) where C.Element == UInt8 {
        writeBlock24 { $0.writeBytes(value) }
    }

    mutating func writeBlock8(_ body: (inout ByteWriter) -> Void) { writeBlock(prefix: 1, body) }
    mutating func writeBlock16(_ body: (inout ByteWriter) -> Void) { writeBlock(prefix: 2, body) }
    mutating func writeBlock24(_ body: (inout ByteWriter) -> Void) { writeBlock(prefix: 3, body) }

    private mutating func writeBlock(prefix: Int, _ body: (inout ByteWriter) -> Void) {
        let block = beginBlock(prefix: prefix)
        body(&self)
        endBlock(block)
    }

    /// A block whose length prefix is filled in when it ends.
    struct Block {
        fileprivate let start: Int
        fileprivate let prefix: Int
    }

    /// Starts a block with a `prefix`-byte length, for an encoder that writes the body inline:
    /// a closure given to `writeBlock` copies the values it captures from a caller's `self`.
    mutating func beginBlock(prefix: Int) -> Block {
        let block = Block(start: bytes.count, prefix: prefix)
        // Room for the length, filled in by endBlock; one to three bytes, appended one at a
        // time (a repeated-element append costs more than the bytes).
        for _ in 0..<prefix { bytes.append(0) }
        return block
    }

    /// Writes the length of everything written since `block` began into its prefix.
    mutating func endBlock(_ block: Block) {
        let length = bytes.count - block.start - block.prefix
        precondition(length < 1 << (8 * block.prefix), "encoded block exceeds its length prefix")
        for i in 0..<block.prefix {
            bytes[block.start + i] = UInt8(truncatingIfNeeded: length >> (8 * (block.prefix - 1 - i)))
        }
    }
}
