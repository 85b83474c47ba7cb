/// Reassembles handshake messages from record fragments: messages may be split
/// across records or several may share one record (RFC 8446 §5.1).
///
/// The declared length of each message is checked as soon as its header arrives, so a peer
/// cannot make us buffer more than the message could legally hold: first against the largest
/// body RFC 8446's syntax allows for its type (``largestBody(of:)``; past it, `decode_error`),
/// then against ``ConnectionLimits/maximumHandshakeMessageSize``.
struct HandshakeReassembler {
    /// The largest body accepted of any type.
    let maximumMessageSize: Int
    private var buffer: [UInt8] = []

    init(maximumMessageSize: Int = Self.largestClientHelloBody) {
        self.maximumMessageSize = maximumMessageSize
    }

    /// version, random, legacy_session_id<0..32>, cipher_suites<2..2^16-2>,
    /// legacy_compression_methods<1..2^8-1>, extensions<8..2^16-1>: 131,396 bytes, the largest
    /// body of any TLS 1.3 message but Certificate.
    static let largestClientHelloBody = 2 + 32 + (1 + 32) + (2 + 65_534) + (1 + 255) + (2 + 65_535)

    /// The largest body each TLS 1.3 message can have, from its structure in RFC 8446 §4: every
    /// variable-length field at its maximum. nil for types TLS 1.3 does not send, which the
    /// decoder refuses once their header is read.
    static func largestBody(of type: HandshakeType) -> Int? {
        switch type {
        case .clientHello: return largestClientHelloBody
        // version, random, legacy_session_id_echo<0..32>, cipher_suite, compression, extensions<6..2^16-1>.
        case .serverHello: return 2 + 32 + (1 + 32) + 2 + 1 + (2 + 65_535)
        // lifetime, age_add, ticket_nonce<0..255>, ticket<1..2^16-1>, extensions<0..2^16-2>.
        case .newSessionTicket: return 4 + 4 + (1 + 255) + (2 + 65_535) + (2 + 65_534)
        case .endOfEarlyData: return 0
        case .encryptedExtensions: return 2 + 65_535
        // certificate_request_context<0..2^8-1>, extensions<2..2^16-1>.
        case .certificateRequest: return (1 + 255) + (2 + 65_535)
        // certificate_request_context<0..2^8-1>, certificate_list<0..2^24-1>: the configured limit binds first.
        case .certificate: return (1 + 255) + (3 + (1 << 24) - 1)
        // algorithm, signature<0..2^16-1>.
        case .certificateVerify: return 2 + 2 + 65_535
        // verify_data is Hash.length: 48 bytes for SHA-384, the longest hash of a TLS 1.3 suite.
        case .finished: return 48
        case .keyUpdate: return 1
        default: return nil
        }
    }

    /// A complete message as received.
    struct Message {
        let type: HandshakeType
        /// Header and body, as the transcript hashes them; decoding reads the body in place.
        let raw: [UInt8]

        /// The body alone, copied (for tests; decoding reads it in place).
        var body: [UInt8] { Array(raw[HandshakeReassembler.headerLength...]) }
    }

    /// msg_type and the uint24 length (RFC 8446 §4).
    static let headerLength = 4

    /// Adds the plaintext of one handshake record.
    mutating func append(_ fragment: [UInt8]) {
        // Usually a record starts a message: it is taken as it is, not copied.
        if buffer.isEmpty {
            buffer = fragment
        } else {
            buffer.append(contentsOf: fragment)
        }
    }

    /// The next complete message, nil if the buffered bytes do not yet hold a whole one.
    mutating func next() throws -> Message? {
        var reader = ByteReader(buffer)
        guard let type = try? reader.readUInt8(), let length = try? reader.readUInt24() else { return nil }
        if let largest = Self.largestBody(of: HandshakeType(rawValue: type)), length > largest {
            throw TLSError(.malformedMessage("\(HandshakeType(rawValue: type)) of \(length) bytes (at most \(largest))"))
        }
        guard length <= maximumMessageSize else {
            throw TLSError(.limitExceeded("handshake message of \(length) bytes", alert: .decodeError))
        }
        guard reader.remaining >= length else { return nil }
        let consumed = Self.headerLength + length
        let raw: [UInt8]
        if consumed == buffer.count {
            // The buffer holds this message alone: it becomes the message.
            raw = buffer
            buffer = []
        } else {
            raw = Array(buffer.prefix(consumed))
            buffer.removeFirst(consumed)
        }
        return Message(type: HandshakeType(rawValue: type), raw: raw)
    }

    /// True when no partial message is buffered: the record boundary is a message
    /// boundary, which RFC 8446 §5.1 requires before every key change.
    var isEmpty: Bool { buffer.isEmpty }
}
