import Crypto

extension ClientHandshake {
    /// Waiting for the ServerHello (or a HelloRetryRequest) that answers our ClientHello.
    struct ExpectServerHello {
        let sharedConfiguration: Shared<ClientConfiguration>
        var configuration: ClientConfiguration { _read { yield sharedConfiguration.value } }
        let serverName: String?
        let hello: ClientHello
        /// The encoded ClientHello, kept until the suite (and so the transcript hash) is known.
        let helloBytes: [UInt8]
        /// With a resumption offer, the transcript through this hello under the offered
        /// session's hash (``ResumptionOffer/attach(to:prefix:now:)``).
        let offeredTranscript: TranscriptHash?
        let keys: [ClientKeyShare]
        /// The session offered for resumption, if any.
        let offer: ResumptionOffer?
        /// Set once a HelloRetryRequest was answered: the transcript so far and the suite it chose.
        let retry: (transcript: TranscriptHash, suite: CipherSuite)?
        /// Whether early data followed this ClientHello (the first one only), under the offered
        /// session's early keys; the compatibility change_cipher_spec went before it.
        var sentEarlyData = false

        static func start(
            sharedConfiguration: Shared<ClientConfiguration>, serverName: String?, session: ClientSession?, earlyData: [UInt8]?,
            output: inout HandshakeOutput
        ) throws -> ExpectServerHello {
            let configuration = sharedConfiguration.value
            try configuration.validate()
            let now = configuration.time.now
            let suites = configuration.cipherSuites.filter(\.isSupported)
            let keys = try configuration.effectiveKeyShareGroups.map { try ClientKeyShare.generate(group: $0, provider: configuration.cryptoProvider) }
            var extensions = ClientHelloExtensions()
            // RFC 6066 §3: SNI carries host names only, never address literals.
            if let serverName, !ServerNameKind.isAddressLiteral(serverName) { extensions.serverName = serverName }
            extensions.supportedVersions = [.tls13]
            extensions.supportedGroups = configuration.groups.filter(NamedGroup.supported.contains)
            extensions.signatureAlgorithms = configuration.signatureSchemes
            extensions.keyShares = keys.map { KeyShareEntry(group: $0.group, keyExchange: $0.keyExchange) }
            if !configuration.resumptionModes.isEmpty {
                extensions.pskKeyExchangeModes = configuration.resumptionModes.map(\.codePoint)
            }
            extensions.postHandshakeAuth = configuration.offersPostHandshakeAuthentication
            if !configuration.applicationProtocols.isEmpty {
                extensions.applicationProtocols = configuration.applicationProtocols.map { Array($0.utf8) }
            }
            // RFC 8446 Appendix D.4: a non-empty legacy_session_id turns on middlebox compatibility mode.
            var hello = ClientHello(
                random: configuration.random.bytes(32), legacySessionID: configuration.random.bytes(32),
                cipherSuites: suites, extensions: extensions)
            let offer = ResumptionOffer.choose(explicit: session, serverName: serverName, configuration: configuration, suites: suites, now: now)
            // RFC 8446 §4.2.10: early data only with a PSK that allows it, and never more than the
            // ticket's max_early_data_size (§4.6.1).
            let early = earlyData.flatMap { data in
                offer.flatMap { offer in !data.isEmpty && data.count <= offer.session.maximumEarlyDataSize ? (offer, data) : nil }
            }
            hello.extensions.earlyData = early != nil
            let attached = offer?.attach(to: &hello, prefix: nil, now: now)
            let bytes = attached?.message ?? HandshakeMessage.encoded(.clientHello, hello)
            output.sendEncoded(bytes)
            var state = ExpectServerHello(
                sharedConfiguration: sharedConfiguration, serverName: serverName, hello: hello, helloBytes: bytes,
                offeredTranscript: attached?.transcript, keys: keys, offer: offer, retry: nil)
            if let (offer, data) = early {
                // RFC 8446 §7.1: client_early_traffic_secret covers the ClientHello alone, under the
                // PSK's own suite, which early data uses (§4.2.10). RFC 8446 Appendix D.4: the
                // compatibility change_cipher_spec goes before the first protected record.
                let suite = offer.session.cipherSuite
                let secret = offer.earlySecret(suite: suite).clientEarlyTrafficSecret(
                    transcriptHash: attached!.transcript.digest(), clientRandom: hello.random, log: &output)
                output.sendChangeCipherSpec()
                output.installWriteKeys(suite, secret)
                output.sendEarlyData(data)
                state.sentEarlyData = true
            }
            return state
        }

