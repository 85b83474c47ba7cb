/// The client end of a TLS 1.3 connection (the equivalent of an OpenSSL `SSL` in client mode).
public final class ClientConnection: TLSConnection {
    /// The configuration this connection was made with.
    public let configuration: ClientConfiguration
    /// The name the server's certificate is checked against and sent in SNI (unless it is an address).
    public let serverName: String?
    /// NewSessionTicket messages received on this connection so far.
    public private(set) var receivedTicketCount = 0

    /// A client connection whose ClientHello is already waiting in ``TLSConnection/takeOutput()``.
    ///
    /// - Parameters:
    ///   - serverName: checked against the server's certificate, sent in SNI unless it is an
    ///     address, and the key under which received sessions are stored.
    ///   - session: a session to resume (as read with ``ClientSession/init(pemEncoded:)``); without
    ///     one, a session for `serverName` is taken from the configuration's store, if any.
    ///     Whether the server accepted it shows in ``NegotiatedParameters/isResumed``.
    public init(configuration: ClientConfiguration, serverName: String?, session: ClientSession? = nil) throws {
        self.configuration = configuration
        self.serverName = serverName
        var output = HandshakeOutput()
        let state = try ClientHandshakeState.start(configuration: configuration, serverName: serverName, session: session, output: &output)
        super.init(
            machine: .client(state), isServer: false, limits: configuration.limits,
            keyLog: configuration.keyLog)
        let store = configuration.sessionStore
        let handler = configuration.newSessionHandler
        eventObserver = { [unowned self] event in
            guard case .sessionTicketReceived(let session) = event else { return }
            self.receivedTicketCount += 1
            // RFC 8446 §4.6.1: a lifetime of zero means the ticket must not be cached.
            if session.lifetime > 0, !session.serverName.isEmpty { store?.store(session) }
            handler?(session)
        }
        try step { _, pending in pending = output }
    }
}
