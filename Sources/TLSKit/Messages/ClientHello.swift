/// RFC 8446 §4.1.2
///
///     uint16 ProtocolVersion;
///     opaque Random[32];
///     uint8 CipherSuite[2];    /* Cryptographic suite selector */
///
///     struct {
///         ProtocolVersion legacy_version = 0x0303;    /* TLS v1.2 */
///         Random random;
///         opaque legacy_session_id<0..32>;
///         CipherSuite cipher_suites<2..2^16-2>;
///         opaque legacy_compression_methods<1..2^8-1>;
///         Extension extensions<8..2^16-1>;
///     } ClientHello;
///
/// A TLS 1.3 ClientHello always carries extensions, so a hello without the
/// extensions block is a decode error here.
struct ClientHello: Hashable, Sendable {
    var legacyVersion: UInt16 = 0x0303
    /// Exactly 32 bytes.
    var random: [UInt8]
    /// At most 32 bytes.
    var legacySessionID: [UInt8]
    var cipherSuites: [CipherSuite]
    var legacyCompressionMethods: [UInt8] = [0]
    var extensions: ClientHelloExtensions
}

extension ClientHello {
    /// Decodes a ClientHello body (without the 4-byte handshake header).
    init(from reader: inout ByteReader) throws {
        // Read into locals and stored once, at the end: filled in field by field, the hello
        // was built aside and copied into place.
        let legacyVersion = try reader.readUInt16()
        let random = try reader.readBytes(32)
        let legacySessionID = try reader.readVector8()
        guard legacySessionID.count <= 32 else { throw DecodeFailure.invalidLength }
        let cipherSuites = try reader.readList16(minimum: 2, itemLength: 2) { CipherSuite(rawValue: try $0.readUInt16()) }
        let legacyCompressionMethods = try reader.readVector8(minimum: 1)
        let extensions = try ClientHelloExtensions(from: &reader)
        self.init(
            legacyVersion: legacyVersion, random: random, legacySessionID: legacySessionID, cipherSuites: cipherSuites,
            legacyCompressionMethods: legacyCompressionMethods, extensions: extensions)
    }

    /// Encodes the body (without the 4-byte handshake header).
    func encode(into writer: inout ByteWriter) {
        writer.writeUInt16(legacyVersion)
        writer.writeBytes(random)
        writer.writeVector8(legacySessionID)
        writer.writeBlock16 { writer in
            for suite in cipherSuites { writer.writeUInt16(suite.rawValue) }
        }
        writer.writeVector8(legacyCompressionMethods)
        extensions.encode(into: &writer)
    }
}
