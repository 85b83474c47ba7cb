import Crypto
import Foundation
import X509

extension ServerHandshake {
    /// The established connection: tickets, post-handshake authentication and KeyUpdate.
    struct Connected {
        let sharedConfiguration: Shared<ServerConfiguration>
        var configuration: ServerConfiguration { _read { yield sharedConfiguration.value } }
        var traffic: ApplicationTraffic
        let resumption: KeySchedule.Resumption
        var parameters: NegotiatedParameters
        /// The transcript through the client's Finished, the base of every post-handshake
        /// authentication (RFC 8446 §4.4).
        let handshakeTranscript: TranscriptHash
        var clientCertificateChainDER: [[UInt8]]
        let clientModes: [PSKKeyExchangeMode]
        let clientOffersPostHandshakeAuthentication: Bool
        /// Tickets issued on this connection: each one's nonce (RFC 8446 §4.6.1: unique per connection).
        private var ticketsIssued: UInt64 = 0
        var authentication: PostHandshakeAuthentication?

        init(
            sharedConfiguration: Shared<ServerConfiguration>, traffic: ApplicationTraffic, resumption: KeySchedule.Resumption,
            parameters: NegotiatedParameters, handshakeTranscript: TranscriptHash, clientCertificateChainDER: [[UInt8]],
            clientModes: [PSKKeyExchangeMode], clientOffersPostHandshakeAuthentication: Bool
        ) {
            self.sharedConfiguration = sharedConfiguration
            self.traffic = traffic
            self.resumption = resumption
            self.parameters = parameters
            self.handshakeTranscript = handshakeTranscript
            self.clientCertificateChainDER = clientCertificateChainDER
            self.clientModes = clientModes
            self.clientOffersPostHandshakeAuthentication = clientOffersPostHandshakeAuthentication
        }

        func handle(_ message: HandshakeMessage, raw: [UInt8], tickets: TicketSchedule, output: inout HandshakeOutput) throws -> Connected {
            var next = self
            switch message {
            case .keyUpdate(let update):
                next.traffic.receive(update, output: &output)
            case .certificate, .certificateVerify, .finished:
                guard let authentication else {
                    throw TLSError(.unexpectedMessage("\(message.type) without a post-handshake CertificateRequest"))
                }
                next.authentication = nil
                if let step = try authentication.handle(message, raw: raw, connected: &next, tickets: tickets, output: &output) {
                    next.authentication = step
                }
            default:
                throw TLSError(.unexpectedMessage("\(message.type) after the handshake"))
            }
            return next
        }

        /// Whether tickets can be used by this client: RFC 8446 §4.2.9 asks servers not to send
        /// tickets the client cannot use with its psk_key_exchange_modes.
        private var clientCanResume: Bool {
            configuration.resumptionModes.contains { clientModes.contains($0.codePoint) }
        }

        /// Sends `count` NewSessionTicket messages bound to the current client identity; how many
        /// is the connection's ``TicketSchedule``'s to say.
        mutating func issueTickets(_ count: Int, output: inout HandshakeOutput) {
            guard count > 0, clientCanResume else { return }
            let issuer = TicketIssuer(protection: configuration.ticketProtection, random: configuration.random, provider: configuration.cryptoProvider)
            for _ in 0..<count {
                // RFC 8446 §4.6.1: the nonce is unique among the tickets of the connection.
                let nonce = withUnsafeBytes(of: ticketsIssued.bigEndian) { Array($0) }
                ticketsIssued += 1
                let psk = resumption.ticketPSK(nonce: nonce).withUnsafeBytes { Array($0) }
                let minted = issuer.mint(
                    psk: psk, nonce: nonce, suite: traffic.suite, lifetime: configuration.ticketLifetime, now: configuration.time.now,
                    serverName: parameters.serverName, applicationProtocol: parameters.applicationProtocol,
                    clientCertificateChain: clientCertificateChainDER, clientCertificates: parameters.peerCertificates,
                    maximumEarlyDataSize: configuration.maximumEarlyDataSize)
                output.send(.newSessionTicket(minted.message))
                configuration.statistics.recordTicketIssued()
                output.raise(.sessionTicketIssued(minted.issued))
            }
        }

