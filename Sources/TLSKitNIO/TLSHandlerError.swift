/// Errors a ``TLSHandler`` raises itself, besides the `TLSError`s of its connection.
///
/// A struct with static values rather than a public enum, so new cases can be added
/// without breaking callers.
public struct TLSHandlerError: Error, Hashable, Sendable, CustomStringConvertible {
    private let name: String
    private let text: String

    private init(name: String, text: String) {
        self.name = name
        self.text = text
    }

    /// The transport closed before the peer sent close_notify.
    ///
    /// RFC 8446 §6.1 has each party send close_notify before closing its write side, so
    /// that an attacker cannot truncate the data by closing the transport. Data received
    /// before this error is authentic, but there may have been more. Protocols that mark
    /// their own ends (HTTP with a length, for instance) may ignore it, like NIOSSL's
    /// `uncleanShutdown`.
    public static let uncleanShutdown = TLSHandlerError(
        name: "uncleanShutdown", text: "the transport closed without close_notify from the peer")

    /// A server-only ``TLSCommand`` (tickets, client certificate requests) was sent to a client handler.
    public static let serverOnlyCommand = TLSHandlerError(
        name: "serverOnlyCommand", text: "the command applies to server connections only")

    /// A one-line explanation.
    public var description: String { "\(name): \(text)" }
}
