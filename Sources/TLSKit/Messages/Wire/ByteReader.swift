/// A bounds-checked cursor over received bytes.
///
/// Every read either returns the requested value or throws ``DecodeFailure``;
/// nothing here can trap on short or malformed input.
struct ByteReader {
    private let bytes: [UInt8]
    private(set) var position: Int
    private let end: Int

    init(_ bytes: [UInt8]) {
        self.bytes = bytes
        self.position = 0
        self.end = bytes.count
    }

    /// A reader of `bytes` from `start` to the end, without a copy.
    init(_ bytes: [UInt8], from start: Int) {
        precondition(start >= 0 && start <= bytes.count, "reader start outside the bytes")
        self.init(bytes: bytes, position: start, end: bytes.count)
    }

    init<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        self.init(Array(bytes))
    }

    private init(bytes: [UInt8], position: Int, end: Int) {
        self.bytes = bytes
        self.position = position
        self.end = end
    }

    /// Bytes not yet read.
    var remaining: Int { end - position }

    var isAtEnd: Bool { position == end }

    mutating func readUInt8() throws -> UInt8 {
        guard remaining >= 1 else { throw DecodeFailure.truncated }
        defer { position += 1 }
        return bytes[position]
    }

    mutating func readUInt16() throws -> UInt16 {
        guard remaining >= 2 else { throw DecodeFailure.truncated }
        defer { position += 2 }
        return UInt16(bytes[position]) << 8 | UInt16(bytes[position + 1])
    }

    mutating func readUInt24() throws -> Int {
        guard remaining >= 3 else { throw DecodeFailure.truncated }
        defer { position += 3 }
        return Int(bytes[position]) << 16 | Int(bytes[position + 1]) << 8 | Int(bytes[position + 2])
    }

    mutating func readUInt32() throws -> UInt32 {
        guard remaining >= 4 else { throw DecodeFailure.truncated }
        defer { position += 4 }
        var value: UInt32 = 0
        for i in 0..<4 { value = value << 8 | UInt32(bytes[position + i]) }
        return value
    }

    mutating func readBytes(_ count: Int) throws -> [UInt8] {
        guard count >= 0, remaining >= count else { throw DecodeFailure.truncated }
        defer { position += count }
        return Array(bytes[position..<position + count])
    }

    /// Moves past all remaining bytes.
    mutating func skipRest() { position = end }

    /// Reads all remaining bytes.
    mutating func readRest() -> [UInt8] {
        defer { position = end }
        return Array(bytes[position..<end])
    }

    /// Reads an `opaque x<floor..ceiling>` vector with a 1-byte length prefix.
    mutating func readVector8(minimum: Int = 0) throws -> [UInt8] {
        let count = Int(try readUInt8())
        guard count >= minimum else { throw DecodeFailure.invalidLength }
        return try readBytes(count)
    }

    /// Reads an `opaque x<floor..ceiling>` vector with a 2-byte length prefix.
    mutating func readVector16(minimum: Int = 0) throws -> [UInt8] {
        let count = Int(try readUInt16())
        guard count >= minimum else { throw DecodeFailure.invalidLength }
        return try readBytes(count)
    }

    /// Reads an `opaque x<floor..ceiling>` vector with a 3-byte length prefix.
    mutating func readVector24(minimum: Int = 0) throws -> [UInt8] {
        let count = try readUInt24()
        guard count >= minimum else { throw DecodeFailure.invalidLength }
        return try readBytes(count)
    }

    /// Reads a length-prefixed block and decodes it with `body`, which must consume the block exactly.
    mutating func readBlock8<T>(minimum: Int = 0, _ body: (inout ByteReader) throws -> T) throws -> T {
        try readBlock(length: Int(try readUInt8()), minimum: minimum, body)
    }

    mutating func readBlock16<T>(minimum: Int = 0, _ body: (inout ByteReader) throws -> T) throws -> T {
        try readBlock(length: Int(try readUInt16()), minimum: minimum, body)
    }

    mutating func readBlock24<T>(minimum: Int = 0, _ body: (inout ByteReader) throws -> T) throws -> T {
        try readBlock(length: try readUInt24(), minimum: minimum, body)
    }

    private mutating func readBlock<T>(length: Int, minimum: Int, _ body: (inout ByteReader) throws -> T) throws -> T {
        guard length >= minimum else { throw DecodeFailure.invalidLength }
        guard remaining >= length else { throw DecodeFailure.truncated }
        var inner = ByteReader(bytes: bytes, position: position, end: position + length)
        let value = try body(&inner)
        try inner.expectEnd()
        position += length
        return value
    }

    /// Reads a list of items until the block is consumed. `itemLength`, when every item has
    /// that encoded length, sizes the list once from the block's length rather than growing it
    /// item by item.
    mutating func readList16<T>(minimum: Int = 0, itemLength: Int? = nil, _ item: (inout ByteReader) throws -> T) throws -> [T] {
        try readBlock16(minimum: minimum) { try $0.readItems(itemLength: itemLength, item) }
    }

    mutating func readList8<T>(minimum: Int = 0, itemLength: Int? = nil, _ item: (inout ByteReader) throws -> T) throws -> [T] {
        try readBlock8(minimum: minimum) { try $0.readItems(itemLength: itemLength, item) }
    }

    mutating func readList24<T>(minimum: Int = 0, _ item: (inout ByteReader) throws -> T) throws -> [T] {
        try readBlock24(minimum: minimum) { try $0.readItems(itemLength: nil, item) }
    }

    private mutating func readItems<T>(itemLength: Int?, _ item: (inout ByteReader) throws -> T) throws -> [T] {
        var items: [T] = []
        // No more than the block's bytes can encode: a hostile length reserves no more than
        // the message already occupies.
        if let itemLength { items.reserveCapacity(remaining / itemLength) }
        while !isAtEnd { items.append(try item(&self)) }
        return items
    }

    /// Throws unless every byte has been read: trailing bytes are a decode error.
    func expectEnd() throws {
        guard isAtEnd else { throw DecodeFailure.trailingBytes }
    }
}

/// Why a structure could not be decoded. Always maps to `decode_error`
/// unless the caller knows a more specific alert applies.
enum DecodeFailure: Error, Hashable, Sendable {
    case truncated
    case trailingBytes
    case invalidLength
    case invalidValue
}
