import Crypto

extension KeySchedule {
    /// The resumption_master_secret of one connection (RFC 8446 §7.1), from which every
    /// ticket it issues or receives gets its PSK.
    struct Resumption: Sendable {
        let suite: CipherSuite
        /// resumption_master_secret.
        let secret: SymmetricKey
        private let keyed: KeyedSecret

        init(suite: CipherSuite, secret: SymmetricKey) {
            self.suite = suite
            self.secret = secret
            self.keyed = KeyedSecret(secret, hash: suite.suiteHash)
        }

        /// The PSK of one ticket (RFC 8446 §4.6.1):
        /// HKDF-Expand-Label(resumption_master_secret, "resumption", ticket_nonce, Hash.length).
        func ticketPSK(nonce: [UInt8]) -> SymmetricKey {
            KeySchedule.expandLabel(keyed, label: "resumption", context: nonce, length: suite.hashLength)
        }
    }
}
