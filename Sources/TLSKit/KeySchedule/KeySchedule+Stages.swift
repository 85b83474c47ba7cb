import Crypto

// The stages share one file so that their initializers can be fileprivate: each stage is made
// only by the one before it (Early, then Handshake, Master and Resumption), and nothing else in
// the module can present a secret of its choosing as, say, a Master Secret.

extension KeySchedule {
    /// The Early Secret stage: HKDF-Extract(0, PSK) (RFC 8446 §7.1), the only stage that makes
    /// the binder key.
    struct Early: Sendable {
        let suite: CipherSuite
        private let secret: KeyedSecret
        /// Derive-Secret(., "derived", ""), the salt of the Handshake Secret, keyed, when it is
        /// the same for every handshake (no PSK).
        private let derivedSalt: KeyedSecret?

        /// Starts the schedule, with the HMACs on `provider`'s hash functions. Without a PSK
        /// the input is Hash.length zero bytes.
        init(suite: CipherSuite, psk: SymmetricKey?, provider: CryptoProvider) {
            self.suite = suite
            let constants = Early.constants(suite.suiteHash, provider)
            if let psk {
                // HKDF-Extract(0, PSK): the salt, and so the HMAC's key, is the same for every PSK.
                secret = constants.zeroSalt.extractKeyed(inputKeyMaterial: psk)
                derivedSalt = nil
            } else {
                // Without a PSK the Early Secret is the same for every handshake of a hash: made once.
                secret = constants.withoutPSK
                derivedSalt = constants.derivedWithoutPSK
            }
        }

        private init(suite: CipherSuite, secret: KeyedSecret, derivedSalt: KeyedSecret?) {
            self.suite = suite
            self.secret = secret
            self.derivedSalt = derivedSalt
        }

        /// The same Early Secret for another suite of the same hash (the one the server chose
        /// when the PSK's own suite differs): nothing is derived again.
        func forSuite(_ other: CipherSuite) -> Early {
            precondition(other.hashLength == suite.hashLength, "a PSK is used only with its own hash")
            return Early(suite: other, secret: secret, derivedSalt: derivedSalt)
        }

        /// binder_key for resumption PSKs: Derive-Secret(., "res binder", ""). A binder is its
        /// ``KeyedSecret/finishedVerifyData(transcriptHash:)`` (RFC 8446 §4.2.11.2), which
        /// ``resumptionBinder(transcriptHash:)`` computes without keeping the key.
        func resumptionBinderKey() -> KeyedSecret {
            secret.deriveKeyedSecret("res binder", transcriptHash: suite.suiteHash.emptyHash)
        }

        /// The binder of a resumption PSK over `transcriptHash`, the transcript up to the
        /// truncated ClientHello (RFC 8446 §4.2.11.2).
        func resumptionBinder(transcriptHash: [UInt8]) -> [UInt8] {
            secret.binder(label: "res binder", transcriptHash: transcriptHash)
        }

        /// client_early_traffic_secret: Derive-Secret(., "c e traffic", ClientHello) (RFC 8446
        /// §7.1), the key of 0-RTT data and EndOfEarlyData, written to the key log as
        /// CLIENT_EARLY_TRAFFIC_SECRET.
        func clientEarlyTrafficSecret(transcriptHash: [UInt8], clientRandom: [UInt8], log: inout some SecretLog) -> KeyedSecret {
            let derived = secret.deriveKeyedSecret("c e traffic", transcriptHash: transcriptHash)
            log.logSecret("CLIENT_EARLY_TRAFFIC_SECRET", clientRandom: clientRandom, derived.secretForKeyLog)
            return derived
        }

        /// Moves to the Handshake Secret with the (EC)DHE shared secret, or zeros for psk_ke.
        consuming func handshake(sharedSecret: SymmetricKey?) -> Handshake {
            let input = sharedSecret ?? KeySchedule.zeroKey(for: suite)
            guard let derivedSalt else {
                return Handshake(StageSecret(suite: suite, keyed: secret.nextStageSecret(inputKeyMaterial: input)))
            }
            return Handshake(StageSecret(suite: suite, keyed: derivedSalt.extractKeyed(inputKeyMaterial: input)))
        }

        /// The secrets every handshake of one hash and provider shares, keyed once. A class, so
        /// that taking them is one retain rather than one per hash state.
        private final class Constants: Sendable {
            /// The absent salt of the Early Secret's HKDF-Extract (RFC 5869 §2.2: Hash.length
            /// zeros, which HMAC pads the same as no bytes).
            let zeroSalt: KeyedSecret
            /// HKDF-Extract(0, 0): the Early Secret of every handshake without a PSK.
            let withoutPSK: KeyedSecret
            /// Derive-Secret(HKDF-Extract(0, 0), "derived", ""): the Handshake Secret's salt in
            /// every handshake without a PSK.
            let derivedWithoutPSK: KeyedSecret

