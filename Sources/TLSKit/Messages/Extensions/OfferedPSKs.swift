/// RFC 8446 §4.2.11
///
///     struct {
///         opaque identity<1..2^16-1>;
///         uint32 obfuscated_ticket_age;
///     } PskIdentity;
struct PSKIdentity: Hashable, Sendable {
    var identity: [UInt8]
    var obfuscatedTicketAge: UInt32
}

/// The `pre_shared_key` extension of a ClientHello (RFC 8446 §4.2.11).
///
///     opaque PskBinderEntry<32..255>;
///
///     struct {
///         PskIdentity identities<7..2^16-1>;
///         PskBinderEntry binders<33..2^16-1>;
///     } OfferedPsks;
struct OfferedPSKs: Hashable, Sendable {
    /// At least one identity.
    var identities: [PSKIdentity]
    /// One binder per identity, in the same order.
    var binders: [[UInt8]]

    /// Size in bytes of the encoded binders list including its 2-byte length prefix.
    ///
    /// The binders are the last bytes of a ClientHello, so the binder transcript is the
    /// encoded message without this many trailing bytes (RFC 8446 §4.2.11.2).
    var encodedBindersLength: Int {
        binders.reduce(2) { $0 + 1 + $1.count }
    }
}

extension PSKIdentity {
    init(from reader: inout ByteReader) throws {
        identity = try reader.readVector16(minimum: 1)
        obfuscatedTicketAge = try reader.readUInt32()
    }

    func encode(into writer: inout ByteWriter) {
        writer.writeVector16(identity)
        writer.writeUInt32(obfuscatedTicketAge)
    }
}

extension OfferedPSKs {
    init(from reader: inout ByteReader) throws {
        identities = try reader.readList16(minimum: 7) { try PSKIdentity(from: &$0) }
        binders = try reader.readList16(minimum: 33) { try $0.readVector8(minimum: 32) }
        // RFC 8446 §4.2.11: the server checks that there is one binder per identity.
        guard binders.count == identities.count else {
            throw TLSError(.illegalParameter("pre_shared_key has \(identities.count) identities and \(binders.count) binders"))
        }
    }

    func encode(into writer: inout ByteWriter) {
        writer.writeBlock16 { writer in
            for identity in identities { identity.encode(into: &writer) }
        }
        writeBinders(into: &writer)
    }

    /// Writes the `binders` list alone, as it is replaced once the binders are computed.
    func writeBinders(into writer: inout ByteWriter) {
        writer.writeBlock16 { writer in
            for binder in binders { writer.writeVector8(binder) }
        }
    }
}
