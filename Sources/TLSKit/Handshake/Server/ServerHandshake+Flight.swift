import Crypto
import Foundation
import X509

extension ServerHandshake {
    /// What the server carries from its first flight until the client's Finished.
    struct Flight {
        let sharedConfiguration: Shared<ServerConfiguration>
        var configuration: ServerConfiguration { _read { yield sharedConfiguration.value } }
        let suite: CipherSuite
        var transcript: TranscriptHash
        /// The base key for the client's Finished.
        let clientHandshakeSecret: KeyedSecret
        let master: KeySchedule.Master
        /// The server writes under its secret from its Finished on; the client's and the
        /// connection's traffic wait for the client's Finished.
        let applicationSecrets: KeySchedule.ApplicationTrafficSecrets
        var parameters: NegotiatedParameters
        var clientCertificateChainDER: [[UInt8]]
        /// Whether the client's chain was verified against the roots (for the verifier).
        var isClientChainVerified = false
        let clientModes: [PSKKeyExchangeMode]
        let clientOffersPostHandshakeAuthentication: Bool

        /// Verifies the client's Finished, switches to the client's application keys, completes
        /// the handshake and issues the session tickets (RFC 8446 §4.6.1).
        func finish(_ finished: Finished, raw: [UInt8], tickets: TicketSchedule, output: inout HandshakeOutput) throws -> ServerHandshakeState {
            var transcript = transcript
            let clientFinished = try clientHandshakeSecret.verify(finished, transcriptHash: transcript.digest())
            transcript.update(raw)
            output.installReadKeys(suite, applicationSecrets.client)
            output.raise(.handshakeCompleted(parameters))
            if parameters.isResumed {
                configuration.statistics.recordResumption()
            } else {
                configuration.statistics.recordFullHandshake()
            }
            var connected = Connected(
                sharedConfiguration: sharedConfiguration, traffic: ApplicationTraffic(applicationSecrets, for: .server, peerFinished: clientFinished),
                resumption: master.resumption(transcriptHash: transcript.digest()),
                parameters: parameters, handshakeTranscript: transcript, clientCertificateChainDER: clientCertificateChainDER,
                clientModes: clientModes, clientOffersPostHandshakeAuthentication: clientOffersPostHandshakeAuthentication)
            connected.issueTickets(tickets.countAfterHandshake(resumed: parameters.isResumed), output: &output)
            return .connected(connected)
        }
    }

    struct ExpectCertificate {
        var flight: Flight

        /// RFC 8446 §4.4.2: the client's Certificate, possibly empty.
        func handle(_ message: CertificateMessage, raw: [UInt8], output: inout HandshakeOutput) throws -> ServerHandshakeState {
            guard message.requestContext.isEmpty else { throw TLSError(.illegalParameter("certificate_request_context")) }
            var flight = flight
            let configuration = flight.configuration
            let authentication = configuration.clientAuthentication
            let roots = configuration.verifiesClientChainAgainstRoots ? authentication.trustRoots ?? .certificates([]) : nil
            let received = try ClientCertificateCheck.verify(
                message, roots: roots, required: authentication.isRequired, limits: configuration.limits, now: configuration.time.now)
            flight.transcript.update(raw)
            guard let (chain, der) = received else { return .expectFinished(ExpectFinished(flight: flight)) }
            flight.parameters.peerCertificates = chain
            flight.clientCertificateChainDER = der
            flight.isClientChainVerified = roots != nil
            return .expectCertificateVerify(ExpectCertificateVerify(flight: flight))
        }
    }

    struct ExpectCertificateVerify {
        var flight: Flight

        func handle(_ verify: CertificateVerify, raw: [UInt8], output: inout HandshakeOutput) throws -> ServerHandshakeState {
            var flight = flight
            try ClientCertificateCheck.verifySignature(
                verify, transcriptHash: flight.transcript.digest(), leaf: flight.parameters.peerCertificates[0],
                accepted: flight.configuration.signatureSchemes)
            flight.transcript.update(raw)
            guard flight.configuration.clientCertificateVerifier != nil else { return .expectFinished(ExpectFinished(flight: flight)) }
            output.awaitPeerVerification(
                PeerVerificationRequest(
                    peerCertificates: flight.parameters.peerCertificates, peerRole: .client, serverName: flight.parameters.serverName,
                    isChainVerified: flight.isClientChainVerified))
            return .awaitPeerVerification(AwaitPeerVerification(flight: flight))
        }
    }

    /// The client's chain and its CertificateVerify have been checked; the application's
    /// verifier has the last word before the client's Finished is read.
    struct AwaitPeerVerification {
        let flight: Flight

        /// An acceptance moves on to the client's Finished; a rejection fails the handshake.
        func resolve(_ verdict: PeerVerificationVerdict) throws -> ServerHandshakeState {
            try verdict.check()
            return .expectFinished(ExpectFinished(flight: flight))
        }
    }

    struct ExpectFinished {
        var flight: Flight

        func handle(_ finished: Finished, raw: [UInt8], tickets: TicketSchedule, output: inout HandshakeOutput) throws -> ServerHandshakeState {
            try flight.finish(finished, raw: raw, tickets: tickets, output: &output)
        }
    }
}

extension ClientAuthentication {
    var isRequired: Bool {
        if case .required = self { return true }
        return false
    }
}

/// The server's checks of a client's certificate, during the handshake and after it.
enum ClientCertificateCheck {
    /// Verifies a client's Certificate message against `roots`, or only parses it when `roots`
    /// is nil (a verifier replaces chain verification, and is asked before the Finished).
    /// Returns nil when the client sent no certificate and one was optional (RFC 8446 §4.4.2.4);
    /// `certificate_required` when it was required.
    static func verify(_ message: CertificateMessage, roots: TrustRoots?, required: Bool, limits: ConnectionLimits, now: Date) throws
        -> ([Certificate], [[UInt8]])?
    {
        try requireLength(message, limits: limits)
        if message.entries.isEmpty {
            if required { throw TLSError(.certificateRequired) }
            return nil
        }
        let der = message.entries.map(\.certificateData)
        guard let roots else { return (try ChainVerification.parse(chainDER: der), der) }
        let chain = try ChainVerification.verify(chainDER: der, roots: roots, serverName: nil, now: now)
        return (chain, der)
    }

    /// Refuses chains longer than ``ConnectionLimits/maximumCertificateChainLength`` before any parsing.
    static func requireLength(_ message: CertificateMessage, limits: ConnectionLimits) throws {
        guard message.entries.count <= limits.maximumCertificateChainLength else {
            throw TLSError(
                .limitExceeded("certificate chain of \(message.entries.count) (limit \(limits.maximumCertificateChainLength))", alert: .badCertificate))
        }
    }

    /// Verifies a client's CertificateVerify against its leaf (RFC 8446 §4.4.3).
    static func verifySignature(_ verify: CertificateVerify, transcriptHash: [UInt8], leaf: Certificate, accepted: [SignatureScheme]) throws {
        guard accepted.contains(verify.scheme) else {
            throw TLSError(.illegalParameter("client signed with \(verify.scheme), which was not offered"))
        }
        let content = CertificateVerifyContent.make(signer: .client, transcriptHash: transcriptHash)
        try TLSKit.verifySignature(verify.signature, scheme: verify.scheme, message: content, publicKey: leaf.publicKey)
    }
}
