/// RFC 8446 §4.3.2
///
///     struct {
///         opaque certificate_request_context<0..2^8-1>;
///         Extension extensions<2..2^16-1>;
///     } CertificateRequest;
///
/// "The "signature_algorithms" extension MUST be specified", so a request without
/// it fails with `missing_extension`.
struct CertificateRequest: Hashable, Sendable {
    var requestContext: [UInt8]
    /// `signature_algorithms` (RFC 8446 §4.2.3).
    var signatureAlgorithms: [SignatureScheme]
    /// `signature_algorithms_cert` (RFC 8446 §4.2.3).
    var signatureAlgorithmsCert: [SignatureScheme]?
    /// `certificate_authorities` (RFC 8446 §4.2.4): DER distinguished names.
    var certificateAuthorities: [[UInt8]]?
    /// Unknown or not understood extensions (such as `oid_filters`), preserved in order.
    var other: [RawExtension] = []
}

extension CertificateRequest {
    init(from reader: inout ByteReader) throws {
        requestContext = try reader.readVector8()
        var signatureAlgorithms: [SignatureScheme]?
        signatureAlgorithmsCert = nil
        certificateAuthorities = nil
        other = []
        for item in try reader.readExtensions() {
            switch item.type {
            case .signatureAlgorithms:
                signatureAlgorithms = try item.decodeData { try $0.readSignatureSchemeList() }
            case .signatureAlgorithmsCert:
                signatureAlgorithmsCert = try item.decodeData { try $0.readSignatureSchemeList() }
            case .certificateAuthorities:
                // RFC 8446 §4.2.4: opaque DistinguishedName<1..2^16-1>;
                //                  DistinguishedName authorities<3..2^16-1>;
                certificateAuthorities = try item.decodeData { reader in
                    try reader.readList16(minimum: 3) { try $0.readVector16(minimum: 1) }
                }
            default:
                other.append(item)
            }
        }
        guard let signatureAlgorithms else { throw TLSError(.missingExtension("signature_algorithms")) }
        self.signatureAlgorithms = signatureAlgorithms
    }

    func encode(into writer: inout ByteWriter) {
        writer.writeVector8(requestContext)
        var extensions = [RawExtension(.signatureAlgorithms) { $0.writeSignatureSchemeList(signatureAlgorithms) }]
        if let signatureAlgorithmsCert {
            extensions.append(RawExtension(.signatureAlgorithmsCert) { $0.writeSignatureSchemeList(signatureAlgorithmsCert) })
        }
        if let certificateAuthorities {
            extensions.append(
                RawExtension(.certificateAuthorities) { writer in
                    writer.writeBlock16 { writer in
                        for name in certificateAuthorities { writer.writeVector16(name) }
                    }
                })
        }
        writer.writeExtensions(extensions + other)
    }
}
