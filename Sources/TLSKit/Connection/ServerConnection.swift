import X509

/// The server end of a TLS 1.3 connection (the equivalent of an OpenSSL `SSL` in server mode).
public final class ServerConnection: TLSConnection {
    /// The configuration this connection was made with.
    public var configuration: ServerConfiguration { sharedConfiguration.value }
    /// The configuration, held once: the handshake's states share this box rather than each
    /// holding a copy (every reference in it retained again).
    private let sharedConfiguration: Shared<ServerConfiguration>
    public let core: ConnectionCore
    private var machine: ServerHandshakeState
    /// How many tickets this connection mints, and the ones asked for on demand.
    private var tickets: TicketSchedule
    /// Whether a ClientHello has reached the state machine. Kept here rather than read from
    /// the state, whose payload a match would copy for every change_cipher_spec record.
    private var hasReceivedClientHello = false

    /// A server connection waiting for a ClientHello.
    public init(configuration: ServerConfiguration) throws {
        try configuration.validate()
        let shared = Shared(configuration)
        self.sharedConfiguration = shared
        self.core = ConnectionCore(limits: configuration.limits, keyLog: configuration.keyLog, cryptoProvider: configuration.cryptoProvider)
        self.machine = ServerHandshakeState(sharedConfiguration: shared)
        self.tickets = try TicketSchedule(count: configuration.ticketCount)
        self.earlyDataReplayGuard = configuration.effectiveEarlyDataReplayGuard()
    }

    // MARK: Early data

    /// The guard to run for ``pendingEarlyDataReplayCheck``: the configuration's
    /// ``ServerConfiguration/earlyDataReplayGuard``, or when there is none and
    /// ``ServerConfiguration/maximumEarlyDataSize`` is above 0, the in-memory guard the
    /// configuration shares among its connections (see ``ServerConfiguration/earlyDataReplayGuard``).
    public let earlyDataReplayGuard: (any EarlyDataReplayGuard)?

    /// The 0-RTT attempt waiting for the replay guard, when a ClientHello offers early data and
    /// every other acceptance condition holds; nil otherwise.
    ///
    /// The connection stops after the ClientHello, before sending anything: records received
    /// meanwhile are held, unprocessed, as for ``TLSConnection/pendingPeerVerification``. Check
    /// this after each ``TLSConnection/receive(_:)``; ask ``earlyDataReplayGuard`` (it may be
    /// `async`: do not block the thread that drives the connection) and pass its verdict to
    /// ``resumeEarlyDataReplayCheck(_:)``. A guard that throws must be answered with a rejection.
    public var pendingEarlyDataReplayCheck: EarlyDataAttempt? { core.pendingEarlyDataReplayCheck }

    /// Gives the connection the replay guard's verdict on ``pendingEarlyDataReplayCheck`` and goes
    /// on: the server sends its flight, accepting the early data (``TLSEvent/earlyDataAccepted``)
    /// or declining it (``TLSEvent/earlyDataRejected(_:)``, ``EarlyDataRejection/replay``), then
    /// processes the records held meanwhile. Throws ``TLSError/Code/invalidState`` when nothing is pending.
    public func resumeEarlyDataReplayCheck(_ verdict: EarlyDataReplayVerdict) throws {
        try core.resumeEarlyDataReplayCheck(verdict, role: self)
    }

    /// Takes the accepted early data (0-RTT) received so far, or nil if there is none (like
    /// OpenSSL's `SSL_read_early_data`). It arrives before the handshake completes and is never
    /// returned by ``TLSConnection/readApplicationData()``: early data can be replayed and has
    /// no forward secrecy (RFC 8446 §8), so the application reads it knowing it is early.
    public func readEarlyData() -> [UInt8]? { core.readEarlyData() }

    /// What became of the client's early data: ``EarlyDataStatus/accepted`` or
    /// ``EarlyDataStatus/rejected`` once the ClientHello is answered, ``EarlyDataStatus/notSent``
    /// when it offered none (`SSL_get_early_data_status`).
    public var earlyDataStatus: EarlyDataStatus { core.earlyDataStatus }

    public func receive<Bytes: Collection>(_ bytes: Bytes) throws where Bytes.Element == UInt8 {
        try core.receive(bytes, role: self)
    }

    public func write<Bytes: Collection>(_ data: Bytes) throws where Bytes.Element == UInt8 {
        try core.checkWritable()
        try sendRequestedTickets()
        try core.write(data)
    }

    public func receive<Output: TLSOutputBuffer>(_ bytes: UnsafeRawBufferPointer, applicationData: inout Output) throws {
        try core.receive(bytes, role: self, applicationData: &applicationData)
    }

    public func write<Output: TLSOutputBuffer>(_ data: UnsafeRawBufferPointer, into output: inout Output) throws {
        try core.checkWritable()
        try sendRequestedTickets()
        try core.write(data, into: &output)
    }

    public func driveHandshake() throws {
        try core.throwIfFailed()
        try sendRequestedTickets()
    }

    public func updateKeys(requestPeerUpdate: Bool) throws {
        try core.updateKeys(requestPeerUpdate: requestPeerUpdate, role: self)
    }

    public func exportKeyingMaterial(label: String, context: [UInt8], length: Int) throws -> [UInt8] {
        try core.exportKeyingMaterial(label: label, context: context, length: length, role: self)
    }

