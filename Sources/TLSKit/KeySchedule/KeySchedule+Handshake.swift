import Crypto

extension KeySchedule {
    /// The Handshake Secret stage (RFC 8446 §7.1).
    struct Handshake: Sendable {
        let suite: CipherSuite
        /// The Handshake Secret.
        let secret: SymmetricKey
        private let keyed: KeyedSecret

        init(suite: CipherSuite, secret: SymmetricKey) {
            self.suite = suite
            self.secret = secret
            self.keyed = KeyedSecret(secret, hash: suite.suiteHash)
        }

        /// client_handshake_traffic_secret: Derive-Secret(., "c hs traffic", ClientHello...ServerHello).
        func clientTrafficSecret(transcriptHash: [UInt8]) -> SymmetricKey {
            KeySchedule.deriveSecret(keyed, suite: suite, label: "c hs traffic", transcriptHash: transcriptHash)
        }

        /// server_handshake_traffic_secret: Derive-Secret(., "s hs traffic", ClientHello...ServerHello).
        func serverTrafficSecret(transcriptHash: [UInt8]) -> SymmetricKey {
            KeySchedule.deriveSecret(keyed, suite: suite, label: "s hs traffic", transcriptHash: transcriptHash)
        }

        /// Moves to the Master Secret: HKDF-Extract(Derive-Secret(., "derived", ""), 0).
        func master() -> Master {
            Master(
                suite: suite,
                secret: KeySchedule.nextStageSecret(suite: suite, from: keyed, inputKeyMaterial: KeySchedule.zeroKey(for: suite)))
        }
    }
}
