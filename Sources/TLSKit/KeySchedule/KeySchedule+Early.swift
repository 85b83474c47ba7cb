import Crypto

extension KeySchedule {
    /// The Early Secret stage: HKDF-Extract(0, PSK) (RFC 8446 §7.1).
    struct Early: Sendable {
        let suite: CipherSuite
        /// The Early Secret.
        let secret: SymmetricKey

        /// Starts the schedule. Without a PSK the input is Hash.length zero bytes.
        init(suite: CipherSuite, psk: SymmetricKey?) {
            self.suite = suite
            let zeros = KeySchedule.zeroKey(for: suite)
            secret = suite.suiteHash.extract(salt: SymmetricKey(data: [UInt8]()), inputKeyMaterial: psk ?? zeros)
        }

        /// binder_key for resumption PSKs: Derive-Secret(., "res binder", ""). Binders are
        /// ``KeySchedule/finishedVerifyData(suite:baseKey:transcriptHash:)`` with this base key.
        func resumptionBinderKey() -> SymmetricKey {
            KeySchedule.deriveSecretOverEmptyTranscript(suite: suite, secret: secret, label: "res binder")
        }

        /// client_early_traffic_secret: Derive-Secret(., "c e traffic", ClientHello).
        func clientEarlyTrafficSecret(transcriptHash: [UInt8]) -> SymmetricKey {
            KeySchedule.deriveSecret(suite: suite, secret: secret, label: "c e traffic", transcriptHash: transcriptHash)
        }

        /// Moves to the Handshake Secret with the (EC)DHE shared secret, or zeros for psk_ke.
        func handshake(sharedSecret: SymmetricKey?) -> Handshake {
            let input = sharedSecret ?? KeySchedule.zeroKey(for: suite)
            return Handshake(
                suite: suite, secret: KeySchedule.nextStageSecret(suite: suite, from: secret, inputKeyMaterial: input))
        }
    }
}
