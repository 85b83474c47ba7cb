import Crypto

extension KeySchedule {
    /// The Handshake Secret stage (RFC 8446 §7.1).
    struct Handshake: Sendable {
        let suite: CipherSuite
        /// The Handshake Secret.
        let secret: SymmetricKey

        /// client_handshake_traffic_secret: Derive-Secret(., "c hs traffic", ClientHello...ServerHello).
        func clientTrafficSecret(transcriptHash: [UInt8]) -> SymmetricKey {
            KeySchedule.deriveSecret(suite: suite, secret: secret, label: "c hs traffic", transcriptHash: transcriptHash)
        }

        /// server_handshake_traffic_secret: Derive-Secret(., "s hs traffic", ClientHello...ServerHello).
        func serverTrafficSecret(transcriptHash: [UInt8]) -> SymmetricKey {
            KeySchedule.deriveSecret(suite: suite, secret: secret, label: "s hs traffic", transcriptHash: transcriptHash)
        }

        /// Moves to the Master Secret: HKDF-Extract(Derive-Secret(., "derived", ""), 0).
        func master() -> Master {
            Master(
                suite: suite,
                secret: KeySchedule.nextStageSecret(suite: suite, from: secret, inputKeyMaterial: KeySchedule.zeroKey(for: suite)))
        }
    }
}
