import Crypto

/// The application traffic secrets of an established connection, and the KeyUpdate and
/// exporter logic both roles share (RFC 8446 §4.6.3, §7.2, §7.5).
struct ApplicationTraffic {
    let suite: CipherSuite
    private(set) var readSecret: KeyedSecret
    private(set) var writeSecret: KeyedSecret
    private let exporter: KeySchedule.Exporter

    /// The established connection's secrets as seen from `role`.
    init(_ secrets: KeySchedule.ApplicationTrafficSecrets, for role: HandshakeRole) {
        suite = secrets.exporter.suite
        readSecret = role == .client ? secrets.server : secrets.client
        writeSecret = role == .client ? secrets.client : secrets.server
        exporter = secrets.exporter
    }

    /// The peer moved to its next traffic secret: follow it, and answer `update_requested`
    /// with our own KeyUpdate before switching our write keys.
    mutating func receive(_ update: KeyUpdate, output: inout HandshakeOutput) {
        readSecret = readSecret.nextTrafficSecret()
        output.installReadKeys(suite, readSecret)
        output.raise(.peerKeysUpdated)
        if update.request == .requested {
            updateWriteKeys(requestPeerUpdate: false, output: &output)
        }
    }

    /// Sends a KeyUpdate and moves our write side to the next traffic secret.
    mutating func updateWriteKeys(requestPeerUpdate: Bool, output: inout HandshakeOutput) {
        output.send(.keyUpdate(KeyUpdate(request: requestPeerUpdate ? .requested : .notRequested)))
        writeSecret = writeSecret.nextTrafficSecret()
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
        return exporter.keyingMaterial(label: label, context: context, length: length)
    }
}
