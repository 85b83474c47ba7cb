/// RFC 8446 §4.2.8
///
///     struct {
///         NamedGroup group;
///         opaque key_exchange<1..2^16-1>;
///     } KeyShareEntry;
struct KeyShareEntry: Hashable, Sendable {
    var group: NamedGroup
    var keyExchange: [UInt8]
}

extension KeyShareEntry {
    init(from reader: inout ByteReader) throws {
        group = NamedGroup(rawValue: try reader.readUInt16())
        // The syntax says <1..2^16-1>, but an empty share is refused where its group is
        // known, as an illegal value for that group (illegal_parameter), like any share of the
        // wrong length, rather than as a malformed message.
        keyExchange = try reader.readVector16()
    }

    func encode(into writer: inout ByteWriter) {
        writer.writeUInt16(group.rawValue)
        writer.writeVector16(keyExchange)
    }
}
