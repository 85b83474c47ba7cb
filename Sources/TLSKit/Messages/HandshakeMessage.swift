/// RFC 8446 §4
///
///     struct {
///         HandshakeType msg_type;    /* handshake type */
///         uint24 length;             /* remaining bytes in message */
///         select (Handshake.msg_type) {
///             case client_hello:          ClientHello;
///             case server_hello:          ServerHello;
///             case end_of_early_data:     EndOfEarlyData;
///             case encrypted_extensions:  EncryptedExtensions;
///             case certificate_request:   CertificateRequest;
///             case certificate:           Certificate;
///             case certificate_verify:    CertificateVerify;
///             case finished:              Finished;
///             case new_session_ticket:    NewSessionTicket;
///             case key_update:            KeyUpdate;
///         };
///     } Handshake;
enum HandshakeMessage: Hashable, Sendable {
    case clientHello(ClientHello)
    case serverHello(ServerHello)
    case newSessionTicket(NewSessionTicket)
    /// RFC 8446 §4.5: `struct {} EndOfEarlyData;`
    case endOfEarlyData
    case encryptedExtensions(EncryptedExtensions)
    case certificate(CertificateMessage)
    case certificateRequest(CertificateRequest)
    case certificateVerify(CertificateVerify)
    case finished(Finished)
    case keyUpdate(KeyUpdate)

    var type: HandshakeType {
        switch self {
        case .clientHello: return .clientHello
        case .serverHello: return .serverHello
        case .newSessionTicket: return .newSessionTicket
        case .endOfEarlyData: return .endOfEarlyData
        case .encryptedExtensions: return .encryptedExtensions
        case .certificate: return .certificate
        case .certificateRequest: return .certificateRequest
        case .certificateVerify: return .certificateVerify
        case .finished: return .finished
        case .keyUpdate: return .keyUpdate
        }
    }
}

extension HandshakeMessage {
    /// Decodes a message body (without its 4-byte header).
    ///
    /// Malformed input or trailing bytes fail with `decode_error`; an unknown
    /// handshake type with `unexpected_message` (RFC 8446 §4).
    static func decode(type: HandshakeType, body: [UInt8]) throws -> HandshakeMessage {
        var reader = ByteReader(body)
        return try decode(type: type, from: &reader)
    }

    /// Decodes a reassembled message from its body, read in place after the header.
    static func decode(_ message: HandshakeReassembler.Message) throws -> HandshakeMessage {
        var reader = ByteReader(message.raw, from: HandshakeReassembler.headerLength)
        return try decode(type: message.type, from: &reader)
    }

    private static func decode(type: HandshakeType, from reader: inout ByteReader) throws -> HandshakeMessage {
        do {
            let message = try decodeBody(type: type, from: &reader)
            try reader.expectEnd()
            return message
        } catch {
            throw TLSError.decoding(type.description, error)
        }
    }

    private static func decodeBody(type: HandshakeType, from reader: inout ByteReader) throws -> HandshakeMessage {
        switch type {
        case .clientHello: return .clientHello(try ClientHello(from: &reader))
        case .serverHello: return .serverHello(try ServerHello(from: &reader))
        case .newSessionTicket: return .newSessionTicket(try NewSessionTicket(from: &reader))
        case .endOfEarlyData: return .endOfEarlyData
        case .encryptedExtensions: return .encryptedExtensions(try EncryptedExtensions(from: &reader))
        case .certificate: return .certificate(try CertificateMessage(from: &reader))
        case .certificateRequest: return .certificateRequest(try CertificateRequest(from: &reader))
        case .certificateVerify: return .certificateVerify(try CertificateVerify(from: &reader))
        case .finished: return .finished(try Finished(from: &reader))
        case .keyUpdate: return .keyUpdate(try KeyUpdate(from: &reader))
        default: throw TLSError(.unexpectedMessage("handshake message type \(type.rawValue)"))
        }
    }

    /// The full message: 1-byte type, uint24 length, body.
    func encoded() -> [UInt8] { Self.encoded(type, self) }

    /// A message of `type` whose body `body` writes: for a message that is kept after it is
    /// sent (a ClientHello), which wrapping in this enum would copy. The body is written
    /// inline, not from a closure, which would copy it.
    static func encoded<Body: HandshakeMessageBody>(_ type: HandshakeType, _ body: Body) -> [UInt8] {
        var writer = ByteWriter()
        writer.writeUInt8(type.rawValue)
        let block = writer.beginBlock(prefix: 3)
        body.encode(into: &writer)
        writer.endBlock(block)
        return writer.bytes
    }

    func encode(into writer: inout ByteWriter) {
        switch self {
        case .clientHello(let message): message.encode(into: &writer)
        case .serverHello(let message): message.encode(into: &writer)
        case .newSessionTicket(let message): message.encode(into: &writer)
        case .endOfEarlyData: break
        case .encryptedExtensions(let message): message.encode(into: &writer)
        case .certificate(let message): message.encode(into: &writer)
        case .certificateRequest(let message): message.encode(into: &writer)
        case .certificateVerify(let message): message.encode(into: &writer)
        case .finished(let message): message.encode(into: &writer)
        case .keyUpdate(let message): message.encode(into: &writer)
        }
    }
}

/// What writes the body of a handshake message (RFC 8446 §4), without its header.
protocol HandshakeMessageBody {
    func encode(into writer: inout ByteWriter)
}

extension HandshakeMessage: HandshakeMessageBody {}
extension ClientHello: HandshakeMessageBody {}
