import Crypto

extension ServerHandshake {
    /// What the server remembers after sending a HelloRetryRequest.
    struct Retry {
        let transcript: TranscriptHash
        let suite: CipherSuite
        let group: NamedGroup
        let cookie: [UInt8]?
        let legacySessionID: [UInt8]
    }

    /// Waiting for the first ClientHello, or for the second one after a HelloRetryRequest.
    struct ExpectClientHello {
        let configuration: ServerConfiguration
        let retry: Retry?

        func handle(_ hello: ClientHello, raw: [UInt8], output: inout HandshakeOutput) throws -> ServerHandshakeState {
            let extensions = hello.extensions
            // RFC 8446 §4.2.1: a ClientHello without TLS 1.3 in supported_versions comes from an older client.
            guard let versions = extensions.supportedVersions, versions.contains(.tls13) else { throw TLSError(.unsupportedVersion) }
            // RFC 8446 §4.1.2: TLS 1.3 ClientHellos carry exactly one compression method, null.
            guard hello.legacyCompressionMethods == [0] else { throw TLSError(.illegalParameter("legacy_compression_methods")) }
            let suite = try chooseCipherSuite(hello)
            // RFC 8446 §9.2: without a PSK these three extensions are mandatory.
            guard let clientGroups = extensions.supportedGroups else { throw TLSError(.missingExtension("supported_groups")) }
            guard let keyShares = extensions.keyShares else { throw TLSError(.missingExtension("key_share")) }
            guard let clientSchemes = extensions.signatureAlgorithms else { throw TLSError(.missingExtension("signature_algorithms")) }
            try validate(keyShares: keyShares, clientGroups: clientGroups)

            var transcript: TranscriptHash
            let share: KeyShareEntry
            if let retry {
                try validateSecondHello(hello, keyShares: keyShares, retry: retry)
                transcript = retry.transcript
                share = keyShares[0]
            } else {
                transcript = TranscriptHash(suite: suite)
                switch try chooseKeyShare(keyShares: keyShares, clientGroups: clientGroups) {
                case .share(let chosen):
                    share = chosen
                case .retry(let group):
                    return helloRetryRequest(for: hello, raw: raw, suite: suite, group: group, output: &output)
                }
            }
            transcript.update(raw)
            return try sendFlight(
                hello: hello, suite: suite, share: share, clientSchemes: clientSchemes,
                transcript: transcript, output: &output)
        }

        private func chooseCipherSuite(_ hello: ClientHello) throws -> CipherSuite {
            if let retry {
                // RFC 8446 §4.1.4: the second ClientHello must still offer the suite the HelloRetryRequest chose.
                guard hello.cipherSuites.contains(retry.suite) else { throw TLSError(.illegalParameter("cipher suite withdrawn after HelloRetryRequest")) }
                return retry.suite
            }
            guard let suite = configuration.cipherSuites.first(where: { $0.isSupported && hello.cipherSuites.contains($0) }) else {
                throw TLSError(.noCommonCipherSuite)
            }
            return suite
        }

        /// RFC 8446 §4.2.8: each share is for a group in supported_groups, at most one per group.
        private func validate(keyShares: [KeyShareEntry], clientGroups: [NamedGroup]) throws {
            try Negotiation.requireDistinct(keyShares.map(\.group), "key share group")
            for share in keyShares where !clientGroups.contains(share.group) {
                throw TLSError(.illegalParameter("key share for \(share.group) not in supported_groups"))
            }
        }

        private enum KeyShareChoice {
            case share(KeyShareEntry)
            case retry(NamedGroup)
        }

        /// Uses the client's share for our most preferred group it sent a share for; failing that,
        /// asks (HelloRetryRequest) for our most preferred group it supports.
        private func chooseKeyShare(keyShares: [KeyShareEntry], clientGroups: [NamedGroup]) throws -> KeyShareChoice {
            let usable = configuration.groups.filter(NamedGroup.supported.contains)
            for group in usable {
                if let share = keyShares.first(where: { $0.group == group }) { return .share(share) }
            }
            guard let group = usable.first(where: clientGroups.contains) else { throw TLSError(.noCommonGroup) }
            return .retry(group)
        }