            init(hash: SuiteHash, provider: CryptoProvider) {
                zeroSalt = KeyedSecret(SymmetricKey(data: [UInt8]()), hash: hash, provider: provider)
                let zeros = SymmetricKey(data: [UInt8](repeating: 0, count: hash.length))
                withoutPSK = zeroSalt.extractKeyed(inputKeyMaterial: zeros)
                derivedWithoutPSK = withoutPSK.deriveKeyedSecret("derived", transcriptHash: hash.emptyHash)
            }
        }

        private static let sharedSwiftCryptoSHA256 = Constants(hash: .sha256, provider: .swiftCrypto)
        private static let sharedSwiftCryptoSHA384 = Constants(hash: .sha384, provider: .swiftCrypto)
        #if BoringSSLProvider
        private static let sharedBoringSSLSHA256 = Constants(hash: .sha256, provider: .boringSSL)
        private static let sharedBoringSSLSHA384 = Constants(hash: .sha384, provider: .boringSSL)
        #endif

        private static func constants(_ hash: SuiteHash, _ provider: CryptoProvider) -> Constants {
            switch provider.kind {
            case .swiftCrypto: return hash == .sha256 ? sharedSwiftCryptoSHA256 : sharedSwiftCryptoSHA384
            #if BoringSSLProvider
            case .boringSSL: return hash == .sha256 ? sharedBoringSSLSHA256 : sharedBoringSSLSHA384
            #endif
            }
        }
    }

    /// The Handshake Secret stage (RFC 8446 §7.1), the only stage that makes handshake traffic
    /// secrets.
    struct Handshake: Sendable {
        private let secret: StageSecret
        var suite: CipherSuite { secret.suite }

        fileprivate init(_ secret: StageSecret) { self.secret = secret }

        /// client_handshake_traffic_secret and server_handshake_traffic_secret:
        /// Derive-Secret(., "c hs traffic" and "s hs traffic", ClientHello...ServerHello).
        func trafficSecrets(transcriptHash: [UInt8], clientRandom: [UInt8], log: inout some SecretLog) -> HandshakeTrafficSecrets {
            HandshakeTrafficSecrets(
                client: secret.trafficSecret(
                    "c hs traffic", transcriptHash: transcriptHash, loggedAs: "CLIENT_HANDSHAKE_TRAFFIC_SECRET", clientRandom: clientRandom,
                    log: &log),
                server: secret.trafficSecret(
                    "s hs traffic", transcriptHash: transcriptHash, loggedAs: "SERVER_HANDSHAKE_TRAFFIC_SECRET", clientRandom: clientRandom,
                    log: &log))
        }

        /// Moves to the Master Secret: HKDF-Extract(Derive-Secret(., "derived", ""), 0).
        consuming func master() -> Master {
            Master(StageSecret(suite: suite, keyed: secret.keyed.nextStageSecret(inputKeyMaterial: KeySchedule.zeroKey(for: suite))))
        }
    }

    /// The Master Secret stage (RFC 8446 §7.1): the only stage that makes application traffic
    /// secrets, the exporter secret and the resumption secret.
    struct Master: Sendable {
        private let secret: StageSecret
        var suite: CipherSuite { secret.suite }

        fileprivate init(_ secret: StageSecret) { self.secret = secret }

        /// client_application_traffic_secret_0, server_application_traffic_secret_0 and
        /// exporter_master_secret: Derive-Secret(., "c ap traffic", "s ap traffic" and
        /// "exp master", ClientHello...server Finished).
        func applicationTrafficSecrets(transcriptHash: [UInt8], clientRandom: [UInt8], log: inout some SecretLog)
            -> ApplicationTrafficSecrets
        {
            let client = secret.trafficSecret(
                "c ap traffic", transcriptHash: transcriptHash, loggedAs: "CLIENT_TRAFFIC_SECRET_0", clientRandom: clientRandom, log: &log)
            let server = secret.trafficSecret(
                "s ap traffic", transcriptHash: transcriptHash, loggedAs: "SERVER_TRAFFIC_SECRET_0", clientRandom: clientRandom, log: &log)
            let exporter = secret.keyed.deriveSecret("exp master", transcriptHash: transcriptHash)
            log.logSecret("EXPORTER_SECRET", clientRandom: clientRandom, exporter)
            return ApplicationTrafficSecrets(
                client: client, server: server, exporter: Exporter(suite: suite, secret: exporter, provider: secret.keyed.provider))
        }

        /// Moves to resumption_master_secret: Derive-Secret(., "res master", ClientHello...client Finished).
        consuming func resumption(transcriptHash: [UInt8]) -> Resumption {
            Resumption(StageSecret(suite: suite, keyed: secret.keyed.deriveKeyedSecret("res master", transcriptHash: transcriptHash)))
        }
    }

