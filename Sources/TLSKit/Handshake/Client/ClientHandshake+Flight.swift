import Crypto
import X509

extension ClientHandshake {
    /// What the client carries from the ServerHello to its own Finished.
    ///
    /// A class, not a struct: each state from EncryptedExtensions to Finished takes it over
    /// from the one before and updates it in place, so that its references and the
    /// transcript's hash state are not copied at every message. A state that throws leaves it
    /// half-updated, which is harmless: the connection has failed then.
    final class Flight {
        let sharedConfiguration: Shared<ClientConfiguration>
        var configuration: ClientConfiguration { _read { yield sharedConfiguration.value } }
        let serverName: String?
        let suite: CipherSuite
        var transcript: TranscriptHash
        let clientRandom: [UInt8]
        let offeredProtocols: [[UInt8]]
        let handshake: KeySchedule.Handshake
        /// The base keys of both Finished messages.
        let handshakeSecrets: KeySchedule.HandshakeTrafficSecrets
        /// The server's CertificateRequest, if it asked for our certificate.
        var certificateRequest: CertificateRequest?
        var parameters: NegotiatedParameters
        /// Whether the server's chain was verified against the trust roots (for the verifier).
        var isPeerChainVerified = false
        /// The session whose early data followed the ClientHello; nil when none was sent. The
        /// early write keys stay installed until the server's Finished.
        var earlyDataSession: ClientSession?
        /// Whether the server accepted that early data (its EncryptedExtensions carried `early_data`).
        var isEarlyDataAccepted = false

        init(
            sharedConfiguration: Shared<ClientConfiguration>, serverName: String?, suite: CipherSuite, transcript: TranscriptHash,
            clientRandom: [UInt8], offeredProtocols: [[UInt8]], handshake: KeySchedule.Handshake,
            handshakeSecrets: KeySchedule.HandshakeTrafficSecrets, parameters: NegotiatedParameters
        ) {
            self.sharedConfiguration = sharedConfiguration
            self.serverName = serverName
            self.suite = suite
            self.transcript = transcript
            self.clientRandom = clientRandom
            self.offeredProtocols = offeredProtocols
            self.handshake = handshake
            self.handshakeSecrets = handshakeSecrets
            self.parameters = parameters
        }
    }

    struct ExpectEncryptedExtensions {
        let flight: Flight

        /// Extensions RFC 8446 §4.2 places elsewhere: receiving them here is an illegal_parameter.
        private static let forbidden: Set<ExtensionType> = [
            .supportedVersions, .keyShare, .preSharedKey, .pskKeyExchangeModes, .cookie, .signatureAlgorithms,
            .signatureAlgorithmsCert, .certificateAuthorities, .postHandshakeAuth, .oidFilters,
        ]

        /// Whether our ClientHello asked for a response in `type`: supported_groups always, the
        /// others only when we sent them.
        private func wasOffered(_ type: ExtensionType) -> Bool {
            switch type {
            case .supportedGroups: return true
            case .earlyData: return flight.earlyDataSession != nil
            case .serverName: return flight.parameters.serverName != nil
            case .applicationLayerProtocolNegotiation: return !flight.offeredProtocols.isEmpty
            default: return false
            }
        }

