/// Splits a received byte stream into records (RFC 8446 §5.1).
///
/// Bytes arrive in any split. A record that lies wholly inside one input is handed over as a
/// view of that input, without a copy; only a record split across inputs is gathered in a
/// buffer of its own, which is released once the record is complete. Records are not
/// interpreted here beyond their content type (one of the four RFC 8446 defines) and length:
/// version and zero-length rules belong to the caller.
struct RecordDeframer {
    /// The start of a record split across inputs: its header, or part of it, and as much of
    /// its body as has arrived. Never more than one record.
    private var partial: [UInt8] = []

    init() {}

    private static let knownContentTypes: Set<UInt8> = [20, 21, 22, 23]

    /// Bytes received but not yet handed over as a record.
    var bufferedByteCount: Int { partial.count }

    /// Bytes of memory the buffer holds, for tests of the idle-connection guarantee.
    var bufferCapacity: Int { partial.capacity }

    /// Hands each record completed by `input` to `body`, in order, while `body` returns true.
    ///
    /// The record's body is valid only during the call. Bytes after a complete record that
    /// do not yet make one are kept for the next input; when `body` returns false the rest of
    /// `input` is dropped. A length field over 2^14 + 256 throws `recordOverflow` as soon as
    /// the header has arrived (RFC 8446 §5.2), without waiting for the body; a content type
    /// RFC 8446 does not define throws `unexpectedMessage`. A zero-length record of any type
    /// is handed over as it is.
    mutating func receive(_ input: UnsafeRawBufferPointer, _ body: (ReceivedRecord) throws -> Bool) throws {
        var rest = input
        if !partial.isEmpty {
            guard let record = try completePartialRecord(from: &rest) else { return }
            guard try record.withUnsafeBytes({ try body(ReceivedRecord(wholeRecord: $0)) }) else { return }
        }
        while !rest.isEmpty {
            guard let length = try Self.bodyLength(header: rest), rest.count >= TLSRecord.headerLength + length else {
                partial.reserveCapacity(Self.partialCapacity(for: rest))
                partial.append(contentsOf: rest)
                return
            }
            let recordLength = TLSRecord.headerLength + length
            let record = ReceivedRecord(wholeRecord: UnsafeRawBufferPointer(rebasing: rest[..<recordLength]))
            rest = UnsafeRawBufferPointer(rebasing: rest[recordLength...])
            guard try body(record) else { return }
        }
    }

    /// Moves the bytes the buffered record lacks from the front of `input`; returns the whole
    /// record once it is complete (and releases the buffer), nil while it is not.
    private mutating func completePartialRecord(from input: inout UnsafeRawBufferPointer) throws -> [UInt8]? {
        if partial.count < TLSRecord.headerLength {
            take(TLSRecord.headerLength - partial.count, from: &input)
        }
        guard let length = try partial.withUnsafeBytes({ try Self.bodyLength(header: $0) }) else { return nil }
        let recordLength = TLSRecord.headerLength + length
        partial.reserveCapacity(recordLength)
        take(recordLength - partial.count, from: &input)
        guard partial.count == recordLength else { return nil }
        // Idle connections hold no record buffer.
        defer { partial = [] }
        return partial
    }

    private mutating func take(_ count: Int, from input: inout UnsafeRawBufferPointer) {
        let taken = min(count, input.count)
        partial.append(contentsOf: UnsafeRawBufferPointer(rebasing: input[..<taken]))
        input = UnsafeRawBufferPointer(rebasing: input[taken...])
    }

    /// Room for the whole record when its header is among `bytes`, so that it is not
    /// reallocated as the rest arrives.
    private static func partialCapacity(for bytes: UnsafeRawBufferPointer) -> Int {
        guard bytes.count >= TLSRecord.headerLength else { return TLSRecord.headerLength }
        return TLSRecord.headerLength + (Int(bytes[3]) << 8 | Int(bytes[4]))
    }

    /// The body length a record header announces, or nil if fewer than 5 bytes have arrived.
    private static func bodyLength(header bytes: UnsafeRawBufferPointer) throws -> Int? {
        guard bytes.count >= TLSRecord.headerLength else { return nil }
        // RFC 8446 §5: only four content types exist. Refusing any other as soon as its header
        // arrives stops a peer that is not speaking TLS (an HTTP request reads as type 0x47 and
        // a length of thousands) from holding the connection while we wait for a body.
        guard knownContentTypes.contains(bytes[0]) else {
            throw TLSError(.unexpectedMessage("record of content type \(bytes[0])"))
        }
        let length = Int(bytes[3]) << 8 | Int(bytes[4])
        guard length <= TLSRecord.maximumCiphertextLength else { throw TLSError(.recordOverflow) }
        return length
    }
}

/// One record as the deframer hands it over: a view of bytes it does not own, valid only
/// while the deframer's callback runs.
struct ReceivedRecord {
    let contentType: ContentType
    let legacyVersion: UInt16
    /// The fragment (TLSPlaintext.fragment or TLSCiphertext.encrypted_record).
    let body: UnsafeRawBufferPointer

    /// A record from its header and body; the deframer has checked the header's length.
    fileprivate init(wholeRecord bytes: UnsafeRawBufferPointer) {
        contentType = ContentType(rawValue: bytes[0])
        legacyVersion = UInt16(bytes[1]) << 8 | UInt16(bytes[2])
        body = UnsafeRawBufferPointer(rebasing: bytes[TLSRecord.headerLength...])
    }

    init(contentType: ContentType, legacyVersion: UInt16, body: UnsafeRawBufferPointer) {
        self.contentType = contentType
        self.legacyVersion = legacyVersion
        self.body = body
    }

    /// The fragment copied into an array of its own.
    var fragment: [UInt8] { Array(body) }
}
