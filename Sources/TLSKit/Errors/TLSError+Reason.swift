extension TLSError {
    /// Every detailed reason TLSKit fails for. ``alert`` is the one place that maps a
    /// reason to the alert RFC 8446 §6.2 names for it.
    enum Reason: Hashable, Sendable {
        // decode_error
        case malformedMessage(String)
        // unexpected_message
        case unexpectedMessage(String)
        // illegal_parameter
        case illegalParameter(String)
        // missing_extension
        case missingExtension(String)
        // unsupported_extension
        case unsupportedExtension(String)
        // handshake_failure
        case noCommonCipherSuite
        case noCommonGroup
        case noCommonSignatureScheme
        // protocol_version
        case unsupportedVersion
        // bad_record_mac
        case badRecordMAC
        // record_overflow
        case recordOverflow
        // decrypt_error
        case badFinished
        case badSignature
        case incorrectBinder
        // certificates
        case badCertificate(String)
        case unsupportedCertificate(String)
        case certificateExpired
        case unknownCA(String)
        case certificateRequired
        /// The application's ``PeerCertificateVerifier`` refused the chain, with the alert it chose.
        case rejectedByVerifier(String, alert: AlertDescription)
        // no_application_protocol
        case noApplicationProtocol
        // internal_error
        case internalFailure(String)
        // limits
        case limitExceeded(String, alert: AlertDescription)
        // no alert sent
        case alertReceived(AlertDescription)
        case connectionClosed
        case invalidState(String)
        case invalidConfiguration(String)

        var alert: AlertDescription? {
            switch self {
            case .malformedMessage: return .decodeError
            case .unexpectedMessage: return .unexpectedMessage
            case .illegalParameter: return .illegalParameter
            case .missingExtension: return .missingExtension
            case .unsupportedExtension: return .unsupportedExtension
            case .noCommonCipherSuite, .noCommonGroup, .noCommonSignatureScheme: return .handshakeFailure
            case .unsupportedVersion: return .protocolVersion
            case .badRecordMAC: return .badRecordMAC
            case .recordOverflow: return .recordOverflow
            case .badFinished, .badSignature, .incorrectBinder: return .decryptError
            case .badCertificate: return .badCertificate
            case .unsupportedCertificate: return .unsupportedCertificate
            case .certificateExpired: return .certificateExpired
            case .unknownCA: return .unknownCA
            case .certificateRequired: return .certificateRequired
            case .rejectedByVerifier(_, let alert): return alert
            case .noApplicationProtocol: return .noApplicationProtocol
            case .internalFailure: return .internalError
            case .limitExceeded(_, let alert): return alert
            case .alertReceived, .connectionClosed, .invalidState, .invalidConfiguration: return nil
            }
        }

        var code: Code {
            switch self {
            case .malformedMessage, .unexpectedMessage, .illegalParameter, .missingExtension, .unsupportedExtension,
                .badRecordMAC, .recordOverflow, .badFinished, .incorrectBinder:
                return .peerMisbehaved
            case .noCommonCipherSuite, .noCommonGroup, .noCommonSignatureScheme, .noApplicationProtocol, .certificateRequired:
                return .handshakeFailure
            case .unsupportedVersion: return .unsupportedProtocolVersion
            case .badSignature, .badCertificate, .unsupportedCertificate, .certificateExpired, .unknownCA, .rejectedByVerifier:
                return .certificateVerificationFailed
            case .internalFailure: return .internalError
            case .limitExceeded: return .limitExceeded
            case .alertReceived: return .alertReceived
            case .connectionClosed: return .connectionClosed
            case .invalidState: return .invalidState
            case .invalidConfiguration: return .invalidConfiguration
            }
        }

        var text: String {
            switch self {
            case .malformedMessage(let what): return "malformed message: \(what)"
            case .unexpectedMessage(let what): return "unexpected message: \(what)"
            case .illegalParameter(let what): return "illegal parameter: \(what)"
            case .missingExtension(let what): return "missing extension: \(what)"
            case .unsupportedExtension(let what): return "unsupported extension: \(what)"
            case .noCommonCipherSuite: return "no cipher suite in common"
            case .noCommonGroup: return "no key exchange group in common"
            case .noCommonSignatureScheme: return "no signature scheme in common"
            case .unsupportedVersion: return "peer does not support TLS 1.3"
            case .badRecordMAC: return "record failed authentication"
            case .recordOverflow: return "record too large"
            case .badFinished: return "Finished verify_data does not match"
            case .badSignature: return "CertificateVerify signature does not verify"
            case .incorrectBinder: return "PSK binder does not verify"
            case .badCertificate(let what): return "bad certificate: \(what)"
            case .unsupportedCertificate(let what): return "unsupported certificate: \(what)"
            case .certificateExpired: return "certificate expired or not yet valid"
            case .unknownCA(let what): return "certificate not trusted: \(what)"
            case .certificateRequired: return "a client certificate is required"
            case .rejectedByVerifier(let why, _): return "certificate rejected by the verifier: \(why)"
            case .noApplicationProtocol: return "no application protocol in common"
            case .internalFailure(let what): return "internal error: \(what)"
            case .limitExceeded(let what, _): return "limit exceeded: \(what)"
            case .alertReceived(let alert): return "peer sent alert \(alert)"
            case .connectionClosed: return "connection closed"
            case .invalidState(let what): return "invalid state: \(what)"
            case .invalidConfiguration(let what): return "invalid configuration: \(what)"
            }
        }
    }
}

extension TLSError {
    /// Wraps a codec failure in `decode_error`, naming what was being decoded.
    static func decoding(_ what: String, _ error: Error) -> TLSError {
        if let error = error as? TLSError { return error }
        return TLSError(.malformedMessage("\(what): \(error)"))
    }
}
