/// What a server's ticket carries: everything needed to resume a session
/// without any server-side state.
///
/// The encoding is TLSKit's own, versioned so a server fleet can change it
/// without misreading older tickets:
///
///     struct {
///         uint8 version;                            // 1, or 2 when max_early_data_size > 0
///         CipherSuite cipher_suite;
///         opaque psk<32..48>;                       // RFC 8446 §4.6.1 ticket PSK
///         uint64 created_at;                        // milliseconds since 1970
///         uint32 lifetime;                          // seconds
///         uint32 age_add;
///         Optional<opaque server_name<1..2^16-1>>;  // uint8 present flag, then the vector
///         Optional<opaque application_protocol<1..2^8-1>>;
///         ASN1Cert client_certificate_chain<0..2^24-1>; // opaque cert<1..2^24-1> each, leaf first
///         uint8 client_certificate_verified;        // 0 or 1
///         uint32 max_early_data_size;               // version 2 only, never 0
///     } ServerSessionState;
///
/// A state without early data is written as version 1, as before the limit was recorded, so
/// servers that know only version 1 (a fleet half way through an upgrade) resume those tickets;
/// only a ticket that allows early data is version 2, which they find malformed and answer with
/// a full handshake. Each state has one encoding: a version 2 state with a limit of 0 is refused.
struct ServerSessionState: Hashable, Sendable {
    static let currentVersion: UInt8 = 2
    /// The first version that records `max_early_data_size`.
    static let earlyDataVersion: UInt8 = 2

    var cipherSuite: CipherSuite
    /// The ticket's PSK (RFC 8446 §4.6.1), 32 or 48 bytes.
    var psk: [UInt8]
    /// Milliseconds since 1970.
    var createdAt: UInt64
    /// Seconds.
    var lifetime: UInt32
    var ageAdd: UInt32
    var serverName: String?
    var applicationProtocol: String?
    /// DER certificates, leaf first; empty if the client sent none.
    var clientCertificateChain: [[UInt8]]
    var clientCertificateVerified: Bool
    /// The `max_early_data_size` the ticket carried (RFC 8446 §4.6.1); 0 when it allowed no early data.
    var maximumEarlyDataSize: UInt32

    init(
        cipherSuite: CipherSuite, psk: [UInt8], createdAt: UInt64, lifetime: UInt32, ageAdd: UInt32,
        serverName: String? = nil, applicationProtocol: String? = nil,
        clientCertificateChain: [[UInt8]] = [], clientCertificateVerified: Bool = false, maximumEarlyDataSize: UInt32 = 0
    ) {
        self.cipherSuite = cipherSuite
        self.psk = psk
        self.createdAt = createdAt
        self.lifetime = lifetime
        self.ageAdd = ageAdd
        self.serverName = serverName
        self.applicationProtocol = applicationProtocol
        self.clientCertificateChain = clientCertificateChain
        self.clientCertificateVerified = clientCertificateVerified
        self.maximumEarlyDataSize = maximumEarlyDataSize
    }

    /// Milliseconds since 1970 after which the session may no longer be resumed.
    var expiresAt: UInt64 {
        let (sum, overflow) = createdAt.addingReportingOverflow(UInt64(lifetime) * 1000)
        return overflow ? .max : sum
    }
}

extension ServerSessionState {
    /// PSK sizes the TLS 1.3 suites produce: the SHA-256 and SHA-384 output lengths.
    static let pskLengths: Set<Int> = [32, 48]

    init(from reader: inout ByteReader) throws {
        let version = try reader.readUInt8()
        guard 1...Self.currentVersion ~= version else { throw DecodeFailure.invalidValue }
        cipherSuite = CipherSuite(rawValue: try reader.readUInt16())
        psk = try reader.readVector8()
        guard Self.pskLengths.contains(psk.count) else { throw DecodeFailure.invalidLength }
        createdAt = try reader.readUInt64()
        lifetime = try reader.readUInt32()
        ageAdd = try reader.readUInt32()
        serverName = try reader.readOptionalString { try $0.readVector16(minimum: 1) }
        applicationProtocol = try reader.readOptionalString { try $0.readVector8(minimum: 1) }
        clientCertificateChain = try reader.readList24 { try $0.readVector24(minimum: 1) }
        clientCertificateVerified = try reader.readBool()
        maximumEarlyDataSize = version >= Self.earlyDataVersion ? try reader.readUInt32() : 0
        // Version 2 exists for the limit: a zero one has its encoding in version 1.
        if version >= Self.earlyDataVersion && maximumEarlyDataSize == 0 { throw DecodeFailure.invalidValue }
    }

    func encode(into writer: inout ByteWriter) {
        let version = maximumEarlyDataSize > 0 ? Self.earlyDataVersion : 1
        writer.writeUInt8(version)
        writer.writeUInt16(cipherSuite.rawValue)
        writer.writeVector8(psk)
        writer.writeUInt64(createdAt)
        writer.writeUInt32(lifetime)
        writer.writeUInt32(ageAdd)
        writer.writeOptionalString(serverName) { $0.writeVector16($1) }
        writer.writeOptionalString(applicationProtocol) { $0.writeVector8($1) }
        writer.writeBlock24 { list in
            for certificate in clientCertificateChain { list.writeVector24(certificate) }
        }
        writer.writeBool(clientCertificateVerified)
        if version >= Self.earlyDataVersion { writer.writeUInt32(maximumEarlyDataSize) }
    }

    func encoded() -> [UInt8] {
        var writer = ByteWriter()
        encode(into: &writer)
        return writer.bytes
    }

    /// Decodes a whole encoding; unknown versions and trailing bytes are errors.
    init(encoded: [UInt8]) throws {
        do {
            var reader = ByteReader(encoded)
            self = try ServerSessionState(from: &reader)
            try reader.expectEnd()
        } catch {
            throw TLSError.decoding("session state", error)
        }
    }
}
