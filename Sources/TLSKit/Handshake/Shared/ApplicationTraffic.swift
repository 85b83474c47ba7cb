import Crypto

/// The application traffic secrets of an established connection, and the KeyUpdate,
/// post-handshake Finished and exporter logic both roles share (RFC 8446 §4.6.3, §7.2, §7.5).
///
/// Made only with the proof that the peer's Finished verified, and holds it: the connected
/// states of both roles, which hold their traffic, cannot be reached without the check.
struct ApplicationTraffic {
    let suite: CipherSuite
    private var readSecret: StoredSecret
    private var writeSecret: StoredSecret
    private let exporter: KeySchedule.Exporter
    /// The peer's latest verified Finished: the handshake's, then that of each post-handshake
    /// authentication, on which the connection's view of the peer's identity rests.
    private var peerFinished: VerifiedFinished

    /// The established connection's secrets as seen from `role`, once the peer's Finished verified.
    init(_ secrets: KeySchedule.ApplicationTrafficSecrets, for role: HandshakeRole, peerFinished: VerifiedFinished) {
        suite = secrets.exporter.suite
        readSecret = (role == .client ? secrets.server : secrets.client).stored
        writeSecret = (role == .client ? secrets.client : secrets.server).stored
        exporter = secrets.exporter
        self.peerFinished = peerFinished
    }

    /// The peer moved to its next traffic secret: follow it, and answer `update_requested`
    /// with our own KeyUpdate before switching our write keys.
    mutating func receive(_ update: KeyUpdate, output: inout HandshakeOutput) {
        let next = readSecret.keyed().nextTrafficSecret()
        readSecret = next.stored
        output.installReadKeys(suite, next)
        output.raise(.peerKeysUpdated)
        if update.request == .requested {
            updateWriteKeys(requestPeerUpdate: false, output: &output)
        }
    }

    /// Sends a KeyUpdate and moves our write side to the next traffic secret.
    mutating func updateWriteKeys(requestPeerUpdate: Bool, output: inout HandshakeOutput) {
        output.send(.keyUpdate(KeyUpdate(request: requestPeerUpdate ? .requested : .notRequested)))
        let next = writeSecret.keyed().nextTrafficSecret()
        writeSecret = next.stored
        output.installWriteKeys(suite, next)
    }

    /// Verifies the peer's Finished of a post-handshake authentication, keyed by its current
    /// traffic secret (RFC 8446 §4.4), and keeps the proof.
    mutating func acceptPeerFinished(_ finished: Finished, transcriptHash: [UInt8]) throws {
        peerFinished = try readSecret.keyed().verify(finished, transcriptHash: transcriptHash)
    }

    /// Our Finished of a post-handshake authentication, keyed by our current traffic secret
    /// (RFC 8446 §4.4).
    func finished(transcriptHash: [UInt8]) -> HandshakeMessage {
        writeSecret.keyed().finished(transcriptHash: transcriptHash)
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
