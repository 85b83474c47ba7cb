/// What became of early data (0-RTT) on a connection, like OpenSSL's `SSL_get_early_data_status`.
public enum EarlyDataStatus: Sendable, Hashable {
    /// No early data was offered (on a client: none was given, the session did not allow it,
    /// or the server has not answered yet).
    case notSent
    /// The server accepted the early data.
    case accepted
    /// The server declined the early data and skipped it; the handshake went on without it.
    case rejected
}
