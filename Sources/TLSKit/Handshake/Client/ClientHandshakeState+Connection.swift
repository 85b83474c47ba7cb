extension ClientHandshakeState {
    /// Handles `message` in place: the next state replaces this one, which stays as it was if
    /// handling throws. The state is moved out, not copied, while the message is handled.
    mutating func step(_ message: HandshakeMessage, raw: [UInt8], output: inout HandshakeOutput) throws {
        let state = consume self
        do { self = try state.handle(message, raw: raw, output: &output) } catch {
            self = state
            throw error
        }
    }

    /// Hands the application verifier's verdict to the state waiting for it; `invalidState` in any other.
    mutating func resolvePeerVerification(_ verdict: PeerVerificationVerdict) throws {
        guard case .awaitPeerVerification(let state) = self else {
            throw TLSError(.invalidState("no peer verification is pending"))
        }
        self = try state.resolve(verdict)
    }

    /// The established connection's traffic secrets, nil during the handshake.
    var traffic: ApplicationTraffic? {
        if case .connected(let connected) = self { return connected.traffic }
        return nil
    }

    /// Sends a KeyUpdate (RFC 8446 §4.6.3); `invalidState` before the handshake completes.
    mutating func updateKeys(requestPeerUpdate: Bool, output: inout HandshakeOutput) throws {
        guard case .connected(var connected) = self else {
            throw TLSError(.invalidState("keys can be updated only after the handshake"))
        }
        connected.traffic.updateWriteKeys(requestPeerUpdate: requestPeerUpdate, output: &output)
        self = .connected(connected)
    }
}
