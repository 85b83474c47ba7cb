import Crypto

extension ServerHandshake {
    /// What the server carries from its first flight until the client's Finished.
    struct Flight {
        let configuration: ServerConfiguration
        let suite: CipherSuite
        var transcript: TranscriptHash
        let clientRandom: [UInt8]
        /// The base key for the client's Finished.
        let clientHandshakeSecret: SymmetricKey
        let master: KeySchedule.Master
        let traffic: ApplicationTraffic
        let clientApplicationSecret: SymmetricKey
        var parameters: NegotiatedParameters

        /// Verifies the client's Finished, switches to the client's application keys and
        /// completes the handshake.
        func finish(_ finished: Finished, raw: [UInt8], output: inout HandshakeOutput) throws -> ServerHandshakeState {
            var transcript = transcript
            _ = try VerifiedFinished.verify(finished, suite: suite, baseKey: clientHandshakeSecret, transcriptHash: transcript.digest())
            transcript.update(raw)
            output.installReadKeys(suite, clientApplicationSecret)
            output.raise(.handshakeCompleted(parameters))
            let resumption = master.resumption(transcriptHash: transcript.digest())
            return .connected(Connected(configuration: configuration, traffic: traffic, resumption: resumption, parameters: parameters))
        }
    }

    struct ExpectCertificate {
        var flight: Flight

        /// RFC 8446 §4.4.2: the client's Certificate, possibly empty.
        func handle(_ message: CertificateMessage, raw: [UInt8], output: inout HandshakeOutput) throws -> ServerHandshakeState {
            guard message.requestContext.isEmpty else { throw TLSError(.illegalParameter("certificate_request_context")) }
            var flight = flight
            if message.entries.isEmpty {
                // RFC 8446 §4.4.2.4: no certificate from the client is fatal only if we require one.
                if case .required = flight.configuration.clientAuthentication { throw TLSError(.certificateRequired) }
                flight.transcript.update(raw)
                return .expectFinished(ExpectFinished(flight: flight))
            }
            let roots = flight.configuration.clientAuthentication.trustRoots ?? TrustRoots.certificates([])
            let chain = try ChainVerification.verify(
                chainDER: message.entries.map(\.certificateData), roots: roots, serverName: nil, now: flight.configuration.time.now)
            flight.transcript.update(raw)
            flight.parameters.peerCertificates = chain
            return .expectCertificateVerify(ExpectCertificateVerify(flight: flight))
        }
    }

    struct ExpectCertificateVerify {
        var flight: Flight

        func handle(_ verify: CertificateVerify, raw: [UInt8], output: inout HandshakeOutput) throws -> ServerHandshakeState {
            var flight = flight
            guard flight.configuration.signatureSchemes.contains(verify.scheme) else {
                throw TLSError(.illegalParameter("client signed with \(verify.scheme), which was not offered"))
            }
            let content = CertificateVerifyContent.make(signer: .client, transcriptHash: flight.transcript.digest())
            try verifySignature(verify.signature, scheme: verify.scheme, message: content, publicKey: flight.parameters.peerCertificates[0].publicKey)
            flight.transcript.update(raw)
            return .expectFinished(ExpectFinished(flight: flight))
        }
    }

    struct ExpectFinished {
        var flight: Flight

        func handle(_ finished: Finished, raw: [UInt8], output: inout HandshakeOutput) throws -> ServerHandshakeState {
            try flight.finish(finished, raw: raw, output: &output)
        }
    }
}
