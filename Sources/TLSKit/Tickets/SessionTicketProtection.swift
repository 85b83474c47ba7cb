/// How the server protects the tickets it issues.
public enum SessionTicketProtection: Sendable {
    /// Stateless: the session state is sealed into the ticket under the key ring (the default).
    /// Nothing is kept on the server, and any server holding the keys can resume the session.
    case stateless(SessionTicketKeyRing)
    /// Stateful: the ticket is a random 32-byte id into `store`; `singleUse` removes a
    /// session when it is resumed, so each ticket resumes at most once.
    case stateful(ServerSessionStore, singleUse: Bool)
}
