/// Either role's state machine, so the record-level connection logic is written once.
enum HandshakeMachine {
    case client(ClientHandshakeState)
    case server(ServerHandshakeState)

    /// Handles `message` in place: the next state replaces this one, which stays as it was
    /// if handling throws. The state is moved out, not copied, while the message is handled.
    mutating func step(_ message: HandshakeMessage, raw: [UInt8], output: inout HandshakeOutput) throws {
        switch consume self {
        case .client(let state):
            do { self = .client(try state.handle(message, raw: raw, output: &output)) } catch {
                self = .client(state)
                throw error
            }
        case .server(let state):
            do { self = .server(try state.handle(message, raw: raw, output: &output)) } catch {
                self = .server(state)
                throw error
            }
        }
    }

    var isConnected: Bool {
        switch self {
        case .client(let state): return state.isConnected
        case .server(let state): return state.isConnected
        }
    }

    /// The established connection's traffic secrets, nil during the handshake.
    var traffic: ApplicationTraffic? {
        switch self {
        case .client(.connected(let connected)): return connected.traffic
        case .server(.connected(let connected)): return connected.traffic
        default: return nil
        }
    }

    /// The server's state machine; nil on a client.
    var server: ServerHandshakeState? {
        get {
            if case .server(let state) = self { return state }
            return nil
        }
        set {
            if let newValue { self = .server(newValue) }
        }
    }

    /// Sends a KeyUpdate (RFC 8446 §4.6.3).
    mutating func updateKeys(requestPeerUpdate: Bool, output: inout HandshakeOutput) throws {
        switch self {
        case .client(.connected(var connected)):
            connected.traffic.updateWriteKeys(requestPeerUpdate: requestPeerUpdate, output: &output)
            self = .client(.connected(connected))
        case .server(.connected(var connected)):
            connected.traffic.updateWriteKeys(requestPeerUpdate: requestPeerUpdate, output: &output)
            self = .server(.connected(connected))
        default:
            throw TLSError(.invalidState("keys can be updated only after the handshake"))
        }
    }
}
