/// Splits a received byte stream into records (RFC 8446 §5.1).
///
/// Bytes are appended as they arrive in any split; ``next()`` returns each record once it
/// is complete. Records are not interpreted here beyond their content type (one of the
/// four RFC 8446 defines) and length: version and zero-length rules belong to the caller.
struct RecordDeframer {
    /// Received bytes; those before `readIndex` are consumed.
    private var buffer: [UInt8] = []
    private var readIndex = 0

    init() {}

    private static let knownContentTypes: Set<UInt8> = [20, 21, 22, 23]

    /// Bytes received but not yet returned as a record.
    var bufferedByteCount: Int { buffer.count - readIndex }

    /// Bytes of memory the buffer holds, for tests of the idle-connection guarantee.
    var bufferCapacity: Int { buffer.capacity }

    /// Adds received bytes.
    mutating func append<C: Collection>(_ bytes: C) where C.Element == UInt8 {
        guard !bytes.isEmpty else { return }
        if buffer.isEmpty, let array = bytes as? [UInt8] {
            // Nothing is waiting: the caller's array becomes the buffer without a copy, and
            // records are slices of it.
            buffer = array
            return
        }
        if readIndex > 0 {
            // Only a partial record can remain here; move it to the front so the buffer
            // does not grow with consumed bytes.
            buffer.removeSubrange(0..<readIndex)
            readIndex = 0
        }
        buffer.append(contentsOf: bytes)
    }

    /// The next complete record, or nil when more bytes are needed.
    ///
    /// A length field over 2^14 + 256 throws `recordOverflow` as soon as the header has
    /// arrived (RFC 8446 §5.2), without waiting for the body. A zero-length record of any
    /// type is returned as it is.
    mutating func next() throws -> TLSRecord? {
        let available = buffer.count - readIndex
        guard available >= TLSRecord.headerLength else { return nil }
        // RFC 8446 §5: only four content types exist. Refusing any other as soon as its header
        // arrives stops a peer that is not speaking TLS (an HTTP request reads as type 0x47 and
        // a length of thousands) from holding the connection while we wait for a body.
        guard Self.knownContentTypes.contains(buffer[readIndex]) else {
            throw TLSError(.unexpectedMessage("record of content type \(buffer[readIndex])"))
        }
        let length = Int(buffer[readIndex + 3]) << 8 | Int(buffer[readIndex + 4])
        guard length <= TLSRecord.maximumCiphertextLength else { throw TLSError(.recordOverflow) }
        guard available >= TLSRecord.headerLength + length else { return nil }

        let start = readIndex + TLSRecord.headerLength
        let record = TLSRecord(
            contentType: ContentType(rawValue: buffer[readIndex]),
            legacyVersion: UInt16(buffer[readIndex + 1]) << 8 | UInt16(buffer[readIndex + 2]),
            body: buffer[start..<start + length])
        readIndex = start + length
        if readIndex == buffer.count {
            // Idle connections hold no record buffer.
            buffer = []
            readIndex = 0
        }
        return record
    }
}
