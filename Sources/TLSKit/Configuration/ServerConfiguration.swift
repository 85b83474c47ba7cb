/// How a server treats client certificates during the handshake.
public enum ClientAuthentication: Sendable {
    /// Never ask for a client certificate.
    case none
    /// Ask for one; a client without one may still connect. A certificate that is sent must verify against the roots.
    case optional(trustRoots: TrustRoots)
    /// Ask for one and refuse clients without a valid one (`certificate_required`).
    case required(trustRoots: TrustRoots)

    var trustRoots: TrustRoots? {
        switch self {
        case .none: return nil
        case .optional(let roots), .required(let roots): return roots
        }
    }
}

/// Everything a server connection needs to know, shared by all its connections:
/// the equivalent of OpenSSL's `SSL_CTX` for a server.
///
/// The defaults are safe: all three TLS 1.3 suites, the post-quantum hybrids first among the
/// groups, no client authentication.
public struct ServerConfiguration: Sendable {
    /// Certificate chains with their keys. The first is the default; with SNI the server
    /// picks the first whose names match the requested server name.
    public var certificates: [CertifiedKey]
    /// Chooses the certificate for each handshake in place of ``certificates`` when set, so
    /// certificates can change while the server runs (``ReloadableCertificates``).
    public var certificateResolver: (any CertificateResolver)?
    /// Cipher suites in the server's preference order (the server's order wins).
    public var cipherSuites: [CipherSuite] = CipherSuite.supported
    /// Key exchange groups in preference order (``NamedGroup/supported``: the hybrids, then
    /// X25519, P-256 and P-384). A client whose key shares are all for groups not listed gets a
    /// HelloRetryRequest for the most preferred group it supports.
    public var groups: [NamedGroup] = NamedGroup.supported
    /// Whether the client's key shares or the order of ``groups`` decides the group when they
    /// differ (default ``KeyShareSelection/preferOfferedShares``: no HelloRetryRequest while the
    /// client sent a share the server accepts).
    public var keyShareSelection = KeyShareSelection.preferOfferedShares
    /// Signature schemes the server signs with and accepts from clients, in preference order.
    public var signatureSchemes: [SignatureScheme] = SignatureScheme.supported
    /// ALPN protocol names in preference order. Empty: ALPN is ignored.
    public var applicationProtocols: [String] = []
    /// Whether and how to ask clients for certificates.
    public var clientAuthentication: ClientAuthentication = .none
    /// Application code asked about each client certificate chain, during the handshake and
    /// after it (a revocation check, a lookup of enrolled clients); it may be `async`. nil:
    /// TLSKit's verification against the roots alone decides.
    public var clientCertificateVerifier: (any PeerCertificateVerifier)?
    /// Whether ``clientCertificateVerifier`` runs after chain verification against the roots of
    /// ``clientAuthentication`` (the default) or replaces it, in which case those roots may be empty.
    public var clientCertificateVerifierMode: PeerVerificationMode = .afterChainVerification
    /// Whether a HelloRetryRequest carries a cookie that the client must echo (RFC 8446 §4.2.2).
    public var sendsHelloRetryCookie = true
    /// Bounds on what a client can make a connection hold or do.
    public var limits = ConnectionLimits()
    /// Where record protection comes from (``CryptoProvider/default``).
    public var cryptoProvider = CryptoProvider.default

    // MARK: Session tickets

