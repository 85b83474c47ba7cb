/// RFC 8446 §4.6.1
///
///     struct {
///         uint32 ticket_lifetime;
///         uint32 ticket_age_add;
///         opaque ticket_nonce<0..255>;
///         opaque ticket<1..2^16-1>;
///         Extension extensions<0..2^16-2>;
///     } NewSessionTicket;
struct NewSessionTicket: Hashable, Sendable {
    /// Seconds; RFC 8446 caps it at 604800 (7 days), which the receiver checks.
    var lifetime: UInt32
    var ageAdd: UInt32
    var nonce: [UInt8]
    var ticket: [UInt8]
    /// `early_data` (RFC 8446 §4.2.10): `uint32 max_early_data_size;`
    var maxEarlyDataSize: UInt32? = nil
    /// Unknown or not understood extensions, preserved in order.
    var other: [RawExtension] = []
}

extension NewSessionTicket {
    init(from reader: inout ByteReader) throws {
        lifetime = try reader.readUInt32()
        ageAdd = try reader.readUInt32()
        nonce = try reader.readVector8()
        ticket = try reader.readVector16(minimum: 1)
        maxEarlyDataSize = nil
        other = []
        for item in try reader.readExtensions() {
            switch item.type {
            case .earlyData:
                maxEarlyDataSize = try item.decodeData { try $0.readUInt32() }
            default:
                other.append(item)
            }
        }
    }

    func encode(into writer: inout ByteWriter) {
        writer.writeUInt32(lifetime)
        writer.writeUInt32(ageAdd)
        writer.writeVector8(nonce)
        writer.writeVector16(ticket)
        var extensions: [RawExtension] = []
        if let maxEarlyDataSize {
            extensions.append(RawExtension(.earlyData) { $0.writeUInt32(maxEarlyDataSize) })
        }
        writer.writeExtensions(extensions + other)
    }
}
