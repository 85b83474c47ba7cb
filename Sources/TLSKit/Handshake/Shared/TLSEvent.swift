import X509

/// Something that happened on a connection, for the application to act on.
/// Taken one at a time with `nextEvent()`.
public enum TLSEvent: Sendable, Hashable {
    /// The handshake finished; application data can flow both ways.
    case handshakeCompleted(NegotiatedParameters)
    /// The peer sent close_notify: no more data will arrive.
    case closeNotifyReceived
    /// The peer sent a fatal alert; the connection is closed.
    case alertReceived(AlertDescription)
    /// The peer updated its sending keys (KeyUpdate).
    case peerKeysUpdated
    /// Client: a NewSessionTicket arrived and became a resumable session (already in the
    /// configuration's session store, if it has one).
    case sessionTicketReceived(ClientSession)
    /// Server: a ticket was issued and queued for sending.
    case sessionTicketIssued(IssuedSessionTicket)
    /// Server: a ticket the client offered was not used, and why (the handshake goes on, as a
    /// full one unless another offered ticket is used). Also counted in
    /// ``ServerConfiguration/statistics``.
    case sessionTicketRejected(TicketRejection)
    /// Server: the client answered a post-handshake CertificateRequest; its chain verified
    /// (empty when it declined and a certificate was optional).
    case clientAuthenticated([Certificate])
}