        func handle(_ extensions: EncryptedExtensions, raw: [UInt8], output: inout HandshakeOutput) throws -> ClientHandshakeState {
            for type in extensions.receivedTypes {
                if Self.forbidden.contains(type) { throw TLSError(.illegalParameter("extension \(type.rawValue) in EncryptedExtensions")) }
            }
            // RFC 8446 §4.2: a response to an extension we did not send is an unsupported_extension; we send
            // server_name only with a host name (RFC 6066 §3), and ALPN only with protocols to offer.
            for type in extensions.receivedTypes where !wasOffered(type) {
                throw TLSError(.unsupportedExtension("extension \(type.rawValue) was not offered"))
            }
            if let chosen = extensions.applicationProtocol {
                guard flight.offeredProtocols.contains(chosen) else { throw TLSError(.illegalParameter("server chose an ALPN protocol we did not offer")) }
                flight.parameters.applicationProtocol = String(decoding: chosen, as: UTF8.self)
            }
            if let session = flight.earlyDataSession {
                if extensions.earlyData {
                    // RFC 8446 §4.2.10: accepted early data was sent under the first PSK with its
                    // suite and ALPN; a server that says otherwise is an illegal_parameter.
                    guard flight.parameters.isResumed, session.cipherSuite == flight.suite,
                        session.applicationProtocol == flight.parameters.applicationProtocol
                    else { throw TLSError(.illegalParameter("early_data accepted for another PSK, suite or ALPN")) }
                    flight.isEarlyDataAccepted = true
                    output.raise(.earlyDataAccepted)
                } else {
                    output.raise(.earlyDataRejected(nil))
                }
            }
            flight.transcript.update(raw)
            // RFC 8446 §2.2: a resumed handshake authenticates with the PSK: no certificates follow.
            if flight.parameters.isResumed { return .expectFinished(ExpectFinished(flight: flight)) }
            return .expectCertificateOrRequest(ExpectCertificateOrRequest(flight: flight))
        }
    }

    struct ExpectCertificateOrRequest {
        let flight: Flight

        func handle(_ request: CertificateRequest, raw: [UInt8], output: inout HandshakeOutput) throws -> ClientHandshakeState {
            // RFC 8446 §4.3.2: during the handshake the context is empty.
            guard request.requestContext.isEmpty else { throw TLSError(.illegalParameter("certificate_request_context in handshake")) }
            flight.certificateRequest = request
            flight.transcript.update(raw)
            return .expectCertificate(ExpectCertificate(flight: flight))
        }
    }

    struct ExpectCertificate {
        let flight: Flight

        func handle(_ certificate: CertificateMessage, raw: [UInt8], output: inout HandshakeOutput) throws -> ClientHandshakeState {
            guard certificate.requestContext.isEmpty else { throw TLSError(.illegalParameter("certificate_request_context")) }
            // RFC 8446 §4.4.2.4: an empty server Certificate is a decode_error.
            guard !certificate.entries.isEmpty else { throw TLSError(.malformedMessage("empty server Certificate")) }
            // Read in place: a copy of the whole configuration would retain each of its parts.
            let configuration = flight.sharedConfiguration
            try ClientCertificateCheck.requireLength(certificate, limits: configuration.value.limits)
            let chainDER = certificate.entries.map(\.certificateData)
            let now = configuration.value.time.now
            // A verifier that replaces chain verification decides alone, once the signature checks.
            let verification =
                configuration.value.verifiesChainAgainstRoots ? configuration.value.certificateVerification : .insecureNoVerification
            switch verification {
            case .fullVerification:
                flight.parameters.peerCertificates = try ChainVerification.verify(
                    chainDER: chainDER, roots: configuration.value.trustRoots, serverName: flight.serverName, now: now)
            case .noHostnameVerification:
                flight.parameters.peerCertificates = try ChainVerification.verify(
                    chainDER: chainDER, roots: configuration.value.trustRoots, serverName: nil, now: now)
            case .insecureNoVerification:
                flight.parameters.peerCertificates = try ChainVerification.parse(chainDER: chainDER)
            }
            flight.isPeerChainVerified = verification != .insecureNoVerification
            flight.transcript.update(raw)
            return .expectCertificateVerify(ExpectCertificateVerify(flight: flight))
        }
    }

    struct ExpectCertificateVerify {
        let flight: Flight

        func handle(_ verify: CertificateVerify, raw: [UInt8], output: inout HandshakeOutput) throws -> ClientHandshakeState {
            guard flight.configuration.signatureSchemes.contains(verify.scheme) else {
                throw TLSError(.illegalParameter("server signed with \(verify.scheme), which was not offered"))
            }
            let content = CertificateVerifyContent.make(signer: .server, transcriptHash: flight.transcript.digest())
            try verifySignature(verify.signature, scheme: verify.scheme, message: content, publicKey: flight.parameters.peerCertificates[0].publicKey)
            flight.parameters.serverSignatureScheme = verify.scheme
            flight.transcript.update(raw)
            guard flight.configuration.certificateVerifier != nil else { return .expectFinished(ExpectFinished(flight: flight)) }
            output.awaitPeerVerification(
                PeerVerificationRequest(
                    peerCertificates: flight.parameters.peerCertificates, peerRole: .server, serverName: flight.serverName,
                    isChainVerified: flight.isPeerChainVerified))
            return .awaitPeerVerification(AwaitPeerVerification(flight: flight))
        }
    }

