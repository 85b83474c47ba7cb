/// The framing of records, protected or not (RFC 8446 §5.1, §5.2), and its bounds:
///
///     struct {
///         ContentType type;
///         ProtocolVersion legacy_record_version;
///         uint16 length;
///         opaque fragment[TLSPlaintext.length];
///     } TLSPlaintext;
///
///     struct {
///         ContentType opaque_type = application_data; /* 23 */
///         ProtocolVersion legacy_record_version = 0x0303; /* TLS v1.2 */
///         uint16 length;
///         opaque encrypted_record[TLSCiphertext.length];
///     } TLSCiphertext;
enum TLSRecord {
    /// type, legacy_record_version and length.
    static let headerLength = 5

    /// The largest TLSPlaintext fragment and the largest decrypted TLSInnerPlaintext
    /// content: 2^14 bytes (RFC 8446 §5.1).
    static let maximumPlaintextLength = 16_384

    /// The largest TLSCiphertext fragment: 2^14 + 256 bytes (RFC 8446 §5.2). The deframer
    /// enforces this for every record; unprotected records must also be held to
    /// ``maximumPlaintextLength`` by the caller, which knows whether protection is on.
    static let maximumCiphertextLength = 16_384 + 256

    /// The legacy_record_version TLS 1.3 writes on every record after the first ClientHello.
    static let legacyVersionTLS12: UInt16 = 0x0303

    /// Appends a record header. `length` must fit in 16 bits.
    static func appendHeader(contentType: ContentType, legacyVersion: UInt16, length: Int, into output: inout [UInt8]) {
        output.append(contentType.rawValue)
        output.append(UInt8(truncatingIfNeeded: legacyVersion >> 8))
        output.append(UInt8(truncatingIfNeeded: legacyVersion))
        output.append(UInt8(truncatingIfNeeded: length >> 8))
        output.append(UInt8(truncatingIfNeeded: length))
    }
}
