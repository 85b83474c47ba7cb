/// How a server chooses the key exchange group from a ClientHello (RFC 8446 §4.2.8).
///
/// A client sends key shares for some of the groups it supports; a group it supports without a
/// share costs a HelloRetryRequest, a round trip and a second ClientHello. RFC 8446 §4.2.8 leaves
/// the trade-off to the server.
public enum KeyShareSelection: Sendable, Hashable {
    /// Use the client's share for the server's most preferred group it sent a share for, and ask
    /// for another (HelloRetryRequest) only when it sent none the server accepts. The default:
    /// with the hybrids first in ``ServerConfiguration/groups``, a client that sent an
    /// X25519MLKEM768 share gets the hybrid, and a client that sent only an X25519 share gets
    /// X25519 at once, as BoringSSL, rustls and Go servers do. A server never costs a client a
    /// round trip just to reach a group it prefers.
    case preferOfferedShares
    /// Use the server's most preferred group that the client supports, asking for its share with
    /// a HelloRetryRequest when the client did not send one. For operators who require a group
    /// (say, a post-quantum hybrid) from every client that can do it, at the cost of a round trip
    /// for clients that guessed otherwise.
    case requireMostPreferredGroup
}
