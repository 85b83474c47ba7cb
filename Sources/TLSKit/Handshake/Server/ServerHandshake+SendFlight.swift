import Crypto

extension ServerHandshake.ExpectClientHello {
    /// ServerHello, then under handshake keys EncryptedExtensions, and for a full handshake
    /// CertificateRequest (if asking), Certificate and CertificateVerify, then Finished
    /// (RFC 8446 §2, Figures 1, 3 and 4).
    ///
    /// Accepting early data, the client's records are read under client_early_traffic_secret
    /// (RFC 8446 §7.1: Derive-Secret(Early Secret, "c e traffic", ClientHello)) until its
    /// EndOfEarlyData, and EncryptedExtensions carries `early_data` (§4.2.10).
    func sendFlight(_ plan: ServerHandshake.FlightPlan, acceptingEarlyData: Bool, output: inout HandshakeOutput) throws -> ServerHandshakeState {
        let hello = plan.hello
        let suite = plan.suite
        let share = plan.share
        let resumed = plan.resumed
        let applicationProtocol = plan.applicationProtocol
        var transcript = plan.transcript
        // The early secret is the resumed PSK's; the transcript, the ClientHello alone.
        let earlyTrafficSecret = acceptingEarlyData
            ? resumed?.early.clientEarlyTrafficSecret(transcriptHash: transcript.digest(), clientRandom: hello.random, log: &output) : nil
        var certificateChoice: (certified: CertifiedKey, scheme: SignatureScheme)?
        if resumed == nil {
            let certified = configuration.certificate(forServerName: hello.serverName)
            let clientSchemes = hello.signatureAlgorithms
            guard
                let scheme = certified.privateKey.signatureSchemes.first(where: {
                    clientSchemes.contains($0) && configuration.signatureSchemes.contains($0)
                })
            else { throw TLSError(.noCommonSignatureScheme) }
            certificateChoice = (certified, scheme)
        }

        var serverExtensions = ServerHelloExtensions(supportedVersion: .tls13)
        var sharedSecret: SymmetricKey?
        if let share {
            let response = try ServerKeyShare.respond(group: share.group, toClientShare: share.keyExchange, provider: configuration.cryptoProvider)
            sharedSecret = response.sharedSecret
            serverExtensions.keyShare = KeyShareEntry(group: share.group, keyExchange: response.keyExchange)
        }
        if let resumed { serverExtensions.preSharedKey = UInt16(resumed.identityIndex) }
        let serverHello = HandshakeMessage.serverHello(
            ServerHello(
                random: configuration.random.bytes(32), legacySessionIDEcho: hello.legacySessionID, cipherSuite: suite,
                extensions: serverExtensions))
        let serverHelloBytes = serverHello.encoded()
        transcript.update(serverHelloBytes)
        output.sendEncoded(serverHelloBytes)
        if retry == nil && !hello.legacySessionID.isEmpty { output.sendChangeCipherSpec() }

        let early = resumed?.early ?? KeySchedule.Early(suite: suite, psk: nil, provider: configuration.cryptoProvider)
        let handshake = (consume early).handshake(sharedSecret: sharedSecret)
        let handshakeSecrets = handshake.trafficSecrets(transcriptHash: transcript.digest(), clientRandom: hello.random, log: &output)
        output.installWriteKeys(suite, handshakeSecrets.server)
        if let earlyTrafficSecret {
            output.acceptEarlyData(suite, earlyTrafficSecret, maximumSize: Int(resumed?.state.maximumEarlyDataSize ?? 0))
        } else {
            output.installReadKeys(suite, handshakeSecrets.client)
        }

        func send(_ message: HandshakeMessage) {
            let bytes = message.encoded()
            transcript.update(bytes)
            output.sendEncoded(bytes)
        }
        var encryptedExtensions = EncryptedExtensions(applicationProtocol: applicationProtocol.map { Array($0.utf8) })
        encryptedExtensions.earlyData = earlyTrafficSecret != nil
        send(.encryptedExtensions(encryptedExtensions))
        var requestsCertificate = false
        if let (certified, scheme) = certificateChoice {
            if case .none = configuration.clientAuthentication {} else {
                requestsCertificate = true
                send(.certificateRequest(CertificateRequest(requestContext: [], signatureAlgorithms: configuration.signatureSchemes)))
            }
            send(.certificate(CertificateMessage(requestContext: [], entries: certified.chainDER.map { CertificateEntry(certificateData: $0) })))
            let signed = CertificateVerifyContent.make(signer: .server, transcriptHash: transcript.digest())
            send(.certificateVerify(CertificateVerify(scheme: scheme, signature: try certified.privateKey.sign(signed, scheme: scheme, provider: configuration.cryptoProvider))))
        }
        send(handshakeSecrets.server.finished(transcriptHash: transcript.digest()))

        let master = (consume handshake).master()
        let applicationSecrets = master.applicationTrafficSecrets(transcriptHash: transcript.digest(), clientRandom: hello.random, log: &output)
        output.installWriteKeys(suite, applicationSecrets.server)

        let parameters = NegotiatedParameters(
            cipherSuite: suite, group: share?.group, serverSignatureScheme: certificateChoice?.scheme,
            applicationProtocol: applicationProtocol, serverName: hello.serverName,
            peerCertificates: resumed?.clientCertificates ?? [], isResumed: resumed != nil, usedHelloRetryRequest: retry != nil)
        let flight = ServerHandshake.Flight(
            sharedConfiguration: sharedConfiguration, suite: suite, transcript: transcript, clientHandshakeSecret: handshakeSecrets.client,
            master: master, applicationSecrets: applicationSecrets,
            parameters: parameters,
            clientCertificateChainDER: resumed?.state.clientCertificateChain ?? [],
            clientModes: hello.pskKeyExchangeModes,
            clientOffersPostHandshakeAuthentication: hello.postHandshakeAuth)
        if earlyTrafficSecret != nil { return .expectEndOfEarlyData(ServerHandshake.ExpectEndOfEarlyData(flight: flight)) }
        return requestsCertificate
            ? .expectCertificate(ServerHandshake.ExpectCertificate(flight: flight))
            : .expectFinished(ServerHandshake.ExpectFinished(flight: flight))
    }
}
