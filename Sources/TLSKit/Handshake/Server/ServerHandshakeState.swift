/// The server's handshake, one case per state; each payload holds only what that state needs.
enum ServerHandshakeState {
    case expectClientHello(ServerHandshake.ExpectClientHello)
    case expectCertificate(ServerHandshake.ExpectCertificate)
    case expectCertificateVerify(ServerHandshake.ExpectCertificateVerify)
    case expectFinished(ServerHandshake.ExpectFinished)
    case connected(ServerHandshake.Connected)

    init(configuration: ServerConfiguration) {
        self = .expectClientHello(ServerHandshake.ExpectClientHello(configuration: configuration, retry: nil))
    }

    /// Consumes one handshake message and returns the next state.
    func handle(_ message: HandshakeMessage, raw: [UInt8], output: inout HandshakeOutput) throws -> ServerHandshakeState {
        switch (self, message) {
        case (.expectClientHello(let state), .clientHello(let hello)):
            return try state.handle(hello, raw: raw, output: &output)
        case (.expectCertificate(let state), .certificate(let certificate)):
            return try state.handle(certificate, raw: raw, output: &output)
        case (.expectCertificateVerify(let state), .certificateVerify(let verify)):
            return try state.handle(verify, raw: raw, output: &output)
        case (.expectFinished(let state), .finished(let finished)):
            return try state.handle(finished, raw: raw, output: &output)
        case (.connected(let state), _):
            return .connected(try state.handle(message, raw: raw, output: &output))
        default:
            throw TLSError(.unexpectedMessage("\(message.type) while \(name)"))
        }
    }

    var isConnected: Bool {
        if case .connected = self { return true }
        return false
    }

    var name: String {
        switch self {
        case .expectClientHello: return "expecting ClientHello"
        case .expectCertificate: return "expecting client Certificate"
        case .expectCertificateVerify: return "expecting client CertificateVerify"
        case .expectFinished: return "expecting client Finished"
        case .connected: return "connected"
        }
    }
}

/// Namespace for the server's state structs.
enum ServerHandshake {}
