import TLSKit

/// Events a ``TLSHandler`` fires down the pipeline with `fireUserInboundEventTriggered`,
/// in the spirit of NIOSSL's `TLSUserEvent`.
public enum TLSUserEvent: Sendable, Equatable {
    /// The handshake finished; the parameters it agreed on. Plaintext can flow both ways.
    case handshakeCompleted(NegotiatedParameters)
    /// Both sides have sent close_notify: the TLS session ended cleanly.
    case shutdownCompleted
    /// Another event from the connection: tickets issued or received, post-handshake client
    /// authentication, peer key updates.
    case connectionEvent(TLSEvent)
}
