import Crypto
import Foundation
import X509

extension ServerHandshake {
    /// A PSK the server accepted: the ticket's session and the key schedule it starts.
    struct ResumedSession {
        let state: ServerSessionState
        let early: KeySchedule.Early
        let identityIndex: Int
        let mode: ResumptionMode
        let clientCertificates: [Certificate]
        /// The ticket's age as the client reports it (its obfuscated age less age_add), in
        /// milliseconds.
        let clientTicketAge: UInt32
        /// Whether that age is within ``ServerConfiguration/ticketAgeTolerance`` of the age the
        /// server computes. It decides only whether 0-RTT may be accepted (RFC 8446 §4.2.11:
        /// outside the tolerance the server "SHOULD proceed with the handshake but reject
        /// 0-RTT"), never whether the session resumes.
        let isTicketAgeFresh: Bool
    }
}

extension ServerHandshake {
    /// What the server makes of a client's PSK offer (RFC 8446 §4.2.11): the session it resumes,
    /// if any, and why each ticket examined before it was refused.
    struct ResumptionDecision {
        var resumed: ResumedSession?
        var rejections: [TicketRejection] = []
        /// A ticket opened but its binder does not verify: the hello was tampered with.
        var binderIsForged = false
        /// The transcript through the whole ClientHello, carried on from the one the binders
        /// were checked over, so the hello is not hashed a second time.
        var transcriptThroughHello: TranscriptHash?
    }
}

extension ServerHandshake.ExpectClientHello {
    /// Decides on the client's PSK offer and counts every refused ticket, in this one place.
    ///
    /// A ticket that does not open, has expired, belongs to another suite hash or server name,
    /// or whose client identity does not meet the server's current client-authentication
    /// policy is refused: the handshake then falls back to a full one. A ticket whose age is
    /// implausible still resumes; only its early data is refused (RFC 8446 §4.2.11).
    /// Only a ticket that opens but whose binder does not verify is fatal (`decrypt_error`),
    /// since that hello was tampered with.
    func decideResumption(
        _ hello: ClientHello, raw: [UInt8], suite: CipherSuite, transcript: TranscriptHash, mode: ResumptionMode,
        output: inout HandshakeOutput
    ) throws -> ServerHandshake.ResumptionDecision {
        let decision = examineOffer(hello, raw: raw, suite: suite, transcript: transcript, mode: mode)
        for rejection in decision.rejections {
            configuration.statistics.recordRejection(rejection)
            output.raise(.sessionTicketRejected(rejection))
        }
        if decision.binderIsForged { throw TLSError(.incorrectBinder) }
        return decision
    }

