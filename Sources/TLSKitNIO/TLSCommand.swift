import TLSKit

/// Requests an application sends to a ``TLSHandler`` with `triggerUserOutboundEvent`; each runs
/// on the channel's event loop and its records leave at once.
public enum TLSCommand: Sendable {
    /// Server: queue one more session ticket and send it now (`SSL_new_session_ticket` then
    /// `SSL_do_handshake`).
    case requestSessionTicket
    /// Server: ask the client for a certificate after the handshake (`SSL_verify_client_post_handshake`).
    /// nil roots: those of the server configuration's client authentication.
    case requestClientCertificate(trustRoots: TrustRoots?, required: Bool)
    /// Either side: send a KeyUpdate, optionally asking the peer to update too.
    case updateKeys(requestPeerUpdate: Bool)
}

