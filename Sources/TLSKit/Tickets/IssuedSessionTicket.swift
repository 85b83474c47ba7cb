import X509

/// What a server tells the application about a ticket it issued: the server side of
/// `SSL_CTX_sess_set_new_cb`. The PSK itself is not exposed.
public struct IssuedSessionTicket: Sendable, Hashable {
    /// The ticket bytes as sent in NewSessionTicket.
    public var ticket: [UInt8]
    /// Seconds the ticket can be used for.
    public var lifetime: UInt32
    /// The cipher suite a resumption must use a hash of.
    public var cipherSuite: CipherSuite
    /// The server name (SNI) of the connection, if any.
    public var serverName: String?
    /// The ALPN protocol of the connection, if any.
    public var applicationProtocol: String?
    /// The client identity bound to the ticket, leaf first (empty without client authentication).
    public var clientCertificates: [Certificate]
    /// The early data the ticket lets the client send (its `max_early_data_size`); 0 when none.
    public var maximumEarlyDataSize: UInt32 = 0
}
