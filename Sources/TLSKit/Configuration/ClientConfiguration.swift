/// How a client checks the server's certificate.
public enum CertificateVerification: Sendable, Hashable {
    /// Verify the chain against the trust roots and the host name against the certificate (the default).
    case fullVerification
    /// Verify the chain but not the name. For servers reached by an address their certificate does not list.
    case noHostnameVerification
    /// Accept any certificate. The connection is then open to impersonation: for tests and debugging only.
    case insecureNoVerification
}

/// Everything a client connection needs to know: the equivalent of OpenSSL's `SSL_CTX` for a client.
///
/// The defaults are safe: full verification against the system's roots, all three suites,
/// key shares for the post-quantum hybrid X25519MLKEM768 and for X25519, with P-256 and P-384
/// available through HelloRetryRequest.
public struct ClientConfiguration: Sendable {
    /// Roots the server's chain must lead to.
    public var trustRoots: TrustRoots = .system
    /// How strictly the server's certificate is checked.
    public var certificateVerification: CertificateVerification = .fullVerification
    /// Application code asked about the server's chain before the handshake completes (a
    /// revocation check, pinning); it may be `async`. nil: TLSKit's verification alone decides.
    public var certificateVerifier: (any PeerCertificateVerifier)?
    /// Whether ``certificateVerifier`` runs after chain verification (the default) or replaces
    /// it, ``certificateVerification`` and the host name check included.
    public var certificateVerifierMode: PeerVerificationMode = .afterChainVerification
    /// Cipher suites offered, in preference order.
    public var cipherSuites: [CipherSuite] = CipherSuite.supported
    /// Groups offered in `supported_groups`, in preference order (``NamedGroup/clientDefaults``).
    public var groups: [NamedGroup] = NamedGroup.clientDefaults
    /// Groups for which the first ClientHello carries a key share (the rest cost a HelloRetryRequest).
    ///
    /// By default X25519MLKEM768 and X25519, as BoringSSL, OpenSSL 3.5, rustls and Go send: a
    /// server that knows the hybrid uses it, and one that does not still finds X25519 without a
    /// HelloRetryRequest. The hybrid share costs 1,216 bytes in the ClientHello. A configuration
    /// that narrows ``groups`` narrows this too: only the groups also in ``groups`` get a share,
    /// and when none is left the first of ``groups`` gets one (with the first classical group's,
    /// if that first group is a hybrid).
    public var keyShareGroups: [NamedGroup] = [.X25519MLKEM768, .x25519]
    /// Signature schemes accepted from the server, in preference order.
    public var signatureSchemes: [SignatureScheme] = SignatureScheme.supported
    /// ALPN protocol names offered, in preference order. Empty: no ALPN.
    public var applicationProtocols: [String] = []
    /// The client's certificate chain and key, sent when the server asks.
    public var certificate: CertifiedKey?
    /// Where tickets received from servers are kept and taken from for resumption (in memory by
    /// default, keyed by server name, each ticket used once). Copies of a configuration share the
    /// store. nil: no automatic resumption (sessions can still be passed to a connection).
    public var sessionStore: ClientSessionStore? = InMemoryClientSessionStore()
    /// Key exchange modes offered for resumption (`psk_key_exchange_modes`), in preference order.
    public var resumptionModes: [ResumptionMode] = [.pskWithKeyExchange]
    /// Whether to offer post-handshake client authentication (`post_handshake_auth`), so a server
    /// may ask for ``certificate`` after the handshake.
    public var offersPostHandshakeAuthentication = false
    /// Called as each ticket arrives (`SSL_CTX_sess_set_new_cb` on a client), on the thread
    /// driving the connection, after the session is stored. The same session arrives as
    /// ``TLSEvent/sessionTicketReceived(_:)``.
    public var newSessionHandler: (@Sendable (ClientSession) -> Void)?
    /// Bounds on what a server can make a connection hold or do.
    public var limits = ConnectionLimits()
    /// Where record protection comes from (``CryptoProvider/default``).
    public var cryptoProvider = CryptoProvider.default
    /// Receives secrets in the NSS key log format. Debugging only.
    public var keyLog: KeyLogCallback?
    /// Source of protocol random values.
    public var random: RandomSource = .system
    /// Source of the current time (certificate validity).
    public var time: TimeSource = .system

    public init() {}

    /// Throws ``TLSError`` for a configuration no connection can use, or one that would accept
    /// what it should refuse. Every connection made with it calls this; call it at start-up to
    /// fail there instead.
    public func validate() throws {
        guard cipherSuites.contains(where: \.isSupported) else { throw TLSError.configuration("no supported cipher suite configured") }
        guard groups.contains(where: NamedGroup.supported.contains) else { throw TLSError.configuration("no supported group configured") }
        for group in keyShareGroups where !NamedGroup.supported.contains(group) {
            throw TLSError.configuration("key share group \(group) is not one TLSKit implements")
        }
        // RFC 8446 §4.2.8: "Clients MUST NOT offer multiple KeyShareEntry values for the same
        // group." Every group is one of the few supported ones by now, so a longer list repeats
        // one, and a shorter one is checked pair by pair without building a set per connection.
        let repeatsGroup =
            keyShareGroups.count > NamedGroup.supported.count
            || keyShareGroups.indices.contains { keyShareGroups[..<$0].contains(keyShareGroups[$0]) }
        guard !repeatsGroup else { throw TLSError.configuration("a key share group is listed twice") }
        // Verification against no roots can only fail: say so when the configuration is used,
        // not as a certificate error on every connection (a machine without a CA bundle). Only a
        // verifier that replaces chain verification makes the roots unnecessary.
        if verifiesChainAgainstRoots && certificateVerification != .insecureNoVerification && trustRoots.certificates.isEmpty {
            throw TLSError.configuration("certificate verification is on and the trust roots are empty")
        }
    }

    /// False only when a ``certificateVerifier`` replaces chain verification.
    var verifiesChainAgainstRoots: Bool {
        certificateVerifier == nil || certificateVerifierMode == .afterChainVerification
    }

    /// The groups the first ClientHello carries shares for: ``keyShareGroups`` narrowed to the
    /// offered ``groups``, or, when that leaves none, the first offered group (and the first
    /// classical one after a hybrid, so that a server without the hybrid needs no retry).
    var effectiveKeyShareGroups: [NamedGroup] {
        let offered = groups.filter(NamedGroup.supported.contains)
        let narrowed = keyShareGroups.filter(offered.contains)
        guard narrowed.isEmpty, let first = offered.first else { return narrowed }
        guard first.isHybrid, let classical = offered.first(where: { !$0.isHybrid }) else { return [first] }
        return [first, classical]
    }
}
