/// RFC 8446 §4.4.3
///
///     struct {
///         SignatureScheme algorithm;
///         opaque signature<0..2^16-1>;
///     } CertificateVerify;
struct CertificateVerify: Hashable, Sendable {
    var scheme: SignatureScheme
    var signature: [UInt8]
}

extension CertificateVerify {
    init(from reader: inout ByteReader) throws {
        scheme = SignatureScheme(rawValue: try reader.readUInt16())
        signature = try reader.readVector16()
    }

    func encode(into writer: inout ByteWriter) {
        writer.writeUInt16(scheme.rawValue)
        writer.writeVector16(signature)
    }
}
