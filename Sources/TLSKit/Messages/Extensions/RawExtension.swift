/// One extension as it appears on the wire (RFC 8446 §4.2):
///
///     struct {
///         ExtensionType extension_type;
///         opaque extension_data<0..2^16-1>;
///     } Extension;
///
/// Extensions a message does not understand are kept in this form, in order, so
/// they survive decoding and re-encoding.
struct RawExtension: Hashable, Sendable {
    var type: ExtensionType
    var data: [UInt8]
}

extension RawExtension {
    init(from reader: inout ByteReader) throws {
        type = ExtensionType(rawValue: try reader.readUInt16())
        data = try reader.readVector16()
    }

    /// Builds an extension whose `extension_data` is written by `body`.
    init(_ type: ExtensionType, _ body: (inout ByteWriter) -> Void) {
        var writer = ByteWriter()
        body(&writer)
        self.init(type: type, data: writer.bytes)
    }

    func encode(into writer: inout ByteWriter) {
        writer.writeUInt16(type.rawValue)
        writer.writeVector16(data)
    }

    /// Decodes `extension_data` with `body`, which must consume it exactly.
    func decodeData<T>(_ body: (inout ByteReader) throws -> T) throws -> T {
        var reader = ByteReader(data)
        let value = try body(&reader)
        try reader.expectEnd()
        return value
    }

    /// Checks that an extension whose presence is its whole meaning (such as
    /// `early_data` in a ClientHello) carries no data.
    func expectEmptyData() throws {
        guard data.isEmpty else { throw DecodeFailure.invalidLength }
    }
}

extension Array where Element == RawExtension {
    /// Returns the extensions with those whose types appear in `order` first, in that
    /// order, followed by the rest in their current order. Decoded messages record the
    /// wire order of their extensions, so re-encoding them reproduces the received bytes.
    func ordered(following order: [ExtensionType]) -> [RawExtension] {
        guard !order.isEmpty else { return self }
        var remaining = self
        var result: [RawExtension] = []
        result.reserveCapacity(count)
        for type in order {
            if let index = remaining.firstIndex(where: { $0.type == type }) {
                result.append(remaining.remove(at: index))
            }
        }
        return result + remaining
    }
}

extension ByteReader {
    /// Reads an `Extension extensions<minimum..2^16-1>` block.
    ///
    /// RFC 8446 §4.2: "There MUST NOT be more than one extension of the same type in
    /// a given extension block." A repeated type is an `illegal_parameter`.
    mutating func readExtensions(minimum: Int = 0) throws -> [RawExtension] {
        let extensions = try readList16(minimum: minimum) { try RawExtension(from: &$0) }
        var seen = Set<ExtensionType>()
        for item in extensions where !seen.insert(item.type).inserted {
            throw TLSError(.illegalParameter("duplicate extension \(item.type.rawValue)"))
        }
        return extensions
    }
}

extension ByteWriter {
    /// Writes an `Extension extensions<0..2^16-1>` block.
    mutating func writeExtensions(_ extensions: [RawExtension]) {
        writeBlock16 { writer in
            for item in extensions { item.encode(into: &writer) }
        }
    }
}
