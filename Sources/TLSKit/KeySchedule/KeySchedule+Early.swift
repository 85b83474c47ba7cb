import Crypto

extension KeySchedule {
    /// The Early Secret stage: HKDF-Extract(0, PSK) (RFC 8446 §7.1).
    struct Early: Sendable {
        let suite: CipherSuite
        /// The Early Secret.
        let secret: SymmetricKey
        private let keyed: KeyedSecret

        /// Starts the schedule. Without a PSK the input is Hash.length zero bytes.
        init(suite: CipherSuite, psk: SymmetricKey?) {
            self.suite = suite
            if let psk {
                secret = suite.suiteHash.extract(salt: SymmetricKey(data: [UInt8]()), inputKeyMaterial: psk)
                keyed = KeyedSecret(secret, hash: suite.suiteHash)
            } else {
                // Without a PSK the Early Secret is the same for every handshake of a hash: made once.
                keyed = KeySchedule.earlySecretWithoutPSK(suite.suiteHash)
                secret = keyed.secret
            }
        }

        /// binder_key for resumption PSKs: Derive-Secret(., "res binder", ""). Binders are
        /// ``KeySchedule/finishedVerifyData(suite:baseKey:transcriptHash:)`` with this base key.
        func resumptionBinderKey() -> SymmetricKey {
            KeySchedule.deriveSecret(keyed, suite: suite, label: "res binder", transcriptHash: suite.suiteHash.emptyHash)
        }

        /// client_early_traffic_secret: Derive-Secret(., "c e traffic", ClientHello).
        func clientEarlyTrafficSecret(transcriptHash: [UInt8]) -> SymmetricKey {
            KeySchedule.deriveSecret(keyed, suite: suite, label: "c e traffic", transcriptHash: transcriptHash)
        }

        /// Moves to the Handshake Secret with the (EC)DHE shared secret, or zeros for psk_ke.
        func handshake(sharedSecret: SymmetricKey?) -> Handshake {
            let input = sharedSecret ?? KeySchedule.zeroKey(for: suite)
            return Handshake(
                suite: suite, secret: KeySchedule.nextStageSecret(suite: suite, from: keyed, inputKeyMaterial: input))
        }
    }
}

extension KeySchedule {
    private static let earlySHA256 = KeyedSecret(
        SuiteHash.sha256.extract(salt: SymmetricKey(data: [UInt8]()), inputKeyMaterial: SymmetricKey(data: [UInt8](repeating: 0, count: 32))),
        hash: .sha256)
    private static let earlySHA384 = KeyedSecret(
        SuiteHash.sha384.extract(salt: SymmetricKey(data: [UInt8]()), inputKeyMaterial: SymmetricKey(data: [UInt8](repeating: 0, count: 48))),
        hash: .sha384)

    /// HKDF-Extract(0, 0): the Early Secret of every handshake without a PSK.
    static func earlySecretWithoutPSK(_ hash: SuiteHash) -> KeyedSecret {
        hash == .sha256 ? earlySHA256 : earlySHA384
    }
}
