import Crypto

extension ClientHandshake {
    /// The established connection: tickets, post-handshake authentication and KeyUpdate from the server.
    struct Connected {
        let sharedConfiguration: Shared<ClientConfiguration>
        var configuration: ClientConfiguration { _read { yield sharedConfiguration.value } }
        let serverName: String?
        var traffic: ApplicationTraffic
        let resumption: KeySchedule.Resumption
        let parameters: NegotiatedParameters
        /// The transcript through our Finished, the base of post-handshake authentication.
        let handshakeTranscript: TranscriptHash

        func handle(_ message: HandshakeMessage, raw: [UInt8], output: inout HandshakeOutput) throws -> Connected {
            var next = self
            switch message {
            case .keyUpdate(let update):
                next.traffic.receive(update, output: &output)
            case .newSessionTicket(let ticket):
                receive(ticket, output: &output)
            case .certificateRequest(let request):
                try authenticate(request, raw: raw, output: &output)
            default:
                throw TLSError(.unexpectedMessage("\(message.type) after the handshake"))
            }
            return next
        }

        /// RFC 8446 §4.6.1: each ticket becomes a session whose PSK is derived from the
        /// resumption master secret and the ticket's nonce. Any number may arrive, at any time.
        ///
        /// "Clients MUST NOT cache tickets for longer than 7 days, regardless of the ticket_lifetime":
        /// the session's lifetime is capped at 7 days, so every store (ours or the application's) and
        /// every saved session sees at most that.
        private func receive(_ ticket: NewSessionTicket, output: inout HandshakeOutput) {
            let psk = resumption.ticketPSK(nonce: ticket.nonce).withUnsafeBytes { Array($0) }
            let session = ClientSession(
                serverName: serverName ?? "", cipherSuite: traffic.suite, psk: psk, ticket: ticket.ticket,
                lifetime: min(ticket.lifetime, ClientSession.maximumLifetime),
                ageAdd: ticket.ageAdd, receivedAt: configuration.time.now, maximumEarlyDataSize: ticket.maxEarlyDataSize ?? 0,
                applicationProtocol: parameters.applicationProtocol)
            output.raise(.sessionTicketReceived(session))
        }

        /// RFC 8446 §4.6.2: answer a post-handshake CertificateRequest with Certificate,
        /// CertificateVerify (if we have a certificate) and Finished, keyed by our current
        /// application traffic secret (RFC 8446 §4.4).
        private func authenticate(_ request: CertificateRequest, raw: [UInt8], output: inout HandshakeOutput) throws {
            guard configuration.offersPostHandshakeAuthentication else {
                throw TLSError(.unexpectedMessage("CertificateRequest after the handshake without post_handshake_auth"))
            }
            var transcript = handshakeTranscript
            transcript.update(raw)
            try ClientCertificateResponse.respond(
                to: request, with: configuration.certificate, provider: configuration.cryptoProvider, transcript: &transcript, output: &output)
            output.send(traffic.finished(transcriptHash: transcript.digest()))
        }
    }
}
