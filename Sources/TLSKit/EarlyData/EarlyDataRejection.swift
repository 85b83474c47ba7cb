/// Why a server did not accept the early data (0-RTT) a client offered. Counted in
/// ``ServerStatistics/Snapshot/earlyDataRejected``.
///
/// A rejection is never a connection error: RFC 8446 §4.2.10 has the server skip the early
/// data and complete the handshake in 1-RTT (or 2-RTT after a HelloRetryRequest); the client
/// may send the data again once the handshake is done.
///
/// The reasons name the checks RFC 8446 §4.2.10 and §8 ask for before early data can be
/// accepted, in the order the server makes them (see ``ServerConfiguration/maximumEarlyDataSize``).
public enum EarlyDataRejection: String, Error, Sendable, Hashable, CaseIterable {
    /// The server does not accept early data: ``ServerConfiguration/maximumEarlyDataSize`` is 0,
    /// the ticket did not allow it, or the first PSK identity was not resumed (RFC 8446 §4.2.10:
    /// early data needs "the first identity" the client offered).
    case notAllowed
    /// The ticket age the client reports is outside the freshness window (RFC 8446 §8.3): the
    /// ClientHello may be an old one replayed.
    case tooOld
    /// The negotiated application protocol (ALPN) is not the one of the original connection
    /// (RFC 8446 §4.2.10).
    case applicationProtocolMismatch
    /// The requested server name (SNI) is not the one of the original connection.
    case serverNameMismatch
    /// The negotiated cipher suite is not the one of the original connection (RFC 8446 §4.2.10).
    case suiteMismatch
    /// The anti-replay guard (``EarlyDataReplayGuard``) refused the attempt: a replay, or one it
    /// cannot rule out (RFC 8446 §8).
    case replay
    /// The ticket allows more early data than the server accepts now (its
    /// ``ServerConfiguration/maximumEarlyDataSize`` was lowered after the ticket was issued).
    case tooLarge
    /// The server answered with a HelloRetryRequest, after which early data is never accepted
    /// (RFC 8446 §4.1.2).
    case afterHelloRetryRequest
    /// The session does not meet the server's current client-authentication policy, so it is
    /// not resumed, and its early data not accepted (the first identity was refused as
    /// ``TicketRejection/clientAuthenticationMismatch``).
    case clientAuthenticationPolicy
}