        private func validateSecondHello(_ hello: ClientHello, keyShares: [KeyShareEntry], retry: Retry) throws {
            // RFC 8446 §4.1.2: the client replaces its key shares with one for the selected group.
            guard keyShares.count == 1, keyShares[0].group == retry.group else {
                throw TLSError(.illegalParameter("second ClientHello must share exactly the group asked for"))
            }
            guard hello.legacySessionID == retry.legacySessionID else { throw TLSError(.illegalParameter("legacy_session_id changed")) }
            if let cookie = retry.cookie {
                guard let echoed = hello.extensions.cookie else { throw TLSError(.missingExtension("cookie")) }
                guard constantTimeEquals(echoed, cookie) else { throw TLSError(.illegalParameter("cookie does not match")) }
            }
        }

        /// RFC 8446 §4.1.4: ask for a key share for `group`.
        private func helloRetryRequest(
            for hello: ClientHello, raw: [UInt8], suite: CipherSuite, group: NamedGroup, output: inout HandshakeOutput
        ) -> ServerHandshakeState {
            var transcript = TranscriptHash(suite: suite)
            transcript.update(raw)
            // RFC 8446 §4.4.1: the first ClientHello is replaced by its hash in a message_hash message.
            transcript.restartForHelloRetryRequest()
            let cookie = configuration.sendsHelloRetryCookie ? configuration.random.bytes(32) : nil
            let retryRequest = HandshakeMessage.serverHello(
                ServerHello(
                    random: ServerHello.helloRetryRequestRandom, legacySessionIDEcho: hello.legacySessionID, cipherSuite: suite,
                    extensions: ServerHelloExtensions(supportedVersion: .tls13, selectedGroup: group, cookie: cookie)))
            let encoded = retryRequest.encoded()
            transcript.update(encoded)
            output.sendEncoded(encoded)
            // RFC 8446 Appendix D.4: in middlebox compatibility mode, a dummy change_cipher_spec follows our first message.
            if !hello.legacySessionID.isEmpty { output.sendChangeCipherSpec() }
            let retry = Retry(transcript: transcript, suite: suite, group: group, cookie: cookie, legacySessionID: hello.legacySessionID)
            return .expectClientHello(ExpectClientHello(configuration: configuration, retry: retry))
        }