    /// The resumption_master_secret of one connection (RFC 8446 §7.1), from which every ticket
    /// it issues or receives gets its PSK; the only stage that makes one.
    struct Resumption: Sendable {
        private let secret: StageSecret
        var suite: CipherSuite { secret.suite }

        fileprivate init(_ secret: StageSecret) { self.secret = secret }

        /// The PSK of one ticket (RFC 8446 §4.6.1):
        /// HKDF-Expand-Label(resumption_master_secret, "resumption", ticket_nonce, Hash.length).
        func ticketPSK(nonce: [UInt8]) -> SymmetricKey {
            secret.keyed.expandLabel("resumption", context: nonce, length: suite.hashLength)
        }
    }

    /// The two handshake traffic secrets, each keyed once: its record key and IV and its
    /// Finished key all derive from it.
    struct HandshakeTrafficSecrets {
        let client: KeyedSecret
        let server: KeyedSecret

        fileprivate init(client: KeyedSecret, server: KeyedSecret) {
            self.client = client
            self.server = server
        }
    }

    /// The first application traffic secrets and the exporter secret.
    struct ApplicationTrafficSecrets {
        let client: KeyedSecret
        let server: KeyedSecret
        let exporter: Exporter

        fileprivate init(client: KeyedSecret, server: KeyedSecret, exporter: Exporter) {
            self.client = client
            self.server = server
            self.exporter = exporter
        }
    }

    /// exporter_master_secret, and the exporter of RFC 8446 §7.5 over it.
    ///
    /// Kept unkeyed: most connections never export, so its HMAC is keyed on use instead of
    /// during every handshake.
    struct Exporter: Sendable {
        let suite: CipherSuite
        private let secret: SymmetricKey
        private let provider: CryptoProvider

        fileprivate init(suite: CipherSuite, secret: SymmetricKey, provider: CryptoProvider) {
            self.suite = suite
            self.secret = secret
            self.provider = provider
        }

        /// TLS-Exporter(label, context_value, key_length) (RFC 8446 §7.5):
        ///
        ///     HKDF-Expand-Label(Derive-Secret(Secret, label, ""), "exporter", Hash(context_value), key_length)
        ///
        /// An absent context is the same as an empty one in TLS 1.3. `label` must be at most 249
        /// UTF-8 bytes and `length` at most 255 × Hash.length; a length of 0 gives no bytes.
        func keyingMaterial(label: String, context: [UInt8], length: Int) -> [UInt8] {
            guard length > 0 else { return [] }
            let hash = suite.suiteHash
            let keyed = KeyedSecret(secret, hash: hash, provider: provider)
            let derived = keyed.deriveKeyedSecret(label, transcriptHash: hash.emptyHash)
            let output = derived.expandLabel("exporter", context: hash.hash(context), length: length)
            return output.withUnsafeBytes { Array($0) }
        }
    }
}

/// What each stage after Early holds: its secret, keyed once for the derivations it makes.
private struct StageSecret: Sendable {
    let suite: CipherSuite
    let keyed: KeyedSecret

    init(suite: CipherSuite, keyed: KeyedSecret) {
        self.suite = suite
        self.keyed = keyed
    }

    /// A traffic secret: Derive-Secret(., `label`, transcript), written to the key log as
    /// `logLabel`, then keyed for its record keys and Finished.
    func trafficSecret(
        _ label: String, transcriptHash: [UInt8], loggedAs logLabel: String, clientRandom: [UInt8], log: inout some SecretLog
    ) -> KeyedSecret {
        let secret = keyed.deriveKeyedSecret(label, transcriptHash: transcriptHash)
        log.logSecret(logLabel, clientRandom: clientRandom, secret.secretForKeyLog)
        return secret
    }
}

#if DEBUG
    // The stages' own secrets, for tests that compare them with published vectors (RFC 8448). Absent
    // from release builds, so no production code can come to depend on them.
    extension KeySchedule.Early {
        var secretForTesting: SymmetricKey { secret.secretForTesting }
    }

    extension KeySchedule.Handshake {
        var secretForTesting: SymmetricKey { secret.keyed.secretForTesting }
    }

    extension KeySchedule.Master {
        var secretForTesting: SymmetricKey { secret.keyed.secretForTesting }
    }

    extension KeySchedule.Resumption {
        var secretForTesting: SymmetricKey { secret.keyed.secretForTesting }
    }

    extension KeySchedule.Exporter {
        /// An exporter over a secret taken from a key log or a published vector.
        init(testingSuite suite: CipherSuite, secret: SymmetricKey, provider: CryptoProvider = .default) {
            self.init(suite: suite, secret: secret, provider: provider)
        }
    }
#endif
