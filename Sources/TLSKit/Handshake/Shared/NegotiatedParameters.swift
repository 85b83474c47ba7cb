import X509

/// What a completed handshake agreed on.
public struct NegotiatedParameters: Sendable, Hashable {
    /// The cipher suite protecting the connection.
    public var cipherSuite: CipherSuite
    /// The key exchange group, or nil when a PSK was used without (EC)DHE.
    public var group: NamedGroup?
    /// The signature scheme the server authenticated with (nil on a resumption).
    public var serverSignatureScheme: SignatureScheme?
    /// The ALPN protocol both sides chose, if any.
    public var applicationProtocol: String?
    /// The server name the client asked for (SNI), if any.
    public var serverName: String?
    /// The peer's certificate chain, leaf first (empty when the peer sent none).
    public var peerCertificates: [Certificate]
    /// Whether the handshake resumed an earlier session with a PSK (`SSL_session_reused`).
    public var isResumed: Bool
    /// Whether a HelloRetryRequest was needed.
    public var usedHelloRetryRequest: Bool
}