    /// Looks for a usable ticket among the client's PSK identities, at most
    /// ``ServerConfiguration/maximumPSKIdentities`` of them. The binder is checked in constant
    /// time before the PSK is used for anything else.
    private func examineOffer(
        _ hello: ClientHello, raw: [UInt8], suite: CipherSuite, transcript: TranscriptHash, mode: ResumptionMode
    ) -> ServerHandshake.ResumptionDecision {
        var decision = ServerHandshake.ResumptionDecision()
        guard let offered = hello.extensions.preSharedKey else { return decision }
        let issuer = TicketIssuer(protection: configuration.ticketProtection, random: configuration.random, provider: configuration.cryptoProvider)
        let now = configuration.time.now
        // RFC 8446 §4.2.11.2: every binder covers the transcript up to the truncated ClientHello;
        // hashed once, when the first ticket that opens needs it.
        let truncatedLength = raw.count - offered.encodedBindersLength
        var truncatedTranscript: (state: TranscriptHash, hash: [UInt8])?
        for (index, identity) in offered.identities.prefix(configuration.maximumPSKIdentities).enumerated() {
            let state: ServerSessionState
            switch issuer.redeem(identity.identity, now: now) {
            case .failure(let rejection):
                decision.rejections.append(rejection)
                continue
            case .success(let redeemed):
                state = redeemed
            }
            // RFC 8446 §4.2.11: the PSK must be used with a suite of the same hash.
            guard state.cipherSuite.isSupported, state.cipherSuite.hashLength == suite.hashLength else {
                decision.rejections.append(.suiteMismatch)
                continue
            }
            // RFC 8446 §4.2.11: resume only under the server name the session was established for.
            guard state.serverName == hello.extensions.serverName else {
                decision.rejections.append(.serverNameMismatch)
                continue
            }
            let early = KeySchedule.Early(suite: suite, psk: SymmetricKey(data: state.psk), provider: configuration.cryptoProvider)
            if truncatedTranscript == nil {
                var state = transcript
                state.update(raw[..<truncatedLength])
                truncatedTranscript = (state, state.digest())
            }
            let expected = early.resumptionBinder(transcriptHash: truncatedTranscript!.hash)
            guard constantTimeEquals(expected, offered.binders[index]) else {
                decision.rejections.append(.badBinder)
                decision.binderIsForged = true
                return decision
            }
            guard let certificates = clientIdentity(of: state, now: now) else {
                decision.rejections.append(.clientAuthenticationMismatch)
                continue
            }
            var throughHello = truncatedTranscript!.state
            throughHello.update(raw[truncatedLength...])
            decision.transcriptThroughHello = throughHello
            let clientAge = identity.obfuscatedTicketAge &- state.ageAdd
            decision.resumed = ServerHandshake.ResumedSession(
                state: state, early: early, identityIndex: index, mode: mode, clientCertificates: certificates, clientTicketAge: clientAge,
                isTicketAgeFresh: ageIsPlausible(clientAge, state: state, now: now))
            return decision
        }
        return decision
    }

    /// The client's certificates for a resumed session, or nil when the session does not meet the
    /// server's client-authentication policy as it is now, not as it was when the ticket was
    /// issued: a fleet shares ticket keys across servers whose policies differ, and a server's
    /// policy changes across restarts.
    ///
    /// A ticket's chain verified once, under the roots of the server (or the post-handshake
    /// request) that issued it. So under `optional` and `required` the stored chain is verified
    /// again, against today's roots at today's time; a chain verified before is answered from
    /// the roots' cache. Under `required` a session without a chain is refused. Without client
    /// authentication the session's identity is passed on as it was issued.
    ///
    /// With a ``ServerConfiguration/clientCertificateVerifier`` a session that carries a client
    /// chain is never resumed: the verifier (a revocation check) could not be asked, so the
    /// client gets a full handshake where it is.
    private func clientIdentity(of state: ServerSessionState, now: Date) -> [Certificate]? {
        let chain = state.clientCertificateChain
        if configuration.clientCertificateVerifier != nil && !chain.isEmpty { return nil }
        guard let roots = configuration.clientAuthentication.trustRoots else {
            return (try? ChainVerification.parse(chainDER: chain)) ?? []
        }
        guard !chain.isEmpty else { return configuration.clientAuthentication.isRequired ? nil : [] }
        guard state.clientCertificateVerified else { return nil }
        return try? ChainVerification.verify(chainDER: chain, roots: roots, serverName: nil, now: now)
    }

    /// RFC 8446 §4.2.11.1 and §8.3: the client's age (obfuscated age minus age_add) should be
    /// close to the time since the ticket was issued, within ``ServerConfiguration/ticketAgeTolerance``.
    private func ageIsPlausible(_ clientTicketAge: UInt32, state: ServerSessionState, now: Date) -> Bool {
        // In floating point: ages, creation times and the tolerance come from tickets and
        // configuration, and no value of theirs may trap here.
        let clientAge = Double(clientTicketAge)
        let serverAge = Double(now.millisecondsSince1970) - Double(state.createdAt)
        return abs(clientAge - serverAge) <= configuration.ticketAgeTolerance * 1000
    }
}
