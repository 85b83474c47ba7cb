// Payloads shared by several extensions and messages.

extension ByteReader {
    /// RFC 8446 §4.2.3: `SignatureScheme supported_signature_algorithms<2..2^16-2>;`
    mutating func readSignatureSchemeList() throws -> [SignatureScheme] {
        try readList16(minimum: 2, itemLength: 2) { SignatureScheme(rawValue: try $0.readUInt16()) }
    }

    /// RFC 8446 §4.2.7: `NamedGroup named_group_list<2..2^16-1>;`
    mutating func readNamedGroupList() throws -> [NamedGroup] {
        try readList16(minimum: 2, itemLength: 2) { NamedGroup(rawValue: try $0.readUInt16()) }
    }

    /// RFC 7301 §3.1: `opaque ProtocolName<1..2^8-1>; ProtocolName protocol_name_list<2..2^16-1>;`
    mutating func readProtocolNameList() throws -> [[UInt8]] {
        try readList16(minimum: 2) { try $0.readVector8(minimum: 1) }
    }

    /// RFC 6066 §3: the `server_name` extension of a ClientHello.
    ///
    ///     struct {
    ///         NameType name_type;
    ///         select (name_type) { case host_name: HostName; } name;
    ///     } ServerName;
    ///     enum { host_name(0), (255) } NameType;
    ///     opaque HostName<1..2^16-1>;
    ///     struct { ServerName server_name_list<1..2^16-1> } ServerNameList;
    ///
    /// Returns the `host_name` entry. Entries of other types are skipped (every
    /// name type defined so far carries a 16-bit length prefix). RFC 6066 says the
    /// host name is ASCII; anything else is a decode error.
    mutating func readServerNameList() throws -> String? {
        let names = try readList16(minimum: 1) { reader -> [UInt8]? in
            let nameType = try reader.readUInt8()
            let name = try reader.readVector16(minimum: 1)
            return nameType == 0 ? name : nil
        }
        let hostNames = names.compactMap { $0 }
        // RFC 6066 §3: "The ServerNameList MUST NOT contain more than one name of the same name_type."
        guard hostNames.count <= 1 else { throw DecodeFailure.invalidValue }
        guard let hostName = hostNames.first else { return nil }
        guard hostName.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else { throw DecodeFailure.invalidValue }
        return String(decoding: hostName, as: UTF8.self)
    }
}

extension ByteWriter {
    mutating func writeSignatureSchemeList(_ schemes: [SignatureScheme]) {
        writeBlock16 { writer in
            for scheme in schemes { writer.writeUInt16(scheme.rawValue) }
        }
    }

    mutating func writeNamedGroupList(_ groups: [NamedGroup]) {
        writeBlock16 { writer in
            for group in groups { writer.writeUInt16(group.rawValue) }
        }
    }

    mutating func writeProtocolNameList(_ names: [[UInt8]]) {
        writeBlock16 { writer in
            for name in names { writer.writeVector8(name) }
        }
    }

    /// Writes a `ServerNameList` with one `host_name` entry.
    mutating func writeServerNameList(_ hostName: String) {
        writeBlock16 { writer in
            writer.writeUInt8(0)
            writer.writeVector16(Array(hostName.utf8))
        }
    }
}