    /// How many NewSessionTicket messages a connection sends after a full handshake, and again
    /// after post-handshake client authentication (`SSL_CTX_set_num_tickets`; default 2).
    /// After a resumption at most one is sent, whatever the count; 0 sends none. Each connection
    /// starts from this value and can change it (``ServerConnection/setTicketCount(_:)``).
    /// Values above ``maximumTicketCount`` are refused when a connection is made.
    public var ticketCount = 2
    /// The largest ticket count accepted: each ticket costs a message and a seal, so an
    /// unbounded count would let one setting flood a connection.
    public static let maximumTicketCount = TicketSchedule.maximumCount
    /// Seconds a ticket may be used for resumption, at most 7 days (RFC 8446 §4.6.1). Default 2 hours.
    public var ticketLifetime: UInt32 = 7_200
    /// How tickets are protected: stateless (sealed under a rotating key ring, the default) or
    /// stateful (an identifier into a server-side store).
    public var ticketProtection: SessionTicketProtection
    /// Key exchange modes accepted for resumption, in the server's preference order. The default,
    /// PSK with (EC)DHE, keeps forward secrecy; `.pskOnly` saves the key exchange but not
    /// forward secrecy. Empty: no resumption and no tickets.
    public var resumptionModes: [ResumptionMode] = [.pskWithKeyExchange]
    /// PSK identities examined per ClientHello; the rest are ignored (bounded work per hello).
    public var maximumPSKIdentities = 4
    /// How far, in seconds, the client's view of a ticket's age (from the obfuscated age) may be
    /// from the server's view for early data (0-RTT) to be accepted: the freshness window of
    /// RFC 8446 §8.3. Covers round trips and clock granularity. An age outside it never refuses
    /// the resumption itself (RFC 8446 §4.2.11: the server "SHOULD proceed with the handshake
    /// but reject 0-RTT"); the early data is rejected as ``EarlyDataRejection/tooOld``.
    public var ticketAgeTolerance: Double = 10
    /// The most early data (0-RTT), in bytes, that the server accepts from a client resuming one of
    /// its tickets: the `max_early_data_size` of the `early_data` extension in each NewSessionTicket
    /// (RFC 8446 §4.6.1), like OpenSSL's `SSL_CTX_set_max_early_data`. 0, the default, sends no
    /// `early_data` extension and accepts no early data.
    ///
    /// The value is also sealed into the ticket's session state, with the cipher suite, the
    /// application protocol and the server name 0-RTT must later match (RFC 8446 §4.2.10). Early
    /// data is accepted only under the conditions listed in ``EarlyDataRejection``, the replay
    /// guard (``earlyDataReplayGuard``) last; declined early data is skipped (RFC 8446 §4.2.10),
    /// which is why this may not exceed ``ConnectionLimits/maximumSkippedEarlyData``: a client
    /// sending all the early data a ticket allowed must not have its connection aborted. Early
    /// data has no forward secrecy and can be replayed (RFC 8446 §8); see ``EarlyDataReplayGuard``.
    public var maximumEarlyDataSize: UInt32 = 0
    /// Decides, for each 0-RTT attempt that meets every other condition, whether it may be
    /// accepted without accepting a replay (RFC 8446 §8). Asked once per attempt, after the
    /// binder has verified; it may be `async` (a store shared by a fleet).
    ///
    /// nil, the default: when ``maximumEarlyDataSize`` is above 0, an in-memory guard made by
    /// the first connection and shared by every connection of this configuration and its
    /// copies, the one that fits ``ticketProtection``: a ``SingleUseTicketRegister`` for stateful
    /// tickets, a ``ClientHelloRecorder`` (window: ``ticketAgeTolerance``, at least a second) for
    /// stateless ones. Both fail closed across a restart: the register refuses tickets issued
    /// before it started, the recorder refuses all 0-RTT during its first window, so a restart
    /// never reopens a replay window. A fleet of servers sharing ticket keys needs a guard over
    /// a shared store instead: an in-memory one protects one process only.
    public var earlyDataReplayGuard: (any EarlyDataReplayGuard)?
    /// The in-memory guards used when ``earlyDataReplayGuard`` is nil; shared by copies.
    let defaultEarlyDataReplayGuards = DefaultEarlyDataReplayGuards()
    /// Counters shared by every connection made from this configuration (`SSL_CTX_sess_number`
    /// and friends). Copies of a configuration share one instance.
    public var statistics = ServerStatistics()
    /// Called as each ticket is issued (`SSL_CTX_sess_set_new_cb` on a server), on the thread
    /// driving the connection. The same information arrives as ``TLSEvent/sessionTicketIssued(_:)``.
    public var newSessionHandler: (@Sendable (IssuedSessionTicket) -> Void)?
    /// Receives secrets in the NSS key log format. Debugging only.
    public var keyLog: KeyLogCallback?
    /// Source of protocol random values.
    public var random: RandomSource = .system
    /// Source of the current time (certificate validity).
    public var time: TimeSource = .system

