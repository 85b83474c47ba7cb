/// The client's handshake, one case per state; each payload holds only what that state needs.
enum ClientHandshakeState {
    case expectServerHello(ClientHandshake.ExpectServerHello)
    case expectEncryptedExtensions(ClientHandshake.ExpectEncryptedExtensions)
    case expectCertificateOrRequest(ClientHandshake.ExpectCertificateOrRequest)
    case expectCertificate(ClientHandshake.ExpectCertificate)
    case expectCertificateVerify(ClientHandshake.ExpectCertificateVerify)
    case expectFinished(ClientHandshake.ExpectFinished)
    case connected(ClientHandshake.Connected)

    /// Builds and sends the first ClientHello.
    static func start(
        configuration: ClientConfiguration, serverName: String?, session: ClientSession?, output: inout HandshakeOutput
    ) throws -> ClientHandshakeState {
        .expectServerHello(
            try ClientHandshake.ExpectServerHello.start(configuration: configuration, serverName: serverName, session: session, output: &output))
    }

    /// Consumes one handshake message and returns the next state.
    func handle(_ message: HandshakeMessage, raw: [UInt8], output: inout HandshakeOutput) throws -> ClientHandshakeState {
        switch (self, message) {
        case (.expectServerHello(let state), .serverHello(let hello)):
            return try state.handle(hello, raw: raw, output: &output)
        case (.expectEncryptedExtensions(let state), .encryptedExtensions(let extensions)):
            return try state.handle(extensions, raw: raw, output: &output)
        case (.expectCertificateOrRequest(let state), .certificateRequest(let request)):
            return try state.handle(request, raw: raw, output: &output)
        case (.expectCertificateOrRequest(let state), .certificate(let certificate)):
            return try ClientHandshake.ExpectCertificate(flight: state.flight).handle(certificate, raw: raw, output: &output)
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
        case .expectServerHello: return "expecting ServerHello"
        case .expectEncryptedExtensions: return "expecting EncryptedExtensions"
        case .expectCertificateOrRequest: return "expecting Certificate or CertificateRequest"
        case .expectCertificate: return "expecting Certificate"
        case .expectCertificateVerify: return "expecting CertificateVerify"
        case .expectFinished: return "expecting Finished"
        case .connected: return "connected"
        }
    }
}

/// Namespace for the client's state structs.
enum ClientHandshake {}
