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
    /// The early data (0-RTT) the client sent is accepted. On a server, read it with
    /// ``ServerConnection/readEarlyData()`` as it arrives, before the handshake completes: it
    /// has no forward secrecy and may be a replay that the guard could not recognize (RFC 8446
    /// §8); act on it only if that is safe. On a client, the server accepted the early data.
    case earlyDataAccepted
    /// The early data the client sent is not accepted: the server skipped it (RFC 8446 §4.2.10).
    /// On a server, with the reason (also counted in ``ServerConfiguration/statistics``); on a
    /// client, which is not told why, nil. The handshake goes on; a client's application
    /// decides whether to send the data again.
    case earlyDataRejected(EarlyDataRejection?)
}
