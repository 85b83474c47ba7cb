/// RFC 8446 §4.3.1
///
///     struct {
///         Extension extensions<0..2^16-1>;
///     } EncryptedExtensions;
struct EncryptedExtensions: Hashable, Sendable {
    /// An empty `server_name` extension: the server used the name the client sent (RFC 6066 §3).
    var serverNameAcknowledged: Bool = false
    /// `supported_groups` (RFC 8446 §4.2.7): the server's preferences, for the client's future use.
    var supportedGroups: [NamedGroup]?
    /// The one protocol the server selected with ALPN (RFC 7301 §3.1).
    var applicationProtocol: [UInt8]?
    /// An empty `early_data` extension: the server accepted 0-RTT data (RFC 8446 §4.2.10).
    var earlyData: Bool = false
    /// Unknown or not understood extensions, preserved in order.
    var other: [RawExtension] = []
    /// Filled when decoding: every extension type in wire order; the encoder follows it.
    var receivedTypes: [ExtensionType] = []
}

extension EncryptedExtensions {
    init(from reader: inout ByteReader) throws {
        self.init()
        let extensions = try reader.readExtensions()
        receivedTypes = extensions.map(\.type)
        for item in extensions {
            switch item.type {
            case .serverName:
                try item.expectEmptyData()
                serverNameAcknowledged = true
            case .supportedGroups:
                supportedGroups = try item.decodeData { try $0.readNamedGroupList() }
            case .applicationLayerProtocolNegotiation:
                // RFC 7301 §3.1: the server's "ProtocolNameList MUST contain exactly one ProtocolName".
                let names = try item.decodeData { try $0.readProtocolNameList() }
                guard names.count == 1 else { throw DecodeFailure.invalidValue }
                applicationProtocol = names.first
            case .earlyData:
                try item.expectEmptyData()
                earlyData = true
            default:
                other.append(item)
            }
        }
    }

    func encode(into writer: inout ByteWriter) {
        writer.writeExtensions(known: { forEachKnownExtension($0) }, other: other, receivedTypes: receivedTypes)
    }

    /// Hands each extension this message gives meaning to to `add`.
    private func forEachKnownExtension(_ add: ExtensionSink) {
        if serverNameAcknowledged {
            add(.serverName) { _ in }
        }
        if let supportedGroups {
            add(.supportedGroups) { $0.writeNamedGroupList(supportedGroups) }
        }
        if let applicationProtocol {
            add(.applicationLayerProtocolNegotiation) { $0.writeProtocolNameList([applicationProtocol]) }
        }
        if earlyData {
            add(.earlyData) { _ in }
        }
    }
}
