/// Reassembles handshake messages from record fragments: messages may be split
/// across records or several may share one record (RFC 8446 §5.1).
///
/// The declared length of each message is checked against a limit as soon as its
/// header arrives, so a peer cannot make us buffer an arbitrarily large message.
struct HandshakeReassembler {
    /// The largest body accepted. 64 KiB covers real certificate chains; the protocol
    /// allows up to 16 MiB, which no honest peer needs (Go's crypto/tls uses the same bound).
    let maximumMessageSize: Int
    private var buffer: [UInt8] = []

    init(maximumMessageSize: Int = 65_536) {
        self.maximumMessageSize = maximumMessageSize
    }

    /// Adds the plaintext of one handshake record.
    mutating func append(_ fragment: [UInt8]) {
        buffer.append(contentsOf: fragment)
    }

    /// The next complete message: its type, body and raw bytes (header + body, for
    /// the transcript). nil if the buffered bytes do not yet hold a whole message.
    mutating func next() throws -> (type: HandshakeType, body: [UInt8], raw: [UInt8])? {
        var reader = ByteReader(buffer)
        guard let type = try? reader.readUInt8(), let length = try? reader.readUInt24() else { return nil }
        guard length <= maximumMessageSize else {
            throw TLSError(.limitExceeded("handshake message of \(length) bytes", alert: .decodeError))
        }
        guard let body = try? reader.readBytes(length) else { return nil }
        let consumed = buffer.count - reader.remaining
        let raw = Array(buffer.prefix(consumed))
        buffer.removeFirst(consumed)
        return (HandshakeType(rawValue: type), body, raw)
    }

    /// True when no partial message is buffered: the record boundary is a message
    /// boundary, which RFC 8446 §5.1 requires before every key change.
    var isEmpty: Bool { buffer.isEmpty }
}
