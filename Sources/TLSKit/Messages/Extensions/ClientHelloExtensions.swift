/// The extensions of a ClientHello that TLS 1.3 gives meaning to (RFC 8446 §4.2),
/// with everything else kept in ``other``.
struct ClientHelloExtensions: Hashable, Sendable {
    /// `server_name` (RFC 6066 §3) with one `host_name` entry.
    var serverName: String?
    /// `supported_versions` (RFC 8446 §4.2.1): `ProtocolVersion versions<2..254>;`
    var supportedVersions: [ProtocolVersion]?
    /// `supported_groups` (RFC 8446 §4.2.7).
    var supportedGroups: [NamedGroup]?
    /// `signature_algorithms` (RFC 8446 §4.2.3).
    var signatureAlgorithms: [SignatureScheme]?
    /// `signature_algorithms_cert` (RFC 8446 §4.2.3).
    var signatureAlgorithmsCert: [SignatureScheme]?
    /// `key_share` (RFC 8446 §4.2.8): `KeyShareEntry client_shares<0..2^16-1>;` (may be empty).
    var keyShares: [KeyShareEntry]?
    /// `psk_key_exchange_modes` (RFC 8446 §4.2.9): `PskKeyExchangeMode ke_modes<1..255>;`
    var pskKeyExchangeModes: [PSKKeyExchangeMode]?
    /// `application_layer_protocol_negotiation` (RFC 7301).
    var applicationProtocols: [[UInt8]]?
    /// `cookie` (RFC 8446 §4.2.2): `opaque cookie<1..2^16-1>;`
    var cookie: [UInt8]?
    /// `early_data` (RFC 8446 §4.2.10), empty in a ClientHello.
    var earlyData: Bool = false
    /// `post_handshake_auth` (RFC 8446 §4.2.6), empty.
    var postHandshakeAuth: Bool = false
    /// `pre_shared_key` (RFC 8446 §4.2.11), always encoded last.
    var preSharedKey: OfferedPSKs?
    /// Unknown or not understood extensions, preserved in order (encoded before `pre_shared_key`).
    var other: [RawExtension] = []
    /// Filled when decoding: every extension type in wire order. When not empty the
    /// encoder follows this order, so a decoded ClientHello re-encodes byte for byte.
    var receivedTypes: [ExtensionType] = []
}

extension ClientHelloExtensions {
    /// Decodes an extension block, each extension where it lies in the message.
    ///
    /// RFC 8446 §4.2.11: "The "pre_shared_key" extension MUST be the last extension
    /// in the ClientHello ... Servers MUST check that it is the last extension and
    /// otherwise fail the handshake with an "illegal_parameter" alert."
    init(from reader: inout ByteReader) throws {
        self.init()
        var types: [ExtensionType] = []
        // A TLS 1.3 ClientHello carries a dozen or so extensions: room for them from the start.
        types.reserveCapacity(16)
        // pre_shared_key is decoded once it is known to be last, so that one out of place is
        // refused for its place whatever it holds.
        var offeredPSKs: ByteReader?
        try reader.readExtensions { type, data in
            if types.last == .preSharedKey { throw TLSError(.illegalParameter("pre_shared_key not last")) }
            types.append(type)
            if type == .preSharedKey {
                offeredPSKs = data
                data.skipRest()
            } else {
                try decode(type, &data)
            }
        }
        receivedTypes = types
        if var offeredPSKs {
            preSharedKey = try OfferedPSKs(from: &offeredPSKs)
            try offeredPSKs.expectEnd()
        }
    }

    func encode(into writer: inout ByteWriter) {
        writer.writeExtensions(known: { forEachKnownExtension($0) }, other: other, receivedTypes: receivedTypes) { writer in
            if let preSharedKey { writer.writeExtension(.preSharedKey) { preSharedKey.encode(into: &$0) } }
        }
    }

    /// Decodes one extension's data, which `data` holds to its end.
    private mutating func decode(_ type: ExtensionType, _ data: inout ByteReader) throws {
        switch type {
        case .serverName:
            serverName = try data.readServerNameList()
        case .supportedVersions:
            supportedVersions = try data.readList8(minimum: 2, itemLength: 2) { ProtocolVersion(rawValue: try $0.readUInt16()) }
        case .supportedGroups:
            supportedGroups = try data.readNamedGroupList()
        case .signatureAlgorithms:
            signatureAlgorithms = try data.readSignatureSchemeList()
        case .signatureAlgorithmsCert:
            signatureAlgorithmsCert = try data.readSignatureSchemeList()
        case .keyShare:
            keyShares = try data.readList16 { try KeyShareEntry(from: &$0) }
        case .pskKeyExchangeModes:
            pskKeyExchangeModes = try data.readList8(minimum: 1, itemLength: 1) { PSKKeyExchangeMode(rawValue: try $0.readUInt8()) }
        case .applicationLayerProtocolNegotiation:
            applicationProtocols = try data.readProtocolNameList()
        case .cookie:
            cookie = try data.readVector16(minimum: 1)
        case .earlyData:
            guard data.isAtEnd else { throw DecodeFailure.invalidLength }
            earlyData = true
        case .postHandshakeAuth:
            guard data.isAtEnd else { throw DecodeFailure.invalidLength }
            postHandshakeAuth = true
        default:
            other.append(RawExtension(type: type, data: data.readRest()))
        }
    }

    /// The extensions in the order they are sent: ``receivedTypes`` order when set,
    /// then the rest, and `pre_shared_key` last.
    var rawExtensions: [RawExtension] {
        var extensions = ([RawExtension](collecting: { forEachKnownExtension($0) }) + other).ordered(following: receivedTypes)
        if let preSharedKey {
            extensions.append(RawExtension(.preSharedKey) { preSharedKey.encode(into: &$0) })
        }
        return extensions
    }

    /// Hands each extension this hello gives meaning to, but `pre_shared_key`, to `add`.
    private func forEachKnownExtension(_ add: ExtensionSink) {
        if let serverName {
            add(.serverName) { $0.writeServerNameList(serverName) }
        }
        if let supportedGroups {
            add(.supportedGroups) { $0.writeNamedGroupList(supportedGroups) }
        }
        if let signatureAlgorithms {
            add(.signatureAlgorithms) { $0.writeSignatureSchemeList(signatureAlgorithms) }
        }
        if let signatureAlgorithmsCert {
            add(.signatureAlgorithmsCert) { $0.writeSignatureSchemeList(signatureAlgorithmsCert) }
        }
        if let applicationProtocols {
            add(.applicationLayerProtocolNegotiation) { $0.writeProtocolNameList(applicationProtocols) }
        }
        if let keyShares {
            add(.keyShare) { writer in
                writer.writeBlock16 { writer in
                    for share in keyShares { share.encode(into: &writer) }
                }
            }
        }
        if let pskKeyExchangeModes {
            add(.pskKeyExchangeModes) { writer in
                writer.writeBlock8 { writer in
                    for mode in pskKeyExchangeModes { writer.writeUInt8(mode.rawValue) }
                }
            }
        }
        if let supportedVersions {
            add(.supportedVersions) { writer in
                writer.writeBlock8 { writer in
                    for version in supportedVersions { writer.writeUInt16(version.rawValue) }
                }
            }
        }
        if let cookie {
            add(.cookie) { $0.writeVector16(cookie) }
        }
        if earlyData {
            add(.earlyData) { _ in }
        }
        if postHandshakeAuth {
            add(.postHandshakeAuth) { _ in }
        }
    }
}
