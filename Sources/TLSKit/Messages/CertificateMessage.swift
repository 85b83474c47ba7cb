/// RFC 8446 §4.4.2
///
///     struct {
///         select (certificate_type) {
///             case RawPublicKey: opaque ASN1_subjectPublicKeyInfo<1..2^24-1>;
///             case X509: opaque cert_data<1..2^24-1>;
///         };
///         Extension extensions<0..2^16-1>;
///     } CertificateEntry;
struct CertificateEntry: Hashable, Sendable {
    /// A DER-encoded X.509 certificate.
    var certificateData: [UInt8]
    var extensions: [RawExtension] = []
}

/// RFC 8446 §4.4.2
///
///     struct {
///         opaque certificate_request_context<0..2^8-1>;
///         CertificateEntry certificate_list<0..2^24-1>;
///     } Certificate;
struct CertificateMessage: Hashable, Sendable {
    var requestContext: [UInt8]
    /// The sender's certificate first, then the chain.
    var entries: [CertificateEntry]
}

extension CertificateEntry {
    init(from reader: inout ByteReader) throws {
        certificateData = try reader.readVector24(minimum: 1)
        extensions = try reader.readExtensions()
    }

    func encode(into writer: inout ByteWriter) {
        writer.writeVector24(certificateData)
        writer.writeExtensions(extensions)
    }
}

extension CertificateMessage {
    init(from reader: inout ByteReader) throws {
        requestContext = try reader.readVector8()
        entries = try reader.readList24 { try CertificateEntry(from: &$0) }
    }

    func encode(into writer: inout ByteWriter) {
        writer.writeVector8(requestContext)
        writer.writeBlock24 { writer in
            for entry in entries { entry.encode(into: &writer) }
        }
    }
}
