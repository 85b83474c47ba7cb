// Encodings shared by the session formats (server ticket state, client sessions).
// They are TLSKit's own formats, not wire messages, so they live with the tickets.

extension ByteReader {
    mutating func readUInt64() throws -> UInt64 {
        let high = try readUInt32()
        let low = try readUInt32()
        return UInt64(high) << 32 | UInt64(low)
    }

    /// Reads a `uint8` that must be 0 or 1.
    mutating func readBool() throws -> Bool {
        switch try readUInt8() {
        case 0: return false
        case 1: return true
        default: throw DecodeFailure.invalidValue
        }
    }

    /// Reads a presence flag and, when set, a UTF-8 string read by `body`.
    mutating func readOptionalString(_ body: (inout ByteReader) throws -> [UInt8]) throws -> String? {
        guard try readBool() else { return nil }
        return try readUTF8(body(&self))
    }

    /// Reads a UTF-8 string read by `body`; invalid UTF-8 is a decode failure.
    mutating func readString(_ body: (inout ByteReader) throws -> [UInt8]) throws -> String {
        try readUTF8(body(&self))
    }

    private func readUTF8(_ bytes: [UInt8]) throws -> String {
        // Decoding repairs invalid sequences; a lossless round trip proves the bytes were valid UTF-8.
        let string = String(decoding: bytes, as: UTF8.self)
        guard string.utf8.elementsEqual(bytes) else { throw DecodeFailure.invalidValue }
        return string
    }
}

extension ByteWriter {
    mutating func writeUInt64(_ value: UInt64) {
        writeUInt32(UInt32(truncatingIfNeeded: value >> 32))
        writeUInt32(UInt32(truncatingIfNeeded: value))
    }

    mutating func writeBool(_ value: Bool) { writeUInt8(value ? 1 : 0) }

    /// Writes a presence flag and, when present, the string's UTF-8 bytes through `body`.
    mutating func writeOptionalString(_ value: String?, _ body: (inout ByteWriter, [UInt8]) -> Void) {
        writeBool(value != nil)
        if let value { body(&self, Array(value.utf8)) }
    }
}
