import Crypto

extension KeySchedule {
    /// The Master Secret stage (RFC 8446 §7.1): the only stage that makes application
    /// traffic secrets, the exporter secret and the resumption secret.
    struct Master: Sendable {
        let suite: CipherSuite
        /// The Master Secret.
        let secret: SymmetricKey

        /// client_application_traffic_secret_0: Derive-Secret(., "c ap traffic", ClientHello...server Finished).
        func clientTrafficSecret(transcriptHash: [UInt8]) -> SymmetricKey {
            KeySchedule.deriveSecret(suite: suite, secret: secret, label: "c ap traffic", transcriptHash: transcriptHash)
        }

        /// server_application_traffic_secret_0: Derive-Secret(., "s ap traffic", ClientHello...server Finished).
        func serverTrafficSecret(transcriptHash: [UInt8]) -> SymmetricKey {
            KeySchedule.deriveSecret(suite: suite, secret: secret, label: "s ap traffic", transcriptHash: transcriptHash)
        }

        /// exporter_master_secret: Derive-Secret(., "exp master", ClientHello...server Finished).
        func exporterMasterSecret(transcriptHash: [UInt8]) -> SymmetricKey {
            KeySchedule.deriveSecret(suite: suite, secret: secret, label: "exp master", transcriptHash: transcriptHash)
        }

        /// resumption_master_secret: Derive-Secret(., "res master", ClientHello...client Finished).
        func resumption(transcriptHash: [UInt8]) -> Resumption {
            Resumption(
                suite: suite,
                secret: KeySchedule.deriveSecret(suite: suite, secret: secret, label: "res master", transcriptHash: transcriptHash))
        }
    }
}
