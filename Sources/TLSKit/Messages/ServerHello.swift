/// RFC 8446 §4.1.3 (also the HelloRetryRequest of §4.1.4)
///
///     struct {
///         ProtocolVersion legacy_version = 0x0303;    /* TLS v1.2 */
///         Random random;
///         opaque legacy_session_id_echo<0..32>;
///         CipherSuite cipher_suite;
///         uint8 legacy_compression_method = 0;
///         Extension extensions<6..2^16-1>;
///     } ServerHello;
///
/// Decoding also accepts a TLS 1.2 ServerHello, whose extensions block may be
/// absent and whose extensions land in `other`, so the caller can see it has no
/// `supported_versions` and answer with `protocol_version`.
struct ServerHello: Hashable, Sendable {
    /// RFC 8446 §4.1.3: a HelloRetryRequest is a ServerHello whose random is
    /// SHA-256("HelloRetryRequest").
    static let helloRetryRequestRandom: [UInt8] = [
        0xCF, 0x21, 0xAD, 0x74, 0xE5, 0x9A, 0x61, 0x11, 0xBE, 0x1D, 0x8C, 0x02, 0x1E, 0x65, 0xB8, 0x91,
        0xC2, 0xA2, 0x11, 0x16, 0x7A, 0xBB, 0x8C, 0x5E, 0x07, 0x9E, 0x09, 0xE2, 0xC8, 0xA8, 0x33, 0x9C,
    ]

    var legacyVersion: UInt16 = 0x0303
    /// Exactly 32 bytes.
    var random: [UInt8]
    var legacySessionIDEcho: [UInt8]
    var cipherSuite: CipherSuite
    var legacyCompressionMethod: UInt8 = 0
    var extensions: ServerHelloExtensions

    var isHelloRetryRequest: Bool { random == Self.helloRetryRequestRandom }
}

extension ServerHello {
    /// Decodes a ServerHello body (without the 4-byte handshake header).
    init(from reader: inout ByteReader) throws {
        legacyVersion = try reader.readUInt16()
        random = try reader.readBytes(32)
        legacySessionIDEcho = try reader.readVector8()
        guard legacySessionIDEcho.count <= 32 else { throw DecodeFailure.invalidLength }
        cipherSuite = CipherSuite(rawValue: try reader.readUInt16())
        legacyCompressionMethod = try reader.readUInt8()
        // RFC 5246 §7.4.1.3: a TLS 1.2 ServerHello may end here.
        let rawExtensions = try reader.isAtEnd ? [] : reader.readExtensions()
        extensions = try ServerHelloExtensions(
            decoding: rawExtensions, isHelloRetryRequest: random == Self.helloRetryRequestRandom)
    }

    /// Encodes the body (without the 4-byte handshake header).
    func encode(into writer: inout ByteWriter) {
        writer.writeUInt16(legacyVersion)
        writer.writeBytes(random)
        writer.writeVector8(legacySessionIDEcho)
        writer.writeUInt16(cipherSuite.rawValue)
        writer.writeUInt8(legacyCompressionMethod)
        extensions.encode(into: &writer)
    }
}
