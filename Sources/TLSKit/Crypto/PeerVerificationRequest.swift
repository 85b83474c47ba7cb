import X509

/// What a ``PeerCertificateVerifier`` is asked about: the peer's chain and the context it was
/// presented in.
///
/// When a request is made, the peer has proved it holds the leaf's private key (its
/// CertificateVerify signature over the handshake verified) but its Finished has not been
/// processed.
public struct PeerVerificationRequest: Sendable, Hashable {
    /// Which end of the connection the peer is.
    public enum Role: Sendable, Hashable {
        /// The peer is a server: a client is verifying the server's certificate.
        case server
        /// The peer is a client: a server is verifying a client certificate.
        case client
    }

    /// The peer's certificates as it sent them, leaf first.
    public let peerCertificates: [Certificate]
    /// Which end the peer is.
    public let peerRole: Role
    /// On a client, the name it connects to (the one the certificate is checked against); on a
    /// server, the name the client asked for in SNI. nil when there is none.
    public let serverName: String?
    /// Whether TLSKit verified the chain against the trust roots before asking
    /// (``PeerVerificationMode/afterChainVerification`` and a verifying configuration). When
    /// false, nothing but the possession of the leaf's key has been checked.
    public let isChainVerified: Bool
    /// Whether the chain answers a server's post-handshake CertificateRequest
    /// (``ServerConnection/requestClientCertificate(trustRoots:required:)``) rather than one
    /// sent during the handshake.
    public let isPostHandshake: Bool

    /// A request as a connection makes it; public so that verifiers can be tested alone.
    public init(
        peerCertificates: [Certificate], peerRole: Role, serverName: String?, isChainVerified: Bool, isPostHandshake: Bool = false
    ) {
        self.peerCertificates = peerCertificates
        self.peerRole = peerRole
        self.serverName = serverName
        self.isChainVerified = isChainVerified
        self.isPostHandshake = isPostHandshake
    }
}
