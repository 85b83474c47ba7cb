/// Why a ticket offered by a client was not used. Counted in statistics.
///
/// A rejected ticket is never a connection error: the server falls back to a full
/// handshake. It conforms to `Error` only so it can be the failure of a `Result`.
///
/// A ticket age outside ``ServerConfiguration/ticketAgeTolerance`` is not among the reasons: RFC
/// 8446 §4.2.11 has the server go on with the resumption and reject only 0-RTT, so that is
/// counted as the early data rejection ``EarlyDataRejection/tooOld``, when early data was offered.
public enum TicketRejection: String, Error, Sendable, Hashable, CaseIterable {
    /// The ticket is too short, failed authentication, or its contents do not decode.
    case malformed
    /// No ticket key (stateless) or stored session (stateful) matches the ticket.
    case unknownKey
    /// The session inside the ticket outlived its lifetime.
    case expired
    /// The PSK binder in the ClientHello does not verify (RFC 8446 §4.2.11.2).
    case badBinder
    /// The session's cipher suite hash does not match the negotiated suite.
    case suiteMismatch
    /// The ticket was issued for another server name (SNI) than the one now requested.
    case serverNameMismatch
    /// The session does not meet the server's current client-authentication policy: it has no
    /// client certificate where one is now required, or its client chain no longer verifies
    /// against the server's current trust roots (RFC 8446 §4.2.11 lets the server refuse any
    /// PSK; OpenSSL's session ID context and Go's `checkForResumption` refuse these too).
    case clientAuthenticationMismatch
}