        /// Sends a post-handshake CertificateRequest (RFC 8446 §4.6.2). The client's chain is
        /// verified against `trustRoots`, or only parsed when they are nil (a verifier replaces
        /// chain verification).
        mutating func requestClientCertificate(trustRoots: TrustRoots?, required: Bool, output: inout HandshakeOutput) throws {
            guard clientOffersPostHandshakeAuthentication else {
                throw TLSError(.invalidState("the client did not offer post_handshake_auth"))
            }
            guard authentication == nil else { throw TLSError(.invalidState("a post-handshake CertificateRequest is already pending")) }
            // RFC 8446 §4.3.2: the context is unique within the connection.
            let request = CertificateRequest(requestContext: configuration.random.bytes(16), signatureAlgorithms: configuration.signatureSchemes)
            let bytes = HandshakeMessage.certificateRequest(request).encoded()
            var transcript = handshakeTranscript
            transcript.update(bytes)
            output.sendEncoded(bytes)
            authentication = PostHandshakeAuthentication(
                stage: .expectCertificate, context: request.requestContext, transcript: transcript, trustRoots: trustRoots,
                required: required)
        }

        /// Hands the verifier's verdict on a post-handshake chain to the authentication
        /// waiting for it: an acceptance moves on to the client's Finished.
        mutating func resolvePeerVerification(_ verdict: PeerVerificationVerdict) throws {
            guard var authentication, case .awaitPeerVerification(let chain, let der) = authentication.stage else {
                throw TLSError(.invalidState("no peer verification is pending"))
            }
            try verdict.check()
            authentication.stage = .expectFinished(chain: chain, der: der)
            self.authentication = authentication
        }
    }

    /// A post-handshake client authentication in progress: Certificate, CertificateVerify and
    /// Finished from the client, on the transcript of the handshake plus the CertificateRequest.
    struct PostHandshakeAuthentication {
        enum Stage {
            case expectCertificate
            case expectCertificateVerify(chain: [Certificate], der: [[UInt8]])
            case awaitPeerVerification(chain: [Certificate], der: [[UInt8]])
            case expectFinished(chain: [Certificate], der: [[UInt8]])
        }

        var stage: Stage
        let context: [UInt8]
        var transcript: TranscriptHash
        /// nil when a verifier replaces chain verification.
        let trustRoots: TrustRoots?
        let required: Bool

        /// Consumes one client message; returns the next step, or nil once the exchange is over.
        func handle(
            _ message: HandshakeMessage, raw: [UInt8], connected: inout Connected, tickets: TicketSchedule, output: inout HandshakeOutput
        ) throws -> PostHandshakeAuthentication?
        {
            var next = self
            switch (stage, message) {
            case (.expectCertificate, .certificate(let certificate)):
                guard certificate.requestContext == context else { throw TLSError(.illegalParameter("certificate_request_context")) }
                let received = try ClientCertificateCheck.verify(
                    certificate, roots: trustRoots, required: required, limits: connected.configuration.limits,
                    now: connected.configuration.time.now)
                next.transcript.update(raw)
                next.stage = received.map { .expectCertificateVerify(chain: $0.0, der: $0.1) } ?? .expectFinished(chain: [], der: [])
            case (.expectCertificateVerify(let chain, let der), .certificateVerify(let verify)):
                try ClientCertificateCheck.verifySignature(
                    verify, transcriptHash: transcript.digest(), leaf: chain[0], accepted: connected.configuration.signatureSchemes)
                next.transcript.update(raw)
                guard connected.configuration.clientCertificateVerifier != nil else {
                    next.stage = .expectFinished(chain: chain, der: der)
                    return next
                }
                output.awaitPeerVerification(
                    PeerVerificationRequest(
                        peerCertificates: chain, peerRole: .client, serverName: connected.parameters.serverName,
                        isChainVerified: trustRoots != nil, isPostHandshake: true))
                next.stage = .awaitPeerVerification(chain: chain, der: der)
            case (.expectFinished(let chain, let der), .finished(let finished)):
                // RFC 8446 §4.4: after the handshake the Finished key comes from the current client traffic secret.
                try connected.traffic.acceptPeerFinished(finished, transcriptHash: transcript.digest())
                output.raise(.clientAuthenticated(chain))
                if !chain.isEmpty {
                    connected.parameters.peerCertificates = chain
                    connected.clientCertificateChainDER = der
                    // SSL_CTX_set_num_tickets(3): tickets are issued again, bound to the new identity,
                    // as many as after the initial handshake (so at most one after a resumption).
                    connected.issueTickets(tickets.countAfterHandshake(resumed: connected.parameters.isResumed), output: &output)
                }
                return nil
            default:
                throw TLSError(.unexpectedMessage("\(message.type) during post-handshake authentication"))
            }
            return next
        }
    }
}