        func handle(_ serverHello: ServerHello, raw: [UInt8], output: inout HandshakeOutput) throws -> ClientHandshakeState {
            // RFC 8446 Appendix D.5: "Any endpoint receiving a Hello message with ... ServerHello.legacy_version
            // set to 0x0300 MUST abort the handshake with a "protocol_version" alert", whatever its extensions say.
            guard serverHello.legacyVersion > 0x0300 else { throw TLSError(.unsupportedVersion) }
            guard let version = serverHello.extensions.supportedVersion else {
                // A server that does not send supported_versions is negotiating TLS 1.2 or older.
                throw TLSError(.unsupportedVersion)
            }
            guard version == .tls13, serverHello.legacyVersion == 0x0303 else { throw TLSError(.illegalParameter("selected version")) }
            guard serverHello.legacySessionIDEcho == hello.legacySessionID else { throw TLSError(.illegalParameter("legacy_session_id_echo")) }
            guard hello.cipherSuites.contains(serverHello.cipherSuite) else { throw TLSError(.illegalParameter("cipher suite not offered")) }
            guard serverHello.legacyCompressionMethod == 0 else { throw TLSError(.illegalParameter("legacy_compression_method")) }
            if let retry, serverHello.cipherSuite != retry.suite {
                throw TLSError(.illegalParameter("cipher suite differs from the HelloRetryRequest"))
            }
            if serverHello.isHelloRetryRequest {
                return try handleRetryRequest(serverHello, raw: raw, output: &output)
            }
            try requireOnly(offer == nil ? Self.fullHandshakeExtensions : Self.resumptionExtensions, in: serverHello.extensions.receivedTypes)
            let suite = serverHello.cipherSuite
            var early = KeySchedule.Early(suite: suite, psk: nil, provider: configuration.cryptoProvider)
            var resumed = false
            if let selected = serverHello.extensions.preSharedKey {
                // RFC 8446 §4.2.11: the server picks one of our identities, usable with its suite.
                guard let offer, selected == 0 else { throw TLSError(.illegalParameter("selected_identity \(selected)")) }
                guard offer.session.cipherSuite.hashLength == suite.hashLength else {
                    throw TLSError(.illegalParameter("cipher suite hash differs from the PSK's"))
                }
                early = offer.earlySecret(suite: suite)
                resumed = true
            }
            var sharedSecret: SymmetricKey?
            if let share = serverHello.extensions.keyShare {
                guard let key = keys.first(where: { $0.group == share.group }) else {
                    throw TLSError(.illegalParameter("key share for a group we did not share"))
                }
                sharedSecret = try key.sharedSecret(serverShare: share.keyExchange)
            } else if resumed {
                // RFC 8446 §4.2.11: the client "MUST verify ... that a server "key_share" extension is present
                // if required by the ClientHello "psk_key_exchange_modes" extension. If these values are not
                // consistent, the client MUST abort the handshake with an "illegal_parameter" alert."
                guard configuration.resumptionModes.contains(.pskOnly) else {
                    throw TLSError(.illegalParameter("PSK without key_share, psk_ke not offered"))
                }
            } else {
                throw TLSError(.missingExtension("key_share"))
            }
            var transcript: TranscriptHash
            if let retry {
                transcript = retry.transcript
            } else if resumed, let offeredTranscript {
                // The PSK's hash is the suite's (checked above).
                transcript = offeredTranscript
            } else {
                transcript = TranscriptHash(suite: suite, provider: configuration.cryptoProvider)
                transcript.update(helloBytes)
            }
            transcript.update(raw)

            let handshake = (consume early).handshake(sharedSecret: sharedSecret)
            let secrets = handshake.trafficSecrets(transcriptHash: transcript.digest(), clientRandom: hello.random, log: &output)
            output.installReadKeys(suite, secrets.server)
            // RFC 8446 Appendix D.4: one compatibility change_cipher_spec goes before our first encrypted
            // record, unless it already went before the second ClientHello or the early data.
            // After early data, the early keys stay until the server's Finished has been read:
            // EndOfEarlyData, if the server accepted it, goes under them (RFC 8446 §4.5).
            if retry == nil && !sentEarlyData { output.sendChangeCipherSpec() }
            if !sentEarlyData { output.installWriteKeys(suite, secrets.client) }
            let parameters = NegotiatedParameters(
                cipherSuite: suite, group: serverHello.extensions.keyShare?.group, serverSignatureScheme: nil, applicationProtocol: nil,
                serverName: hello.extensions.serverName, peerCertificates: [], isResumed: resumed, usedHelloRetryRequest: retry != nil)
            let flight = Flight(
                sharedConfiguration: sharedConfiguration, serverName: serverName, suite: suite, transcript: transcript,
                clientRandom: hello.random, offeredProtocols: hello.extensions.applicationProtocols ?? [],
                handshake: handshake, handshakeSecrets: secrets, parameters: parameters)
            flight.earlyDataSession = sentEarlyData ? offer?.session : nil
            return .expectEncryptedExtensions(ExpectEncryptedExtensions(flight: flight))
        }

