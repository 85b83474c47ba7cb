import Crypto

/// The TLS 1.3 key schedule (RFC 8446 §7.1).
///
/// ```
///              0
///              |
///              v
///    PSK ->  HKDF-Extract = Early Secret          (KeySchedule.Early)
///              |
///              v
///        Derive-Secret(., "derived", "")
///              |
///              v
///    (EC)DHE -> HKDF-Extract = Handshake Secret   (KeySchedule.Handshake)
///              |
///              v
///        Derive-Secret(., "derived", "")
///              |
///              v
///    0 -> HKDF-Extract = Master Secret            (KeySchedule.Master)
///              |
///              +-----> Derive-Secret(., "res master", ClientHello...client Finished)
///                      = resumption_master_secret (KeySchedule.Resumption)
/// ```
///
/// Each stage is its own type, made only by the stage before it, and holds its secret
/// privately: only the Early stage makes the binder key, only the Handshake stage the
/// handshake traffic secrets, only the Master stage the application traffic secrets and the
/// exporter secret, and only the Resumption stage a ticket PSK. Secrets are keyed
/// ``KeyedSecret``s or `SymmetricKey`s throughout and leave as plain bytes only as the
/// protocol's own outputs (Finished, binders, ticket PSKs, exported keying material) or through the key log
/// (``SecretLog``).
enum KeySchedule {
    /// A zero-filled string of Hash.length bytes: the IKM when there is no PSK or no (EC)DHE.
    static func zeroKey(for suite: CipherSuite) -> SymmetricKey {
        SymmetricKey(data: [UInt8](zeroedCount: suite.hashLength))
    }
}