    public var peerCertificateVerifier: (any PeerCertificateVerifier)? { sharedConfiguration.value.clientCertificateVerifier }

    public func resumePeerVerification(_ verdict: PeerVerificationVerdict) throws {
        try core.resumePeerVerification(verdict, role: self)
    }

    // MARK: Tickets and client authentication

    /// How many tickets this connection sends after a full handshake and after post-handshake
    /// authentication (`SSL_get_num_tickets`). Starts from ``ServerConfiguration/ticketCount``.
    public var ticketCount: Int { tickets.count }

    /// Changes ``ticketCount`` for this connection only (`SSL_set_num_tickets`). Set it before the
    /// handshake as usual; a change after it applies to the next post-handshake authentication.
    /// Throws for a negative count or one above ``ServerConfiguration/maximumTicketCount``.
    public func setTicketCount(_ count: Int) throws {
        try tickets.setCount(count)
    }

    /// Asks for one more ticket (`SSL_new_session_ticket`). It is queued, and goes out with the
    /// next ``TLSConnection/write(_:)`` (before that data) or at once when ``TLSConnection/driveHandshake()``
    /// is called; output is always whole records, so the connection is at a record boundary then.
    /// Success means the request was taken, not that the ticket was sent.
    /// Throws ``TLSError/Code/invalidState`` before the handshake has completed.
    public func requestSessionTicket() throws {
        try core.throwIfFailed()
        guard machine.isConnected else { throw TLSError(.invalidState("requestSessionTicket needs a completed handshake")) }
        tickets.request()
    }

    /// Asks the client for a certificate now that the handshake is done
    /// (`SSL_verify_client_post_handshake`, RFC 8446 §4.6.2). The CertificateRequest is in
    /// ``TLSConnection/takeOutput()`` at once. When the client's answer verifies, the connection
    /// raises ``TLSEvent/clientAuthenticated(_:)`` and issues ``ticketCount`` new tickets bound to
    /// that identity.
    ///
    /// - Parameters:
    /// The ``ServerConfiguration/clientCertificateVerifier``, if there is one, is asked about the
    /// chain before the client's Finished (``TLSConnection/pendingPeerVerification``); when it
    /// replaces chain verification, no roots are needed and any given are not used.
    ///
    /// - Parameters:
    ///   - trustRoots: roots the client's chain must lead to; by default those of
    ///     ``ServerConfiguration/clientAuthentication``.
    ///   - required: whether a client that declines fails with `certificate_required`.
    /// - Throws: ``TLSError/Code/invalidState`` before the handshake completes, if the client did not
    ///   offer `post_handshake_auth`, or while a request is pending; ``TLSError/Code/invalidConfiguration``
    ///   when the chain is to be verified against roots and there are none.
    public func requestClientCertificate(trustRoots: TrustRoots? = nil, required: Bool = false) throws {
        var roots: TrustRoots?
        if sharedConfiguration.value.verifiesClientChainAgainstRoots {
            guard let given = trustRoots ?? sharedConfiguration.value.clientAuthentication.trustRoots else {
                throw TLSError.configuration("post-handshake authentication needs trust roots for client certificates")
            }
            guard !given.certificates.isEmpty else {
                throw TLSError.configuration("post-handshake authentication needs trust roots, and the roots given are empty")
            }
            roots = given
        }
        try core.step(role: self) { output in
            try machine.withConnected("requestClientCertificate") {
                try $0.requestClientCertificate(trustRoots: roots, required: required, output: &output)
            }
        }
    }

    /// Mints the tickets asked for since the last write, if any.
    private func sendRequestedTickets() throws {
        guard tickets.hasRequests else { return }
        let count = tickets.takeRequests()
        try core.step(role: self) { output in
            try machine.withConnected("sending tickets") { $0.issueTickets(count, output: &output) }
        }
    }
}

extension ServerConnection: ConnectionRole {
    func handle(_ message: HandshakeMessage, raw: [UInt8], output: inout HandshakeOutput) throws {
        if case .clientHello = message { hasReceivedClientHello = true }
        try machine.step(message, raw: raw, tickets: tickets, output: &output)
    }

    var traffic: ApplicationTraffic? { machine.traffic }

    func resolveEarlyDataReplayCheck(_ verdict: EarlyDataReplayVerdict, output: inout HandshakeOutput) throws {
        try machine.resolveEarlyDataReplayCheck(verdict, output: &output)
    }

    func resolvePeerVerification(_ verdict: PeerVerificationVerdict, output: inout HandshakeOutput) throws {
        try machine.resolvePeerVerification(verdict)
    }

    func updateKeys(requestPeerUpdate: Bool, output: inout HandshakeOutput) throws {
        try machine.withConnected("updating keys") { $0.traffic.updateWriteKeys(requestPeerUpdate: requestPeerUpdate, output: &output) }
    }

    /// RFC 8446 §5: a change_cipher_spec record before the first ClientHello is unexpected.
    var refusesChangeCipherSpec: Bool { !hasReceivedClientHello }

    func observe(_ event: TLSEvent) {
        if case .sessionTicketIssued(let ticket) = event { sharedConfiguration.value.newSessionHandler?(ticket) }
    }

    func handshakeFailed() { sharedConfiguration.value.statistics.recordHandshakeFailure() }
}
