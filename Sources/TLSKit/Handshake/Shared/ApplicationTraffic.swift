import Crypto

/// The application traffic secrets of an established connection, and the KeyUpdate
/// logic both roles share (RFC 8446 §4.6.3, §7.2).
struct ApplicationTraffic {
    let suite: CipherSuite
    private(set) var readSecret: SymmetricKey
    private(set) var writeSecret: SymmetricKey
    let exporterSecret: SymmetricKey

    init(suite: CipherSuite, readSecret: SymmetricKey, writeSecret: SymmetricKey, exporterSecret: SymmetricKey) {
        self.suite = suite
        self.readSecret = readSecret
        self.writeSecret = writeSecret
        self.exporterSecret = exporterSecret
    }

    /// The peer moved to its next traffic secret: follow it, and answer `update_requested`
    /// with our own KeyUpdate before switching our write keys.
    mutating func receive(_ update: KeyUpdate, output: inout HandshakeOutput) {
        readSecret = KeySchedule.nextTrafficSecret(suite: suite, secret: readSecret)
        output.installReadKeys(suite, readSecret)
        output.raise(.peerKeysUpdated)
        if update.request == .requested {
            updateWriteKeys(requestPeerUpdate: false, output: &output)
        }
    }

    /// Sends a KeyUpdate and moves our write side to the next traffic secret.
    mutating func updateWriteKeys(requestPeerUpdate: Bool, output: inout HandshakeOutput) {
        output.send(.keyUpdate(KeyUpdate(request: requestPeerUpdate ? .requested : .notRequested)))
        writeSecret = KeySchedule.nextTrafficSecret(suite: suite, secret: writeSecret)
        output.installWriteKeys(suite, writeSecret)
    }

    func exportKeyingMaterial(label: String, context: [UInt8], length: Int) throws -> [UInt8] {
        guard length > 0, length <= 255 * suite.hashLength else {
            throw TLSError(.invalidState("exporter length \(length) out of range"))
        }
        // RFC 8446 §7.1: HkdfLabel's label is "tls13 " and the label, at most 255 bytes in all.
        guard label.utf8.count <= 249 else {
            throw TLSError(.invalidState("exporter label of \(label.utf8.count) bytes, more than 249"))
        }
        return KeySchedule.exportKeyingMaterial(suite: suite, exporterMasterSecret: exporterSecret, label: label, context: context, length: length)
    }
}
