import Crypto

/// The two handshake traffic secrets (RFC 8446 §7.1), derived and key-logged the same way by both roles.
///
/// Each is keyed once: its record key and IV and its Finished key all derive from it.
struct HandshakeTrafficSecrets {
    let client: KeyedSecret
    let server: KeyedSecret

    init(_ handshake: KeySchedule.Handshake, transcriptHash: [UInt8], clientRandom: [UInt8], output: inout HandshakeOutput) {
        let hash = handshake.suite.suiteHash
        client = KeyedSecret(handshake.clientTrafficSecret(transcriptHash: transcriptHash), hash: hash)
        server = KeyedSecret(handshake.serverTrafficSecret(transcriptHash: transcriptHash), hash: hash)
        output.logSecret("CLIENT_HANDSHAKE_TRAFFIC_SECRET", clientRandom: clientRandom, client.secret)
        output.logSecret("SERVER_HANDSHAKE_TRAFFIC_SECRET", clientRandom: clientRandom, server.secret)
    }
}

/// The first application traffic secrets and the exporter secret (RFC 8446 §7.1), derived from the
/// transcript through the server's Finished and key-logged the same way by both roles.
struct ApplicationTrafficSecrets {
    let client: SymmetricKey
    let server: SymmetricKey
    let exporter: SymmetricKey

    init(_ master: KeySchedule.Master, transcriptHash: [UInt8], clientRandom: [UInt8], output: inout HandshakeOutput) {
        client = master.clientTrafficSecret(transcriptHash: transcriptHash)
        server = master.serverTrafficSecret(transcriptHash: transcriptHash)
        exporter = master.exporterMasterSecret(transcriptHash: transcriptHash)
        output.logSecret("CLIENT_TRAFFIC_SECRET_0", clientRandom: clientRandom, client)
        output.logSecret("SERVER_TRAFFIC_SECRET_0", clientRandom: clientRandom, server)
        output.logSecret("EXPORTER_SECRET", clientRandom: clientRandom, exporter)
    }

    /// The established connection's secrets as seen from `role`.
    func traffic(suite: CipherSuite, for role: HandshakeRole) -> ApplicationTraffic {
        ApplicationTraffic(
            suite: suite, readSecret: role == .client ? server : client, writeSecret: role == .client ? client : server,
            exporterSecret: exporter)
    }
}
