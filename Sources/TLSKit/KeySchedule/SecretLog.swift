import Crypto

/// Receives the secrets the NSS key log format names (CLIENT_HANDSHAKE_TRAFFIC_SECRET and the
/// rest) as the stages derive them.
///
/// It is the one way a traffic secret leaves the key schedule as bytes: everything else the
/// protocol needs from a secret derives from it through its ``KeyedSecret``.
protocol SecretLog {
    /// `secret` is made only when the log keeps it: most connections keep no key log.
    mutating func logSecret(_ label: String, clientRandom: [UInt8], _ secret: @autoclosure () -> SymmetricKey)
}
