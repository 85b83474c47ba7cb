/// The one error type TLSKit throws.
///
/// A struct with an open set of ``Code`` values rather than a public enum, so
/// new reasons can be added without breaking callers. ``alertSent`` and
/// ``alertReceived`` tell what crossed the wire; when a connection call throws,
/// the fatal alert is already queued in its outbound bytes.
public struct TLSError: Error, Hashable, Sendable, CustomStringConvertible {
    /// A broad category of failure, stable for callers to switch on.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        fileprivate let name: String
        public var description: String { name }

        /// The peer sent something malformed, unexpected or forbidden.
        public static let peerMisbehaved = Code(name: "peerMisbehaved")
        /// The peer closed the connection with a fatal alert.
        public static let alertReceived = Code(name: "alertReceived")
        /// Negotiation found nothing in common (suites, groups, schemes, protocols).
        public static let handshakeFailure = Code(name: "handshakeFailure")
        /// The peer's certificate chain or its signature did not verify.
        public static let certificateVerificationFailed = Code(name: "certificateVerificationFailed")
        /// The peer is not speaking TLS 1.3.
        public static let unsupportedProtocolVersion = Code(name: "unsupportedProtocolVersion")
        /// The connection is closed; nothing more can be sent or received.
        public static let connectionClosed = Code(name: "connectionClosed")
        /// The call is not allowed in the connection's current state.
        public static let invalidState = Code(name: "invalidState")
        /// The configuration, a file or a parameter given by the application is unusable.
        public static let invalidConfiguration = Code(name: "invalidConfiguration")
        /// A resource limit was hit.
        public static let limitExceeded = Code(name: "limitExceeded")
        /// A failure inside TLSKit or a crypto primitive.
        public static let internalError = Code(name: "internalError")
    }

    let reason: Reason

    init(_ reason: Reason) { self.reason = reason }

    /// The broad category of this error.
    public var code: Code { reason.code }

    /// The fatal alert TLSKit sent to the peer for this error, if any.
    public var alertSent: AlertDescription? { reason.alert }

    /// The alert the peer sent, when ``code`` is ``Code/alertReceived``.
    public var alertReceived: AlertDescription? {
        if case .alertReceived(let alert) = reason { return alert }
        return nil
    }

    /// A one-line human readable explanation. Never contains secrets.
    public var description: String {
        var text = "\(reason.text)"
        if let alert = alertSent { text += " (sent alert \(alert))" }
        return text
    }
}

extension TLSError {
    /// Builds an error for a bad parameter or file given by the application.
    static func configuration(_ text: String) -> TLSError { TLSError(.invalidConfiguration(text)) }
}
