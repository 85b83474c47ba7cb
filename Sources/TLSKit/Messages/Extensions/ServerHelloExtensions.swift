/// The extensions of a ServerHello or HelloRetryRequest that TLS 1.3 gives meaning
/// to (RFC 8446 §4.1.3, §4.1.4), with everything else kept in ``other``.
struct ServerHelloExtensions: Hashable, Sendable {
    /// `supported_versions` (RFC 8446 §4.2.1): `ProtocolVersion selected_version;`
    var supportedVersion: ProtocolVersion?
    /// `key_share` in a real ServerHello (RFC 8446 §4.2.8): `KeyShareEntry server_share;`
    var keyShare: KeyShareEntry?
    /// `key_share` in a HelloRetryRequest: `NamedGroup selected_group;`
    /// Encoded only when ``keyShare`` is nil.
    var selectedGroup: NamedGroup?
    /// `pre_shared_key` (RFC 8446 §4.2.11): `uint16 selected_identity;`
    var preSharedKey: UInt16?
    /// `cookie` (RFC 8446 §4.2.2), in a HelloRetryRequest only.
    var cookie: [UInt8]?
    /// Unknown or not understood extensions, preserved in order.
    var other: [RawExtension] = []
    /// Filled when decoding: every extension type in wire order; the encoder follows it.
    var receivedTypes: [ExtensionType] = []
}

extension ServerHelloExtensions {
    /// Interprets a decoded extension block. The `key_share` extension holds a whole
    /// entry in a ServerHello but only a group in a HelloRetryRequest.
    init(decoding extensions: [RawExtension], isHelloRetryRequest: Bool) throws {
        self.init()
        receivedTypes = extensions.map(\.type)
        for item in extensions {
            switch item.type {
            case .supportedVersions:
                supportedVersion = try item.decodeData { ProtocolVersion(rawValue: try $0.readUInt16()) }
            case .keyShare where isHelloRetryRequest:
                selectedGroup = try item.decodeData { NamedGroup(rawValue: try $0.readUInt16()) }
            case .keyShare:
                keyShare = try item.decodeData { try KeyShareEntry(from: &$0) }
            case .preSharedKey:
                preSharedKey = try item.decodeData { try $0.readUInt16() }
            case .cookie:
                cookie = try item.decodeData { try $0.readVector16(minimum: 1) }
            default:
                other.append(item)
            }
        }
    }

    /// The extensions in the order they are sent: ``receivedTypes`` order when set, then the rest.
    var rawExtensions: [RawExtension] {
        ([RawExtension](collecting: { forEachKnownExtension($0) }) + other).ordered(following: receivedTypes)
    }

    func encode(into writer: inout ByteWriter) {
        writer.writeExtensions(known: { forEachKnownExtension($0) }, other: other, receivedTypes: receivedTypes)
    }

    /// Hands each extension this hello gives meaning to to `add`.
    private func forEachKnownExtension(_ add: ExtensionSink) {
        if let keyShare {
            add(.keyShare) { keyShare.encode(into: &$0) }
        } else if let selectedGroup {
            add(.keyShare) { $0.writeUInt16(selectedGroup.rawValue) }
        }
        if let preSharedKey {
            add(.preSharedKey) { $0.writeUInt16(preSharedKey) }
        }
        if let cookie {
            add(.cookie) { $0.writeVector16(cookie) }
        }
        if let supportedVersion {
            add(.supportedVersions) { $0.writeUInt16(supportedVersion.rawValue) }
        }
    }
}
