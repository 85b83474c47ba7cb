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
        var extensions: [RawExtension] = []
        try readExtensions(minimum: minimum) { type, data in
            // A block holds a few extensions, or none: room for four with the first.
            if extensions.isEmpty { extensions.reserveCapacity(4) }
            extensions.append(RawExtension(type: type, data: data.readRest()))
        }
        return extensions
    }

    /// Reads an `Extension extensions<minimum..2^16-1>` block, handing each extension's type
    /// and a reader over its extension_data to `body`, which must read that data to its end:
    /// a message can decode what it knows where it lies, with no array per extension.
    /// Repeated types are refused as ``readExtensions(minimum:)`` refuses them; a repeat of a
    /// type from 128 up is found once the whole block is read, before this returns.
    mutating func readExtensions(minimum: Int = 0, _ body: (ExtensionType, inout ByteReader) throws -> Void) throws {
        // Duplicates are found without hashing: a bit per type below 128 (every type TLS 1.3
        // defines), and the rest (GREASE and other codepoints) sorted, so that thousands of
        // extensions in a large message cost n log n, not n².
        var low: (UInt64, UInt64) = (0, 0)
        var high: [UInt16] = []
        try readBlock16(minimum: minimum) { block in
            while !block.isAtEnd {
                let type = try block.readUInt16()
                if type < 128 {
                    let bit = UInt64(1) << (type & 63)
                    let seen = type < 64 ? low.0 & bit : low.1 & bit
                    guard seen == 0 else { throw TLSError(.illegalParameter("duplicate extension \(type)")) }
                    if type < 64 { low.0 |= bit } else { low.1 |= bit }
                } else {
                    high.append(type)
                }
                try block.readBlock16 { data in try body(ExtensionType(rawValue: type), &data) }
            }
        }
        if high.count > 1 {
            high.sort()
            for index in high.indices.dropFirst() where high[index] == high[index - 1] {
                throw TLSError(.illegalParameter("duplicate extension \(high[index])"))
            }
        }
    }
}

/// Takes a message's extensions one at a time, each as its type and a writer of its
/// extension_data.
typealias ExtensionSink = (ExtensionType, (inout ByteWriter) -> Void) -> Void

extension Array where Element == RawExtension {
    /// The extensions `extensions` hands over, as values.
    init(collecting extensions: (ExtensionSink) -> Void) {
        var collected: [RawExtension] = []
        extensions { type, write in collected.append(RawExtension(type, write)) }
        self = collected
    }
}

extension ByteWriter {
    /// Writes an `Extension extensions<0..2^16-1>` block.
    mutating func writeExtensions(_ extensions: [RawExtension]) {
        writeBlock16 { writer in
            for item in extensions { item.encode(into: &writer) }
        }
    }

    /// Writes an `Extension extensions<0..2^16-1>` block: the extensions `known` hands over,
    /// then `other`, in the order of `receivedTypes` when it is not empty, then what `trailing`
    /// writes (a ClientHello's pre_shared_key, which is always last).
    ///
    /// A message built here has no received order to follow, and each extension is written
    /// straight into the block, with no array per extension. A decoded message is written
    /// again in its wire order, so that it re-encodes byte for byte.
    mutating func writeExtensions(
        known: (ExtensionSink) -> Void, other: [RawExtension], receivedTypes: [ExtensionType],
        trailing: (inout ByteWriter) -> Void = { _ in }
    ) {
        writeBlock16 { writer in
            if receivedTypes.isEmpty {
                known { type, write in writer.writeExtension(type, write) }
                for item in other { item.encode(into: &writer) }
            } else {
                for item in ([RawExtension](collecting: known) + other).ordered(following: receivedTypes) { item.encode(into: &writer) }
            }
            trailing(&writer)
        }
    }

    /// Writes one extension: its type, then its extension_data as `write` writes it.
    mutating func writeExtension(_ type: ExtensionType, _ write: (inout ByteWriter) -> Void) {
        writeUInt16(type.rawValue)
        writeBlock16(write)
    }
}
