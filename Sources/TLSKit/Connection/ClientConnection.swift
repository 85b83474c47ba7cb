/// The client end of a TLS 1.3 connection (the equivalent of an OpenSSL `SSL` in client mode).
public final class ClientConnection: TLSConnection {
    /// The configuration this connection was made with.
    public var configuration: ClientConfiguration { sharedConfiguration.value }
    /// The configuration, held once: the handshake's states share this box rather than each
    /// holding a copy (every reference in it retained again).
    private let sharedConfiguration: Shared<ClientConfiguration>
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
    ///   - earlyData: data to send as early data (0-RTT), right after the ClientHello, before the
    ///     handshake completes (like OpenSSL's `SSL_write_early_data`). It is sent only when the
    ///     session offered allows early data and at least this many bytes of it
    ///     (``ClientSession/maximumEarlyDataSize``); otherwise ``earlyDataStatus`` stays
    ///     ``EarlyDataStatus/notSent``. Whether the server accepted it is known after its
    ///     EncryptedExtensions (``TLSEvent/earlyDataAccepted`` or ``TLSEvent/earlyDataRejected(_:)``).
    ///     Rejected early data is not sent again: the application decides whether to write it
    ///     once the handshake completes. Early data can be replayed by an attacker (RFC 8446 §8):
    ///     send only requests that are safe to repeat.
    public init(configuration: ClientConfiguration, serverName: String?, session: ClientSession? = nil, earlyData: [UInt8]? = nil) throws {
        let shared = Shared(configuration)
        self.sharedConfiguration = shared
        self.serverName = serverName
        self.core = ConnectionCore(limits: configuration.limits, keyLog: configuration.keyLog, cryptoProvider: configuration.cryptoProvider)
        var output = HandshakeOutput(logsSecrets: configuration.keyLog != nil)
        self.machine = try ClientHandshakeState.start(
            sharedConfiguration: shared, serverName: serverName, session: session, earlyData: earlyData, output: &output)
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

    /// What became of the early data given to the initializer (`SSL_get_early_data_status`):
    /// ``EarlyDataStatus/notSent`` when none was sent, then ``EarlyDataStatus/accepted`` or
    /// ``EarlyDataStatus/rejected`` once the server's EncryptedExtensions (or HelloRetryRequest) arrived.
    public var earlyDataStatus: EarlyDataStatus { core.earlyDataStatus }

    /// Whether the server accepted the early data: nil until it is known, or when none was sent.
    public var isEarlyDataAccepted: Bool? {
        switch earlyDataStatus {
        case .notSent: return nil
        case .accepted: return true
        case .rejected: return false
        }
    }

    public func updateKeys(requestPeerUpdate: Bool) throws {
        try core.updateKeys(requestPeerUpdate: requestPeerUpdate, role: self)
    }

    public func exportKeyingMaterial(label: String, context: [UInt8], length: Int) throws -> [UInt8] {
        try core.exportKeyingMaterial(label: label, context: context, length: length, role: self)
    }

    public var peerCertificateVerifier: (any PeerCertificateVerifier)? { sharedConfiguration.value.certificateVerifier }

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
        if session.lifetime > 0, !session.serverName.isEmpty { sharedConfiguration.value.sessionStore?.store(session) }
        sharedConfiguration.value.newSessionHandler?(session)
    }

    func handshakeFailed() {}
}
