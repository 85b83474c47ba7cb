import Crypto

extension KeySchedule {
    /// The resumption_master_secret of one connection (RFC 8446 §7.1), from which every
    /// ticket it issues or receives gets its PSK.
    struct Resumption: Sendable {
        let suite: CipherSuite
        /// resumption_master_secret.
        let secret: SymmetricKey

        /// The PSK of one ticket (RFC 8446 §4.6.1):
        /// HKDF-Expand-Label(resumption_master_secret, "resumption", ticket_nonce, Hash.length).
        func ticketPSK(nonce: [UInt8]) -> SymmetricKey {
            KeySchedule.expandLabel(suite: suite, secret: secret, label: "resumption", context: nonce, length: suite.hashLength)
        }
    }
}
