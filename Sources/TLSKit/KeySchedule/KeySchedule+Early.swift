import Crypto

extension KeySchedule {
    /// The Early Secret stage: HKDF-Extract(0, PSK) (RFC 8446 §7.1).
    struct Early: Sendable {
        let suite: CipherSuite
        /// The Early Secret.
        let secret: SymmetricKey
        private let keyed: KeyedSecret
        /// Derive-Secret(., "derived", ""), the salt of the Handshake Secret, when it is the
        /// same for every handshake (no PSK).
        private let derivedSalt: SymmetricKey?

        /// Starts the schedule. Without a PSK the input is Hash.length zero bytes.
        init(suite: CipherSuite, psk: SymmetricKey?) {
            self.suite = suite
            if let psk {
                // HKDF-Extract(0, PSK): the salt, and so the HMAC's key, is the same for every PSK.
                secret = KeySchedule.zeroSalt(suite.suiteHash).extract(inputKeyMaterial: psk)
                keyed = KeyedSecret(secret, hash: suite.suiteHash)
                derivedSalt = nil
            } else {
                // Without a PSK the Early Secret is the same for every handshake of a hash: made once.
                keyed = KeySchedule.earlySecretWithoutPSK(suite.suiteHash)
                secret = keyed.secret
                derivedSalt = KeySchedule.derivedSaltWithoutPSK(suite.suiteHash)
            }
        }

        private init(suite: CipherSuite, secret: SymmetricKey, keyed: KeyedSecret, derivedSalt: SymmetricKey?) {
            self.suite = suite
            self.secret = secret
            self.keyed = keyed
            self.derivedSalt = derivedSalt
        }

        /// The same Early Secret for another suite of the same hash (the one the server chose
        /// when the PSK's own suite differs): nothing is derived again.
        func forSuite(_ other: CipherSuite) -> Early {
            precondition(other.hashLength == suite.hashLength, "a PSK is used only with its own hash")
            return Early(suite: other, secret: secret, keyed: keyed, derivedSalt: derivedSalt)
        }

        /// binder_key for resumption PSKs: Derive-Secret(., "res binder", ""). Binders are
        /// ``KeySchedule/finishedVerifyData(suite:baseKey:transcriptHash:)`` with this base key.
        func resumptionBinderKey() -> SymmetricKey {
            KeySchedule.deriveSecret(keyed, suite: suite, label: "res binder", transcriptHash: suite.suiteHash.emptyHash)
        }

        /// Moves to the Handshake Secret with the (EC)DHE shared secret, or zeros for psk_ke.
        func handshake(sharedSecret: SymmetricKey?) -> Handshake {
            let input = sharedSecret ?? KeySchedule.zeroKey(for: suite)
            if let derivedSalt {
                return Handshake(suite: suite, secret: suite.suiteHash.extract(salt: derivedSalt, inputKeyMaterial: input))
            }
            return Handshake(
                suite: suite, secret: KeySchedule.nextStageSecret(suite: suite, from: keyed, inputKeyMaterial: input))
        }
    }
}

extension KeySchedule {
    /// The absent salt of the Early Secret's HKDF-Extract (RFC 5869 §2.2: Hash.length zeros,
    /// which HMAC pads the same as no bytes), keyed once per hash.
    private static let zeroSaltSHA256 = KeyedSecret(SymmetricKey(data: [UInt8]()), hash: .sha256)
    private static let zeroSaltSHA384 = KeyedSecret(SymmetricKey(data: [UInt8]()), hash: .sha384)

    static func zeroSalt(_ hash: SuiteHash) -> KeyedSecret {
        hash == .sha256 ? zeroSaltSHA256 : zeroSaltSHA384
    }

    private static let earlySHA256 = KeyedSecret(
        zeroSaltSHA256.extract(inputKeyMaterial: SymmetricKey(data: [UInt8](repeating: 0, count: 32))), hash: .sha256)
    private static let earlySHA384 = KeyedSecret(
        zeroSaltSHA384.extract(inputKeyMaterial: SymmetricKey(data: [UInt8](repeating: 0, count: 48))), hash: .sha384)

    private static let derivedSHA256 = deriveSecret(earlySHA256, suite: .TLS_AES_128_GCM_SHA256, label: "derived", transcriptHash: SuiteHash.sha256.emptyHash)
    private static let derivedSHA384 = deriveSecret(earlySHA384, suite: .TLS_AES_256_GCM_SHA384, label: "derived", transcriptHash: SuiteHash.sha384.emptyHash)

    /// Derive-Secret(HKDF-Extract(0, 0), "derived", ""): the Handshake Secret's salt in
    /// every handshake without a PSK.
    static func derivedSaltWithoutPSK(_ hash: SuiteHash) -> SymmetricKey {
        hash == .sha256 ? derivedSHA256 : derivedSHA384
    }

    /// HKDF-Extract(0, 0): the Early Secret of every handshake without a PSK.
    static func earlySecretWithoutPSK(_ hash: SuiteHash) -> KeyedSecret {
        hash == .sha256 ? earlySHA256 : earlySHA384
    }
}
