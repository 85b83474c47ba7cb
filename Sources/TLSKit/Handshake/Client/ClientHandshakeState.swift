/// The client's handshake, one case per state; each payload holds only what that state needs.
enum ClientHandshakeState {
    case expectServerHello(ClientHandshake.ExpectServerHello)
    case expectEncryptedExtensions(ClientHandshake.ExpectEncryptedExtensions)
    case expectCertificateOrRequest(ClientHandshake.ExpectCertificateOrRequest)
    case expectCertificate(ClientHandshake.ExpectCertificate)
    case expectCertificateVerify(ClientHandshake.ExpectCertificateVerify)
    case awaitPeerVerification(ClientHandshake.AwaitPeerVerification)
    case expectFinished(ClientHandshake.ExpectFinished)
    case connected(ClientHandshake.Connected)

    /// Builds and sends the first ClientHello, and `earlyData` after it when the session allows.
    static func start(
        sharedConfiguration: Shared<ClientConfiguration>, serverName: String?, session: ClientSession?, earlyData: [UInt8]?,
        output: inout HandshakeOutput
    ) throws -> ClientHandshakeState {
        .expectServerHello(
            try ClientHandshake.ExpectServerHello.start(
                sharedConfiguration: sharedConfiguration, serverName: serverName, session: session, earlyData: earlyData, output: &output))
    }

    /// Consumes one handshake message and returns the next state.
    func handle(_ message: HandshakeMessage, raw: [UInt8], output: inout HandshakeOutput) throws -> ClientHandshakeState {
        // One switch on the state, then one on the message: matching a tuple of the two would
        // copy both (every reference they hold retained and released once more per message).
        switch self {
        case .expectServerHello(let state):
            if case .serverHello(let hello) = message { return try state.handle(hello, raw: raw, output: &output) }
        case .expectEncryptedExtensions(let state):
            if case .encryptedExtensions(let extensions) = message { return try state.handle(extensions, raw: raw, output: &output) }
        case .expectCertificateOrRequest(let state):
            switch message {
            case .certificateRequest(let request):
                return try state.handle(request, raw: raw, output: &output)
            case .certificate(let certificate):
                return try ClientHandshake.ExpectCertificate(flight: state.flight).handle(certificate, raw: raw, output: &output)
            default:
                break
            }
        case .expectCertificate(let state):
            if case .certificate(let certificate) = message { return try state.handle(certificate, raw: raw, output: &output) }
        case .expectCertificateVerify(let state):
            if case .certificateVerify(let verify) = message { return try state.handle(verify, raw: raw, output: &output) }
        case .awaitPeerVerification:
            // The connection holds every message back until the verdict is in.
            break
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
        case .expectServerHello: return "expecting ServerHello"
        case .expectEncryptedExtensions: return "expecting EncryptedExtensions"
        case .expectCertificateOrRequest: return "expecting Certificate or CertificateRequest"
        case .expectCertificate: return "expecting Certificate"
        case .expectCertificateVerify: return "expecting CertificateVerify"
        case .awaitPeerVerification: return "awaiting the certificate verifier's verdict"
        case .expectFinished: return "expecting Finished"
        case .connected: return "connected"
        }
    }
}

/// Namespace for the client's state structs.
enum ClientHandshake {}
