import Crypto

extension ServerHandshake.ExpectClientHello {
    /// ServerHello, then under handshake keys EncryptedExtensions, and for a full handshake
    /// CertificateRequest (if asking), Certificate and CertificateVerify, then Finished
    /// (RFC 8446 §2, Figures 1 and 3).
    func sendFlight(
        hello: ClientHello, suite: CipherSuite, share: KeyShareEntry?, resumed: ServerHandshake.ResumedSession?,
        transcript: TranscriptHash, output: inout HandshakeOutput
    ) throws -> ServerHandshakeState {
        var transcript = transcript
        let applicationProtocol = try Negotiation.applicationProtocol(
            server: configuration.applicationProtocols, client: hello.extensions.applicationProtocols)
        var certificateChoice: (certified: CertifiedKey, scheme: SignatureScheme)?
        if resumed == nil {
            let certified = configuration.certificate(forServerName: hello.extensions.serverName)
            let clientSchemes = hello.extensions.signatureAlgorithms ?? []
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
        output.installReadKeys(suite, handshakeSecrets.client)

        func send(_ message: HandshakeMessage) {
            let bytes = message.encoded()
            transcript.update(bytes)
            output.sendEncoded(bytes)
        }
        send(.encryptedExtensions(EncryptedExtensions(applicationProtocol: applicationProtocol.map { Array($0.utf8) })))
        var requestsCertificate = false
        if let (certified, scheme) = certificateChoice {
            if case .none = configuration.clientAuthentication {} else {
                requestsCertificate = true
                send(.certificateRequest(CertificateRequest(requestContext: [], signatureAlgorithms: configuration.signatureSchemes)))
            }
            send(.certificate(CertificateMessage(requestContext: [], entries: certified.chainDER.map { CertificateEntry(certificateData: $0) })))
            let signed = CertificateVerifyContent.make(signer: .server, transcriptHash: transcript.digest())
            send(.certificateVerify(CertificateVerify(scheme: scheme, signature: try certified.privateKey.sign(signed, scheme: scheme))))
        }
        send(handshakeSecrets.server.finished(transcriptHash: transcript.digest()))

        let master = (consume handshake).master()
        let applicationSecrets = master.applicationTrafficSecrets(transcriptHash: transcript.digest(), clientRandom: hello.random, log: &output)
        output.installWriteKeys(suite, applicationSecrets.server)

        let parameters = NegotiatedParameters(
            cipherSuite: suite, group: share?.group, serverSignatureScheme: certificateChoice?.scheme,
            applicationProtocol: applicationProtocol, serverName: hello.extensions.serverName,
            peerCertificates: resumed?.clientCertificates ?? [], isResumed: resumed != nil, usedHelloRetryRequest: retry != nil)
        let flight = ServerHandshake.Flight(
            configuration: configuration, suite: suite, transcript: transcript, clientHandshakeSecret: handshakeSecrets.client,
            master: master, applicationSecrets: applicationSecrets,
            parameters: parameters,
            clientCertificateChainDER: resumed?.state.clientCertificateChain ?? [],
            clientModes: hello.extensions.pskKeyExchangeModes ?? [],
            clientOffersPostHandshakeAuthentication: hello.extensions.postHandshakeAuth)
        return requestsCertificate
            ? .expectCertificate(ServerHandshake.ExpectCertificate(flight: flight))
            : .expectFinished(ServerHandshake.ExpectFinished(flight: flight))
    }
}
