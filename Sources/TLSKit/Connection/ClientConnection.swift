/// The client end of a TLS 1.3 connection (the equivalent of an OpenSSL `SSL` in client mode).
public final class ClientConnection: TLSConnection {
    /// The configuration this connection was made with.
    public let configuration: ClientConfiguration
    /// The name the server's certificate is checked against and sent in SNI (unless it is an address).
    public let serverName: String?
    /// NewSessionTicket messages received on this connection so far.
    public private(set) var receivedTicketCount = 0
    public let core: ConnectionCore
    /// The handshake state machine (internal so that tests can stand in for a client that does
    /// what TLSKit's does not).
    var machine: ClientHandshakeState

    /// A client connection whose ClientHello is already waiting in ``TLSConnection/takeOutput()``.
    ///
    /// - Parameters:
    ///   - configuration: how to negotiate, whom to trust, and where sessions are kept.
    ///   - serverName: checked against the server's certificate, sent in SNI unless it is an
    ///     address, and the key under which received sessions are stored.
    ///   - session: a session to resume (as read with ``ClientSession/init(pemEncoded:)``); without
    ///     one, a session for `serverName` is taken from the configuration's store, if any.
    ///     Whether the server accepted it shows in ``NegotiatedParameters/isResumed``.
    public init(configuration: ClientConfiguration, serverName: String?, session: ClientSession? = nil) throws {
        self.configuration = configuration
        self.serverName = serverName
        self.core = ConnectionCore(limits: configuration.limits, keyLog: configuration.keyLog, cryptoProvider: configuration.cryptoProvider)
        var output = HandshakeOutput()
        self.machine = try ClientHandshakeState.start(configuration: configuration, serverName: serverName, session: session, output: &output)
        try core.step(role: self) { pending in pending = output }
    }

    public func receive<Bytes: Collection>(_ bytes: Bytes) throws where Bytes.Element == UInt8 {
        try core.receive(bytes, role: self)
    }

    public func write<Bytes: Collection>(_ data: Bytes) throws where Bytes.Element == UInt8 {
        try core.write(data)
    }

    public func receive<Output: TLSOutputBuffer>(_ bytes: UnsafeRawBufferPointer, applicationData: inout Output) throws {
        try core.receive(bytes, role: self, applicationData: &applicationData)
    }

    public func write<Output: TLSOutputBuffer>(_ data: UnsafeRawBufferPointer, into output: inout Output) throws {
        try core.write(data, into: &output)
    }

    public func driveHandshake() throws {
        try core.throwIfFailed()
    }

    public func updateKeys(requestPeerUpdate: Bool) throws {
        try core.updateKeys(requestPeerUpdate: requestPeerUpdate, role: self)
    }

    public func exportKeyingMaterial(label: String, context: [UInt8], length: Int) throws -> [UInt8] {
        try core.exportKeyingMaterial(label: label, context: context, length: length, role: self)
    }

    public var peerCertificateVerifier: (any PeerCertificateVerifier)? { configuration.certificateVerifier }

    public func resumePeerVerification(_ verdict: PeerVerificationVerdict) throws {
        try core.resumePeerVerification(verdict, role: self)
    }
}

extension ClientConnection: ConnectionRole {
    func handle(_ message: HandshakeMessage, raw: [UInt8], output: inout HandshakeOutput) throws {
        try machine.step(message, raw: raw, output: &output)
    }

    var traffic: ApplicationTraffic? { machine.traffic }

    func resolveEarlyDataReplayCheck(_ verdict: EarlyDataReplayVerdict, output: inout HandshakeOutput) throws {
        throw TLSError(.invalidState("a client has no early data replay check"))
    }

    func resolvePeerVerification(_ verdict: PeerVerificationVerdict, output: inout HandshakeOutput) throws {
        try machine.resolvePeerVerification(verdict)
    }

    func updateKeys(requestPeerUpdate: Bool, output: inout HandshakeOutput) throws {
        try machine.updateKeys(requestPeerUpdate: requestPeerUpdate, output: &output)
    }

    var refusesChangeCipherSpec: Bool { false }

    func observe(_ event: TLSEvent) {
        guard case .sessionTicketReceived(let session) = event else { return }
        receivedTicketCount += 1
        // RFC 8446 §4.6.1: a lifetime of zero means the ticket must not be cached.
        if session.lifetime > 0, !session.serverName.isEmpty { configuration.sessionStore?.store(session) }
        configuration.newSessionHandler?(session)
    }

    func handshakeFailed() {}
}
