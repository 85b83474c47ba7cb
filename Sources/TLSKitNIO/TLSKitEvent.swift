import NIOCore
import TLSKit

/// TLSKit's own events, fired by a ``TLSHandler`` with `fireUserInboundEventTriggered`
/// beside NIO's `TLSUserEvent`.
///
/// NIO's event (module `NIOTLS`) carries what every NIO TLS handler reports, the negotiated
/// application protocol and the end of the session, and is what NIO's ALPN and HTTP/2 helpers
/// wait for. This one carries what only TLSKit knows: the full negotiated parameters
/// (resumption among them) and the tickets, client authentication and key updates that follow
/// the handshake. Its name clashes with nothing in NIO, so both can be matched in one handler.
public enum TLSKitEvent: Sendable, Equatable {
    /// The handshake finished; the parameters it agreed on. Plaintext can flow both ways.
    /// Fired right after NIO's `TLSUserEvent.handshakeCompleted(negotiatedProtocol:)`.
    case handshakeCompleted(NegotiatedParameters)
    /// Another event from the connection: tickets issued or received, post-handshake client
    /// authentication, peer key updates.
    case connectionEvent(TLSEvent)
    /// Server: early data (0-RTT) the connection accepted, delivered here rather than as a
    /// channel read so that the application knows it is early: it came before the handshake
    /// completed, has no forward secrecy and may be a replay the guard could not recognize
    /// (RFC 8446 §8). Fired after ``connectionEvent(_:)`` with `TLSEvent.earlyDataAccepted`,
    /// and before any ordinary data.
    case earlyDataReceived(ByteBuffer)
}
