import Crypto

extension KeySchedule {
    /// The Master Secret stage (RFC 8446 §7.1): the only stage that makes application
    /// traffic secrets, the exporter secret and the resumption secret.
    struct Master: Sendable {
        let suite: CipherSuite
        /// The Master Secret.
        let secret: SymmetricKey
        private let keyed: KeyedSecret

        init(suite: CipherSuite, secret: SymmetricKey) {
            self.suite = suite
            self.secret = secret
            self.keyed = KeyedSecret(secret, hash: suite.suiteHash)
        }

        /// client_application_traffic_secret_0: Derive-Secret(., "c ap traffic", ClientHello...server Finished).
        func clientTrafficSecret(transcriptHash: [UInt8]) -> SymmetricKey {
            KeySchedule.deriveSecret(keyed, suite: suite, label: "c ap traffic", transcriptHash: transcriptHash)
        }

        /// server_application_traffic_secret_0: Derive-Secret(., "s ap traffic", ClientHello...server Finished).
        func serverTrafficSecret(transcriptHash: [UInt8]) -> SymmetricKey {
            KeySchedule.deriveSecret(keyed, suite: suite, label: "s ap traffic", transcriptHash: transcriptHash)
        }

        /// exporter_master_secret: Derive-Secret(., "exp master", ClientHello...server Finished).
        func exporterMasterSecret(transcriptHash: [UInt8]) -> SymmetricKey {
            KeySchedule.deriveSecret(keyed, suite: suite, label: "exp master", transcriptHash: transcriptHash)
        }

        /// resumption_master_secret: Derive-Secret(., "res master", ClientHello...client Finished).
        func resumption(transcriptHash: [UInt8]) -> Resumption {
            Resumption(
                suite: suite,
                secret: KeySchedule.deriveSecret(keyed, suite: suite, label: "res master", transcriptHash: transcriptHash))
        }
    }
}
