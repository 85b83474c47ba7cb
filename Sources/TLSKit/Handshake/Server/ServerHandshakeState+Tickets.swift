extension ServerHandshakeState {
    /// The connection's own copy of the configuration, which carries its ticket count.
    var configuration: ServerConfiguration {
        get {
            switch self {
            case .expectClientHello(let state): return state.configuration
            case .expectCertificate(let state): return state.flight.configuration
            case .expectCertificateVerify(let state): return state.flight.configuration
            case .expectFinished(let state): return state.flight.configuration
            case .connected(let state): return state.configuration
            }
        }
        set {
            switch self {
            case .expectClientHello(var state):
                state.configuration = newValue
                self = .expectClientHello(state)
            case .expectCertificate(var state):
                state.flight.configuration = newValue
                self = .expectCertificate(state)
            case .expectCertificateVerify(var state):
                state.flight.configuration = newValue
                self = .expectCertificateVerify(state)
            case .expectFinished(var state):
                state.flight.configuration = newValue
                self = .expectFinished(state)
            case .connected(var state):
                state.configuration = newValue
                self = .connected(state)
            }
        }
    }

    /// Runs `body` on the established connection, or fails if the handshake is not complete.
    mutating func withConnected(_ what: String, _ body: (inout ServerHandshake.Connected) throws -> Void) throws {
        guard case .connected(var connected) = self else {
            throw TLSError(.invalidState("\(what) needs a completed handshake"))
        }
        try body(&connected)
        self = .connected(connected)
    }
}