        /// RFC 8446 §4.1.4: answer a HelloRetryRequest with a second ClientHello carrying the
        /// requested key share and the cookie, if any.
        private func handleRetryRequest(_ request: ServerHello, raw: [UInt8], output: inout HandshakeOutput) throws -> ClientHandshakeState {
            guard retry == nil else { throw TLSError(.unexpectedMessage("second HelloRetryRequest")) }
            try requireOnly(Self.retryRequestExtensions, in: request.extensions.receivedTypes)
            let selected = request.extensions.selectedGroup
            if let group = selected {
                guard hello.extensions.supportedGroups?.contains(group) == true else {
                    throw TLSError(.illegalParameter("HelloRetryRequest asks for a group we did not offer"))
                }
                guard !keys.contains(where: { $0.group == group }) else {
                    throw TLSError(.illegalParameter("HelloRetryRequest asks for a group we already shared"))
                }
            } else if request.extensions.cookie == nil {
                throw TLSError(.illegalParameter("HelloRetryRequest would not change the ClientHello"))
            }
            var transcript = TranscriptHash(suite: request.cipherSuite, provider: configuration.cryptoProvider)
            transcript.update(helloBytes)
            transcript.restartForHelloRetryRequest()
            transcript.update(raw)

            // RFC 8446 §4.1.2: "Early data is not permitted after a HelloRetryRequest": what was
            // sent is lost, the application is told, and the second ClientHello goes in plaintext.
            if sentEarlyData {
                output.raise(.earlyDataRejected(nil))
                output.removeWriteKeys()
            }
            let newKeys = try selected.map { [try ClientKeyShare.generate(group: $0, provider: configuration.cryptoProvider)] } ?? keys
            var secondHello = hello
            // RFC 8446 §4.1.2: the second ClientHello drops early_data: "Early data is not permitted
            // after a HelloRetryRequest."
            secondHello.extensions.earlyData = false
            secondHello.extensions.keyShares = newKeys.map { KeyShareEntry(group: $0.group, keyExchange: $0.keyExchange) }
            secondHello.extensions.cookie = request.extensions.cookie
            // RFC 8446 §4.1.4: the PSK stays only if its hash matches the suite the server chose;
            // its binder is recomputed over the new transcript.
            var offer = offer
            secondHello.extensions.preSharedKey = nil
            let bytes: [UInt8]
            if let current = offer, current.session.cipherSuite.hashLength == request.cipherSuite.hashLength {
                (bytes, transcript) = current.attach(to: &secondHello, prefix: transcript, now: configuration.time.now)
            } else {
                offer = nil
                bytes = HandshakeMessage.encoded(.clientHello, secondHello)
                transcript.update(bytes)
            }
            if !sentEarlyData { output.sendChangeCipherSpec() }
            output.sendEncoded(bytes)
            return .expectServerHello(
                ExpectServerHello(
                    sharedConfiguration: sharedConfiguration, serverName: serverName, hello: secondHello, helloBytes: bytes,
                    offeredTranscript: nil, keys: newKeys, offer: offer, retry: (transcript, request.cipherSuite)))
        }

        /// A server may only send extensions the client offered and the message allows (RFC 8446 §4.2).
        ///
        /// One we offered is one we recognize, and RFC 8446 §4.2 says "If an implementation receives an
        /// extension which it recognizes and which is not specified for the message in which it appears, it
        /// MUST abort the handshake with an "illegal_parameter" alert"; one we did not offer is an
        /// "unsupported_extension".
        // Small lists, made once: a set built per ServerHello would be an allocation per handshake.
        private static let fullHandshakeExtensions: [ExtensionType] = [.supportedVersions, .keyShare]
        private static let resumptionExtensions: [ExtensionType] = [.supportedVersions, .keyShare, .preSharedKey]
        private static let retryRequestExtensions: [ExtensionType] = [.supportedVersions, .keyShare, .cookie]

        func requireOnly(_ allowed: [ExtensionType], in received: [ExtensionType]) throws {
            for type in received where !allowed.contains(type) {
                if hello.extensions.rawExtensions.contains(where: { $0.type == type }) {
                    throw TLSError(.illegalParameter("extension \(type.rawValue) in ServerHello"))
                }
                throw TLSError(.unsupportedExtension("extension \(type.rawValue) in ServerHello"))
            }
        }
    }
}

/// Tells host names from address literals.
enum ServerNameKind {
    /// An IPv6 literal (any colon) or a dotted-quad IPv4 literal: four parts of one to three
    /// digits, each at most 255. Read in one pass without splitting: every client connection
    /// asks this of its server name.
    static func isAddressLiteral(_ name: String) -> Bool {
        let utf8 = name.utf8
        // IPv6 literals contain colons, which host names never do.
        if utf8.contains(UInt8(ascii: ":")) { return true }
        var parts = 1
        var digits = 0
        var value = 0
        for byte in utf8 {
            switch byte {
            case UInt8(ascii: "."):
                guard digits > 0, parts < 4 else { return false }
                parts += 1
                digits = 0
                value = 0
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                digits += 1
                value = value * 10 + Int(byte - UInt8(ascii: "0"))
                guard digits <= 3, value <= 255 else { return false }
            default:
                return false
            }
        }
        return parts == 4 && digits > 0
    }
}