        /// ServerHello, then under handshake keys EncryptedExtensions, CertificateRequest (if asking),
        /// Certificate, CertificateVerify and Finished (RFC 8446 §2, Figure 1).
        private func sendFlight(
            hello: ClientHello, suite: CipherSuite, share: KeyShareEntry, clientSchemes: [SignatureScheme],
            transcript: TranscriptHash, output: inout HandshakeOutput
        ) throws -> ServerHandshakeState {
            var transcript = transcript
            let certified = configuration.certificate(forServerName: hello.extensions.serverName)
            guard
                let scheme = certified.privateKey.signatureSchemes.first(where: {
                    clientSchemes.contains($0) && configuration.signatureSchemes.contains($0)
                })
            else { throw TLSError(.noCommonSignatureScheme) }
            let applicationProtocol = try Negotiation.applicationProtocol(
                server: configuration.applicationProtocols, client: hello.extensions.applicationProtocols)
            let ephemeral = try EphemeralKey.generate(group: share.group)
            let sharedSecret = try ephemeral.sharedSecret(peerPublicKey: share.keyExchange)

            let serverHello = HandshakeMessage.serverHello(
                ServerHello(
                    random: configuration.random.bytes(32), legacySessionIDEcho: hello.legacySessionID, cipherSuite: suite,
                    extensions: ServerHelloExtensions(
                        supportedVersion: .tls13, keyShare: KeyShareEntry(group: share.group, keyExchange: ephemeral.publicKeyBytes))))
            let serverHelloBytes = serverHello.encoded()
            transcript.update(serverHelloBytes)
            output.sendEncoded(serverHelloBytes)
            if retry == nil && !hello.legacySessionID.isEmpty { output.sendChangeCipherSpec() }

            let handshake = KeySchedule.Early(suite: suite, psk: nil).handshake(sharedSecret: sharedSecret)
            let handshakeHash = transcript.digest()
            let clientHandshakeSecret = handshake.clientTrafficSecret(transcriptHash: handshakeHash)
            let serverHandshakeSecret = handshake.serverTrafficSecret(transcriptHash: handshakeHash)
            output.installWriteKeys(suite, serverHandshakeSecret)
            output.installReadKeys(suite, clientHandshakeSecret)
            output.logSecret("CLIENT_HANDSHAKE_TRAFFIC_SECRET", clientRandom: hello.random, clientHandshakeSecret)
            output.logSecret("SERVER_HANDSHAKE_TRAFFIC_SECRET", clientRandom: hello.random, serverHandshakeSecret)

            func send(_ message: HandshakeMessage) {
                let bytes = message.encoded()
                transcript.update(bytes)
                output.sendEncoded(bytes)
            }
            send(.encryptedExtensions(EncryptedExtensions(applicationProtocol: applicationProtocol.map { Array($0.utf8) })))
            let requestsCertificate: Bool
            if case .none = configuration.clientAuthentication {
                requestsCertificate = false
            } else {
                requestsCertificate = true
                send(.certificateRequest(CertificateRequest(requestContext: [], signatureAlgorithms: configuration.signatureSchemes)))
            }
            send(.certificate(CertificateMessage(requestContext: [], entries: certified.chainDER.map { CertificateEntry(certificateData: $0) })))
            let signed = CertificateVerifyContent.make(signer: .server, transcriptHash: transcript.digest())
            send(.certificateVerify(CertificateVerify(scheme: scheme, signature: try certified.privateKey.sign(signed, scheme: scheme))))
            send(VerifiedFinished.make(suite: suite, baseKey: serverHandshakeSecret, transcriptHash: transcript.digest()))

            let master = handshake.master()
            let applicationHash = transcript.digest()
            let clientApplicationSecret = master.clientTrafficSecret(transcriptHash: applicationHash)
            let serverApplicationSecret = master.serverTrafficSecret(transcriptHash: applicationHash)
            let exporterSecret = master.exporterMasterSecret(transcriptHash: applicationHash)
            output.installWriteKeys(suite, serverApplicationSecret)
            output.logSecret("CLIENT_TRAFFIC_SECRET_0", clientRandom: hello.random, clientApplicationSecret)
            output.logSecret("SERVER_TRAFFIC_SECRET_0", clientRandom: hello.random, serverApplicationSecret)
            output.logSecret("EXPORTER_SECRET", clientRandom: hello.random, exporterSecret)

            let parameters = NegotiatedParameters(
                cipherSuite: suite, group: share.group, serverSignatureScheme: scheme, applicationProtocol: applicationProtocol,
                serverName: hello.extensions.serverName, peerCertificates: [], isResumed: false, usedHelloRetryRequest: retry != nil)
            let flight = Flight(
                configuration: configuration, suite: suite, transcript: transcript, clientRandom: hello.random,
                clientHandshakeSecret: clientHandshakeSecret, master: master,
                traffic: ApplicationTraffic(
                    suite: suite, readSecret: clientApplicationSecret, writeSecret: serverApplicationSecret, exporterSecret: exporterSecret),
                clientApplicationSecret: clientApplicationSecret, parameters: parameters)
            return requestsCertificate ? .expectCertificate(ExpectCertificate(flight: flight)) : .expectFinished(ExpectFinished(flight: flight))
        }
    }
}
