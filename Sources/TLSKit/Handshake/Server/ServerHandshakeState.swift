/// The server's handshake, one case per state; each payload holds only what that state needs.
enum ServerHandshakeState {
    case expectClientHello(ServerHandshake.ExpectClientHello)
    case awaitEarlyDataReplayCheck(ServerHandshake.AwaitEarlyDataReplayCheck)
    case expectEndOfEarlyData(ServerHandshake.ExpectEndOfEarlyData)
    case expectCertificate(ServerHandshake.ExpectCertificate)
    case expectCertificateVerify(ServerHandshake.ExpectCertificateVerify)
    case awaitPeerVerification(ServerHandshake.AwaitPeerVerification)
    case expectFinished(ServerHandshake.ExpectFinished)
    case connected(ServerHandshake.Connected)

    init(sharedConfiguration: Shared<ServerConfiguration>) {
        self = .expectClientHello(ServerHandshake.ExpectClientHello(sharedConfiguration: sharedConfiguration, retry: nil))
    }

    /// Handles `message` in place: the next state replaces this one, which stays as it was if
    /// handling throws. The state is moved out, not copied, while the message is handled.
    /// `tickets` says how many tickets the handshake and post-handshake authentication mint.
    mutating func step(_ message: HandshakeMessage, raw: [UInt8], tickets: TicketSchedule, output: inout HandshakeOutput) throws {
        let state = consume self
        do { self = try state.handle(message, raw: raw, tickets: tickets, output: &output) } catch {
            self = state
            throw error
        }
    }

    /// Consumes one handshake message and returns the next state.
    func handle(_ message: HandshakeMessage, raw: [UInt8], tickets: TicketSchedule, output: inout HandshakeOutput) throws -> ServerHandshakeState {
        // One switch on the state, then one on the message: matching a tuple of the two would
        // copy both.
        switch self {
        case .expectClientHello(let state):
            if case .clientHello(let hello) = message { return try state.handle(hello, raw: raw, output: &output) }
        case .awaitEarlyDataReplayCheck:
            // The connection holds every record back until the verdict is in.
            break
        case .expectEndOfEarlyData(let state):
            if case .endOfEarlyData = message { return state.handle(raw: raw, output: &output) }
        case .expectCertificate(let state):
            if case .certificate(let certificate) = message { return try state.handle(certificate, raw: raw, output: &output) }
        case .expectCertificateVerify(let state):
            if case .certificateVerify(let verify) = message { return try state.handle(verify, raw: raw, output: &output) }
        case .awaitPeerVerification:
            // The connection holds every message back until the verdict is in.
            break
        case .expectFinished(let state):
            if case .finished(let finished) = message { return try state.handle(finished, raw: raw, tickets: tickets, output: &output) }
        case .connected(let state):
            return .connected(try state.handle(message, raw: raw, tickets: tickets, output: &output))
        }
        throw TLSError(.unexpectedMessage("\(message.type) while \(name)"))
    }

    var isConnected: Bool {
        if case .connected = self { return true }
        return false
    }

    /// The established connection's traffic secrets, nil during the handshake.
    var traffic: ApplicationTraffic? {
        if case .connected(let connected) = self { return connected.traffic }
        return nil
    }

    /// Runs `body` on the established connection, or fails with `invalidState` if the handshake
    /// is not complete; the state changes only if `body` succeeds.
    mutating func withConnected(_ what: String, _ body: (inout ServerHandshake.Connected) throws -> Void) throws {
        guard case .connected(var connected) = self else {
            throw TLSError(.invalidState("\(what) needs a completed handshake"))
        }
        try body(&connected)
        self = .connected(connected)
    }

    /// Hands the application verifier's verdict to the handshake or the post-handshake
    /// authentication waiting for it; `invalidState` if none is.
    mutating func resolvePeerVerification(_ verdict: PeerVerificationVerdict) throws {
        switch self {
        case .awaitPeerVerification(let state):
            self = try state.resolve(verdict)
        case .connected(var connected):
            try connected.resolvePeerVerification(verdict)
            self = .connected(connected)
        default:
            throw TLSError(.invalidState("no peer verification is pending"))
        }
    }

    /// Hands the replay guard's verdict to the handshake waiting for it; `invalidState` if none is.
    mutating func resolveEarlyDataReplayCheck(_ verdict: EarlyDataReplayVerdict, output: inout HandshakeOutput) throws {
        guard case .awaitEarlyDataReplayCheck(let state) = self else {
            throw TLSError(.invalidState("no early data replay check is pending"))
        }
        self = try state.resolve(verdict, output: &output)
    }

    var name: String {
        switch self {
        case .expectClientHello: return "expecting ClientHello"
        case .awaitEarlyDataReplayCheck: return "awaiting the early data replay check"
        case .expectEndOfEarlyData: return "expecting EndOfEarlyData"
        case .expectCertificate: return "expecting client Certificate"
        case .expectCertificateVerify: return "expecting client CertificateVerify"
        case .awaitPeerVerification: return "awaiting the certificate verifier's verdict"
        case .expectFinished: return "expecting client Finished"
        case .connected: return "connected"
        }
    }
}

/// Namespace for the server's state structs.
enum ServerHandshake {}
