/// A cursor over a fuzzer's input. Reads never fail: past the end they return zeros or
/// fewer bytes, so every input means something.
public struct FuzzInput {
    private let bytes: [UInt8]
    private var position = 0

    public init(_ bytes: [UInt8]) { self.bytes = bytes }

    public init(_ data: UnsafePointer<UInt8>?, _ size: Int) {
        self.init(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
    }

    public var isAtEnd: Bool { position >= bytes.count }

    public mutating func byte() -> UInt8 {
        guard position < bytes.count else { return 0 }
        defer { position += 1 }
        return bytes[position]
    }

    /// A big-endian 16-bit number.
    public mutating func uint16() -> Int { Int(byte()) << 8 | Int(byte()) }

    /// Up to `count` bytes.
    public mutating func bytes(_ count: Int) -> ArraySlice<UInt8> {
        let end = min(bytes.count, position + count)
        defer { position = end }
        return bytes[position..<end]
    }

    public mutating func rest() -> ArraySlice<UInt8> { bytes(bytes.count - position) }

    /// The next chunk of a connection target's input, or nil at the end.
    ///
    /// Each chunk starts with a kind byte:
    /// - `0x00...0x7F`: a record of content type `kind & 0x3F` (with 17 bytes of padding when
    ///   `kind & 0x40`), then a 16-bit length and the content. It is protected under the peer's
    ///   current traffic keys once the connection has installed them, and sent as a plaintext
    ///   record before that.
    /// - `0x80...0xEF`: a 16-bit length and bytes fed to the connection as they are.
    /// - `0xF0...0xFF`: an application call on the connection, numbered `kind & 0x0F`.
    public mutating func nextChunk() -> Chunk? {
        guard !isAtEnd else { return nil }
        let kind = byte()
        switch kind {
        case 0x00...0x7F:
            let length = uint16()
            return .record(contentType: kind & 0x3F, content: bytes(length), padded: kind & 0x40 != 0)
        case 0x80...0xEF:
            return .raw(bytes(uint16()))
        default:
            return .call(kind & 0x0F)
        }
    }
}

/// One step of a connection target: see ``FuzzInput/nextChunk()``.
public enum Chunk {
    case record(contentType: UInt8, content: ArraySlice<UInt8>, padded: Bool)
    case raw(ArraySlice<UInt8>)
    case call(UInt8)
}
