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
        let sharedConfiguration: Shared<ServerConfiguration>
        var configuration: ServerConfiguration { _read { yield sharedConfiguration.value } }
        let retry: Retry?

        /// The server's answer to a ClientHello, in the order RFC 8446 §4.1.1 reads: negotiate the
        /// version and suite, decide on the PSK, choose the key share (or ask for one with a
        /// HelloRetryRequest), decide on early data, then send the flight.
        ///
        /// A ClientHello that offers early data is counted once, accepted or declined with its
        /// reason (``examineEarlyData(_:suite:decision:applicationProtocol:)``). When everything
        /// but the replay check holds, the flight waits for the replay guard
        /// (``ServerHandshake/AwaitEarlyDataReplayCheck``). A second ClientHello never offers it
        /// (``validateSecondHello(_:retry:)`` refuses one that does), so each connection counts at most once.
        func handle(_ hello: ClientHello, raw: [UInt8], output: inout HandshakeOutput) throws -> ServerHandshakeState {
            let (suite, mode) = try negotiate(hello)
            var transcript = retry?.transcript ?? TranscriptHash(suite: suite, provider: configuration.cryptoProvider)

            // A psk_ke resumption needs no key share, so it is decided first. Any other handshake
            // needs the share first: a HelloRetryRequest comes before the PSK is looked at.
            let pskOnly = mode == .pskOnly ? try decideResumption(hello, raw: raw, suite: suite, transcript: transcript, mode: .pskOnly, output: &output) : nil
            var share: KeyShareEntry?
            if pskOnly?.resumed == nil {
                switch try chooseKeyShare(hello) {
                case .share(let chosen): share = chosen
                case .none: break
                case .retry(let group): return helloRetryRequest(for: hello, raw: raw, suite: suite, group: group, output: &output)
                }
            }
            let decision = try pskOnly ?? mode.map { try decideResumption(hello, raw: raw, suite: suite, transcript: transcript, mode: $0, output: &output) }
            let resumed = decision?.resumed

            if resumed == nil {
                // RFC 8446 §9.2: without a PSK, a certificate-based handshake needs all three.
                guard hello.extensions.supportedGroups != nil else { throw TLSError(.missingExtension("supported_groups")) }
                guard hello.extensions.signatureAlgorithms != nil else { throw TLSError(.missingExtension("signature_algorithms")) }
                guard share != nil else { throw TLSError(.missingExtension("key_share")) }
            } else if resumed?.mode == .pskWithKeyExchange && share == nil {
                throw TLSError(.missingExtension("key_share"))
            }
            let applicationProtocol = try Negotiation.applicationProtocol(
                server: configuration.applicationProtocols, client: hello.extensions.applicationProtocols)
            if let throughHello = decision?.transcriptThroughHello {
                transcript = throughHello
            } else {
                transcript.update(raw)
            }
            let plan = ServerHandshake.FlightPlan(
                hello: ServerHandshake.OfferedHello(hello), suite: suite, share: share, resumed: resumed, transcript: transcript,
                applicationProtocol: applicationProtocol)
            guard hello.extensions.earlyData else { return try sendFlight(plan, acceptingEarlyData: false, output: &output) }
            switch examineEarlyData(hello, suite: suite, decision: decision, applicationProtocol: applicationProtocol) {
            case .failure(let reason):
                declineEarlyData(reason, mode: .undecryptable, output: &output)
                return try sendFlight(plan, acceptingEarlyData: false, output: &output)
            case .success(let attempt):
                output.awaitEarlyDataReplayCheck(attempt)
                return .awaitEarlyDataReplayCheck(ServerHandshake.AwaitEarlyDataReplayCheck(answering: self, plan: plan))
            }
        }

        /// Checks what every TLS 1.3 ClientHello must be, and picks the cipher suite and the
        /// resumption mode a PSK offer would use.
        private func negotiate(_ hello: ClientHello) throws -> (suite: CipherSuite, mode: ResumptionMode?) {
            let extensions = hello.extensions
            // RFC 8446 Appendix D.5: "Any endpoint receiving a Hello message with
            // ClientHello.legacy_version or ServerHello.legacy_version set to 0x0300 MUST abort the
            // handshake with a protocol_version alert"; SSL 3.0 and anything older, whatever
            // supported_versions offers.
            guard hello.legacyVersion > 0x0300 else { throw TLSError(.unsupportedVersion) }
            // RFC 8446 §4.2.1: a ClientHello without TLS 1.3 in supported_versions comes from an older client.
            guard let versions = extensions.supportedVersions, versions.contains(.tls13) else { throw TLSError(.unsupportedVersion) }
            // RFC 8446 §4.1.2: TLS 1.3 ClientHellos carry exactly one compression method, null.
            guard hello.legacyCompressionMethods == [0] else { throw TLSError(.illegalParameter("legacy_compression_methods")) }
            let suite = try chooseCipherSuite(hello)
            // RFC 8446 §4.2.9: a PSK offer without psk_key_exchange_modes must be refused.
            if extensions.preSharedKey != nil && extensions.pskKeyExchangeModes == nil {
                throw TLSError(.missingExtension("psk_key_exchange_modes"))
            }
            // RFC 8446 §9.2: supported_groups and key_share come together.
            switch (extensions.supportedGroups, extensions.keyShares) {
            case (nil, .some): throw TLSError(.missingExtension("supported_groups"))
            case (.some, nil): throw TLSError(.missingExtension("key_share"))
            case (.some(let clientGroups), .some(let keyShares)): try validate(keyShares: keyShares, clientGroups: clientGroups)
            case (nil, nil): break
            }
            if let retry { try validateSecondHello(hello, retry: retry) }
            return (suite, resumptionMode(extensions))
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

        /// The resumption mode we would use if the client offers a PSK: our most preferred
        /// mode the client also allows.
        private func resumptionMode(_ extensions: ClientHelloExtensions) -> ResumptionMode? {
            guard extensions.preSharedKey != nil, let modes = extensions.pskKeyExchangeModes else { return nil }
            return configuration.resumptionModes.first { modes.contains($0.codePoint) }
        }

        /// RFC 8446 §4.2.8: each share is for a group in supported_groups, at most one per group,
        /// and of the length its group gives it. An empty share, or one of the wrong length, is
        /// an illegal value for its group, as a point off the curve is (§4.2.8.2).
        private func validate(keyShares: [KeyShareEntry], clientGroups: [NamedGroup]) throws {
            try Negotiation.requireDistinct(keyShares.map(\.group), "key share group")
            for share in keyShares {
                guard clientGroups.contains(share.group) else {
                    throw TLSError(.illegalParameter("key share for \(share.group) not in supported_groups"))
                }
                guard !share.keyExchange.isEmpty, share.group.keyShareLength.map({ $0 == share.keyExchange.count }) ?? true else {
                    throw TLSError(.illegalParameter("key share of \(share.keyExchange.count) bytes for \(share.group)"))
                }
            }
        }

        private enum KeyShareChoice {
            case share(KeyShareEntry)
            /// The hello offers no (EC)DHE at all: only a psk_ke resumption can go on.
            case none
            case retry(NamedGroup)
        }

        /// With ``KeyShareSelection/preferOfferedShares``, uses the client's share for our most
        /// preferred group it sent a share for; failing that, asks (HelloRetryRequest) for our most
        /// preferred group it supports. With ``KeyShareSelection/requireMostPreferredGroup``, our
        /// most preferred group it supports, asked for if it sent no share for it. After a
        /// HelloRetryRequest the one share is for the group asked for (``validateSecondHello(_:retry:)``).
        private func chooseKeyShare(_ hello: ClientHello) throws -> KeyShareChoice {
            guard let clientGroups = hello.extensions.supportedGroups, let keyShares = hello.extensions.keyShares else { return .none }
            if retry != nil { return .share(keyShares[0]) }
            let usable = configuration.groups.filter(NamedGroup.supported.contains)
            if configuration.keyShareSelection == .preferOfferedShares {
                for group in usable {
                    if let share = keyShares.first(where: { $0.group == group }) { return .share(share) }
                }
            }
            guard let group = usable.first(where: clientGroups.contains) else { throw TLSError(.noCommonGroup) }
            return keyShares.first(where: { $0.group == group }).map(KeyShareChoice.share) ?? .retry(group)
        }

        private func validateSecondHello(_ hello: ClientHello, retry: Retry) throws {
            // RFC 8446 §4.1.2: the client replaces its key shares with one for the selected group.
            guard let keyShares = hello.extensions.keyShares, keyShares.count == 1, keyShares[0].group == retry.group else {
                throw TLSError(.illegalParameter("second ClientHello must share exactly the group asked for"))
            }
            guard hello.legacySessionID == retry.legacySessionID else { throw TLSError(.illegalParameter("legacy_session_id changed")) }
            // RFC 8446 §4.1.2: the client removes early_data: "Early data is not permitted after a HelloRetryRequest."
            guard !hello.extensions.earlyData else { throw TLSError(.illegalParameter("early_data after HelloRetryRequest")) }
            if let cookie = retry.cookie {
                guard let echoed = hello.extensions.cookie else { throw TLSError(.missingExtension("cookie")) }
                guard constantTimeEquals(echoed, cookie) else { throw TLSError(.illegalParameter("cookie does not match")) }
            }
        }

        /// RFC 8446 §4.1.4: ask for a key share for `group`.
        private func helloRetryRequest(
            for hello: ClientHello, raw: [UInt8], suite: CipherSuite, group: NamedGroup, output: inout HandshakeOutput
        ) -> ServerHandshakeState {
            var transcript = TranscriptHash(suite: suite, provider: configuration.cryptoProvider)
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
            // RFC 8446 §4.1.2: "Early data is not permitted after a HelloRetryRequest"; the records
            // the client sent are skipped until its second ClientHello.
            if hello.extensions.earlyData { declineEarlyData(.afterHelloRetryRequest, mode: .protected, output: &output) }
            let retry = Retry(transcript: transcript, suite: suite, group: group, cookie: cookie, legacySessionID: hello.legacySessionID)
            return .expectClientHello(ExpectClientHello(sharedConfiguration: sharedConfiguration, retry: retry))
        }
    }
}