    /// A configuration serving one certificate chain.
    public init(certificate: CertifiedKey) {
        self.certificates = [certificate]
        self.ticketProtection = .stateless(SessionTicketKeyRing.makeDefault())
    }

    /// A configuration whose certificates come from `resolver`, asked at every full handshake.
    public init(certificateResolver resolver: any CertificateResolver) {
        self.certificates = []
        self.certificateResolver = resolver
        self.ticketProtection = .stateless(SessionTicketKeyRing.makeDefault())
    }

    /// A configuration serving several chains, picked by SNI; the first is the default.
    public init(certificates: [CertifiedKey]) throws {
        guard !certificates.isEmpty else { throw TLSError.configuration("a server needs at least one certificate") }
        self.certificates = certificates
        self.ticketProtection = .stateless(SessionTicketKeyRing.makeDefault())
    }

    func certificate(forServerName name: String?) -> CertifiedKey {
        if let certificateResolver { return certificateResolver.certifiedKey(forServerName: name) }
        if certificates.count == 1 { return certificates[0] }
        if let name, let match = certificates.first(where: { $0.matches(serverName: name) }) { return match }
        return certificates[0]
    }

    /// Throws ``TLSError`` for a configuration no connection can use, or one that would accept
    /// what it should refuse. Every connection made with it calls this; call it at start-up to
    /// fail there instead.
    public func validate() throws {
        guard !certificates.isEmpty || certificateResolver != nil else {
            throw TLSError.configuration("a server needs at least one certificate")
        }
        guard cipherSuites.contains(where: \.isSupported) else { throw TLSError.configuration("no supported cipher suite configured") }
        guard groups.contains(where: NamedGroup.supported.contains) else { throw TLSError.configuration("no supported group configured") }
        try TicketSchedule.validate(count: ticketCount)
        guard ticketLifetime <= 604_800 else { throw TLSError.configuration("ticket lifetime \(ticketLifetime) s exceeds 7 days (RFC 8446 §4.6.1)") }
        guard maximumPSKIdentities >= 1 else { throw TLSError.configuration("maximumPSKIdentities must be at least 1") }
        guard ticketAgeTolerance >= 0 else { throw TLSError.configuration("ticketAgeTolerance must be zero or more seconds") }
        // RFC 8446 §4.2.10: a server that declines early data skips it "up to the configured
        // max_early_data_size"; skipping less would abort clients that keep to the ticket's limit.
        guard Int(maximumEarlyDataSize) <= limits.maximumSkippedEarlyData else {
            throw TLSError.configuration(
                "maximumEarlyDataSize \(maximumEarlyDataSize) exceeds limits.maximumSkippedEarlyData \(limits.maximumSkippedEarlyData)")
        }
        // A server that asks for client certificates against no roots could accept none: a
        // mistake (an empty or missing bundle) better refused now than found in production.
        // Only a verifier that replaces chain verification makes the roots unnecessary; without
        // one, nothing would decide, and nothing is ever accepted by default.
        if let roots = clientAuthentication.trustRoots, roots.certificates.isEmpty, verifiesClientChainAgainstRoots {
            throw TLSError.configuration("client authentication needs trust roots, and the configured roots are empty")
        }
    }

    /// The guard a connection asks about 0-RTT attempts; nil when early data is never accepted.
    func effectiveEarlyDataReplayGuard() -> (any EarlyDataReplayGuard)? {
        if let earlyDataReplayGuard { return earlyDataReplayGuard }
        guard maximumEarlyDataSize > 0 else { return nil }
        return defaultEarlyDataReplayGuards.replayGuard(for: ticketProtection, tolerance: ticketAgeTolerance, time: time)
    }

    /// False only when a ``clientCertificateVerifier`` replaces chain verification.
    var verifiesClientChainAgainstRoots: Bool {
        clientCertificateVerifier == nil || clientCertificateVerifierMode == .afterChainVerification
    }
}
