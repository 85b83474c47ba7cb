/// Builds unprotected records (TLSPlaintext, RFC 8446 §5.1): the ClientHello, ServerHello
/// and HelloRetryRequest, alerts sent before keys exist, and change_cipher_spec.
enum RecordFramer {
    /// The largest TLSPlaintext fragment: 2^14 bytes. Longer content is fragmented.
    static let maximumPlaintextLength = TLSRecord.maximumPlaintextLength

    /// Appends `content` as one or more records of at most 2^14 bytes each.
    ///
    /// Empty content appends nothing: RFC 8446 §5.1 forbids zero-length handshake and alert
    /// fragments. The first ClientHello may use `legacyVersion` 0x0301 for compatibility.
    static func appendPlaintext(
        contentType: ContentType, content: ArraySlice<UInt8>, legacyVersion: UInt16 = 0x0303, into output: inout [UInt8]
    ) {
        let recordCount = (content.count + maximumPlaintextLength - 1) / maximumPlaintextLength
        output.reserveCapacity(output.count + content.count + recordCount * TLSRecord.headerLength)
        var remaining = content
        while !remaining.isEmpty {
            let fragment = remaining.prefix(maximumPlaintextLength)
            TLSRecord.appendHeader(contentType: contentType, legacyVersion: legacyVersion, length: fragment.count, into: &output)
            output.append(contentsOf: fragment)
            remaining = remaining.dropFirst(fragment.count)
        }
    }
}
