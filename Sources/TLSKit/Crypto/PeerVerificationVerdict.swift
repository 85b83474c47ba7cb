/// A ``PeerCertificateVerifier``'s answer.
public enum PeerVerificationVerdict: Sendable, Hashable {
    /// The peer is trusted: the handshake goes on as if there were no verifier.
    case accept
    /// The peer is not trusted: the connection fails with a ``TLSError`` of code
    /// ``TLSError/Code/certificateVerificationFailed`` whose description carries `reason`, and
    /// `alert` is sent to the peer. The reason stays local; only the alert crosses the wire.
    case reject(reason: String, alert: RejectionAlert = .badCertificate)

    /// The fatal alerts a verifier may send when it rejects a chain (RFC 8446 §6.2): a closed
    /// set, so that a rejection can never go out as a warning such as `close_notify`.
    public struct RejectionAlert: Sendable, Hashable, CustomStringConvertible {
        /// The alert that is sent.
        public let alertDescription: AlertDescription

        private init(_ alert: AlertDescription) { self.alertDescription = alert }

        /// `bad_certificate`: the certificate is corrupt or not acceptable (the default).
        public static let badCertificate = RejectionAlert(.badCertificate)
        /// `unsupported_certificate`: a certificate of a kind the verifier does not take.
        public static let unsupportedCertificate = RejectionAlert(.unsupportedCertificate)
        /// `certificate_revoked`: the certificate was revoked by its issuer.
        public static let certificateRevoked = RejectionAlert(.certificateRevoked)
        /// `certificate_expired`: the certificate has expired or is not yet valid.
        public static let certificateExpired = RejectionAlert(.certificateExpired)
        /// `certificate_unknown`: some other problem made the certificate unacceptable.
        public static let certificateUnknown = RejectionAlert(.certificateUnknown)
        /// `unknown_ca`: the chain does not lead to an issuer the verifier trusts.
        public static let unknownCA = RejectionAlert(.unknownCA)
        /// `access_denied`: the identity is valid, but it may not connect.
        public static let accessDenied = RejectionAlert(.accessDenied)

        /// The RFC 8446 name of the alert, such as `certificate_revoked`.
        public var description: String { alertDescription.description }
    }
}

extension PeerVerificationVerdict {
    /// Returns for an acceptance; throws the connection's error for a rejection.
    func check() throws {
        if case .reject(let reason, let alert) = self {
            throw TLSError(.rejectedByVerifier(reason, alert: alert.alertDescription))
        }
    }
}
