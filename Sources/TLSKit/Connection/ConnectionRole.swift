/// What the shared record layer (``ConnectionCore``) asks of the connection that owns it: the
/// role's own handshake state machine and its reactions to what the handshake produces. The
/// core is handed the role for each call that needs it, and keeps no reference to it.
protocol ConnectionRole: AnyObject {
    /// Hands one handshake message to the role's state machine; its effects go into `output`.
    func handle(_ message: HandshakeMessage, raw: [UInt8], output: inout HandshakeOutput) throws
    /// Hands the application verifier's verdict to the state machine waiting for it: an
    /// acceptance lets it go on, a rejection throws the connection's error.
    func resolvePeerVerification(_ verdict: PeerVerificationVerdict, output: inout HandshakeOutput) throws
    /// Hands the replay guard's verdict to the state machine waiting for it (a server's).
    func resolveEarlyDataReplayCheck(_ verdict: EarlyDataReplayVerdict, output: inout HandshakeOutput) throws
    /// The established connection's traffic secrets; nil during the handshake.
    var traffic: ApplicationTraffic? { get }
    /// Sends a KeyUpdate (RFC 8446 §4.6.3); `invalidState` before the handshake completes.
    func updateKeys(requestPeerUpdate: Bool, output: inout HandshakeOutput) throws
    /// Whether a change_cipher_spec record is refused now although the handshake is running:
    /// a server refuses one before the first ClientHello (RFC 8446 §5).
    var refusesChangeCipherSpec: Bool { get }
    /// Called for each event as it is raised, before the application takes it: new-session
    /// handlers and session stores run here.
    func observe(_ event: TLSEvent)
    /// Called once if the connection fails before its handshake completes.
    func handshakeFailed()
}