    /// The server's chain and its CertificateVerify have been checked; the application's
    /// verifier has the last word before the server's Finished is read.
    struct AwaitPeerVerification {
        let flight: Flight

        /// An acceptance moves on to the server's Finished; a rejection fails the handshake.
        func resolve(_ verdict: PeerVerificationVerdict) throws -> ClientHandshakeState {
            try verdict.check()
            return .expectFinished(ExpectFinished(flight: flight))
        }
    }

    struct ExpectFinished {
        let flight: Flight

        /// Verifies the server's Finished, answers with our certificate (if asked) and Finished,
        /// and moves both directions to application traffic keys.
        func handle(_ finished: Finished, raw: [UInt8], output: inout HandshakeOutput) throws -> ClientHandshakeState {
            var transcript = flight.transcript
            let suite = flight.suite
            let serverFinished = try flight.handshakeSecrets.server.verify(finished, transcriptHash: transcript.digest())
            transcript.update(raw)

            let master = flight.handshake.master()
            let secrets = master.applicationTrafficSecrets(transcriptHash: transcript.digest(), clientRandom: flight.clientRandom, log: &output)
            output.installReadKeys(suite, secrets.server)

            if flight.earlyDataSession != nil {
                // RFC 8446 §4.5: EndOfEarlyData, under the early keys, ends accepted early data;
                // the handshake keys take over for the rest of our flight either way.
                if flight.isEarlyDataAccepted {
                    let endOfEarlyData = HandshakeMessage.endOfEarlyData.encoded()
                    transcript.update(endOfEarlyData)
                    output.sendEncoded(endOfEarlyData)
                }
                output.installWriteKeys(suite, flight.handshakeSecrets.client)
            }
            if let request = flight.certificateRequest {
                try ClientCertificateResponse.respond(
                    to: request, with: flight.configuration.certificate, provider: flight.configuration.cryptoProvider, transcript: &transcript,
                    output: &output)
            }
            let ours = flight.handshakeSecrets.client.finished(transcriptHash: transcript.digest())
            let oursBytes = ours.encoded()
            transcript.update(oursBytes)
            output.sendEncoded(oursBytes)
            output.installWriteKeys(suite, secrets.client)
            output.raise(.handshakeCompleted(flight.parameters))
            return .connected(
                Connected(
                    sharedConfiguration: flight.sharedConfiguration, serverName: flight.serverName,
                    traffic: ApplicationTraffic(secrets, for: .client, peerFinished: serverFinished),
                    resumption: (consume master).resumption(transcriptHash: transcript.digest()), parameters: flight.parameters,
                    handshakeTranscript: transcript))
        }
    }
}

/// The client's answer to a CertificateRequest (RFC 8446 §4.4.2, §4.4.3).
enum ClientCertificateResponse {
    static func respond(
        to request: CertificateRequest, with certified: CertifiedKey?, provider: CryptoProvider, transcript: inout TranscriptHash,
        output: inout HandshakeOutput
    ) throws {
        func send(_ message: HandshakeMessage) {
            let bytes = message.encoded()
            transcript.update(bytes)
            output.sendEncoded(bytes)
        }
        // Without a certificate, or without a scheme the server accepts, we send an empty Certificate.
        guard let certified, let scheme = certified.privateKey.signatureSchemes.first(where: request.signatureAlgorithms.contains) else {
            send(.certificate(CertificateMessage(requestContext: request.requestContext, entries: [])))
            return
        }
        send(.certificate(CertificateMessage(requestContext: request.requestContext, entries: certified.chainDER.map { CertificateEntry(certificateData: $0) })))
        let content = CertificateVerifyContent.make(signer: .client, transcriptHash: transcript.digest())
        send(.certificateVerify(CertificateVerify(scheme: scheme, signature: try certified.privateKey.sign(content, scheme: scheme, provider: provider))))
    }
}
