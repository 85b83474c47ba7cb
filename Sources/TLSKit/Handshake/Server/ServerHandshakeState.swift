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
        // One switch on the state, then one on the message: matching a tuple of the two would
        // copy both.
        switch self {
        case .expectClientHello(let state):
            if case .clientHello(let hello) = message { return try state.handle(hello, raw: raw, output: &output) }
        case .expectCertificate(let state):
            if case .certificate(let certificate) = message { return try state.handle(certificate, raw: raw, output: &output) }
        case .expectCertificateVerify(let state):
            if case .certificateVerify(let verify) = message { return try state.handle(verify, raw: raw, output: &output) }
        case .expectFinished(let state):
            if case .finished(let finished) = message { return try state.handle(finished, raw: raw, output: &output) }
        case .connected(let state):
            return .connected(try state.handle(message, raw: raw, output: &output))
        }
        throw TLSError(.unexpectedMessage("\(message.type) while \(name)"))
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
