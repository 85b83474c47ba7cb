import Crypto

/// The side effects of one step of a handshake state machine, as data.
///
/// States append actions in order; the connection carries them out in that order,
/// which is what makes key changes land on record boundaries: messages queued before
/// `installWriteKeys` leave under the old keys, those after under the new ones.
struct HandshakeOutput: SecretLog {
    enum Action {
        /// An encoded handshake message to send under the current write keys.
        case send([UInt8])
        /// A compatibility change_cipher_spec record (RFC 8446 Appendix D.4).
        case sendChangeCipherSpec
        case installWriteKeys(suite: CipherSuite, secret: KeyedSecret)
        case installReadKeys(suite: CipherSuite, secret: KeyedSecret)
        case event(TLSEvent)
        case keyLog(label: String, clientRandom: [UInt8], secret: SymmetricKey)
        /// The state machine waits for the application's verifier: nothing more is processed
        /// until the verdict is in (``ConnectionCore/resumePeerVerification(_:role:)``).
        case awaitPeerVerification(PeerVerificationRequest)
        /// Server: early data is accepted; its records are read under `secret`, at most
        /// `maximumSize` bytes of it, until the next read keys are installed (RFC 8446 §4.2.10).
        case acceptEarlyData(suite: CipherSuite, secret: KeyedSecret, maximumSize: Int)
        /// Server: early data is declined; the records the client sent are skipped (RFC 8446 §4.2.10).
        case skipEarlyData(SkippedEarlyData.Mode)
        /// Server: the state machine waits for the replay guard's verdict on `attempt`
        /// (``ConnectionCore/resumeEarlyDataReplayCheck(_:role:)``).
        case awaitEarlyDataReplayCheck(EarlyDataAttempt)
        /// Client: early data, sealed as application data under the current (early) write keys.
        case sendEarlyData([UInt8])
        /// Client: back to plaintext records, for a second ClientHello after early data was sent
        /// under the early keys (RFC 8446 §4.1.4).
        case removeWriteKeys
    }

    private(set) var actions: [Action] = []
    /// Room for actions, used or not.
    var actionCapacity: Int { actions.capacity }
    /// The bytes of all the `send` actions: what the connection gathers into records.
    private(set) var sentByteCount = 0
    /// Whether secrets are recorded for a key log. Without one, logging a secret does nothing,
    /// and the connection carries no copies of its secrets to throw away.
    let logsSecrets: Bool

    init(logsSecrets: Bool) { self.logsSecrets = logsSecrets }

    mutating func send(_ message: HandshakeMessage) { sendEncoded(message.encoded()) }
    mutating func sendEncoded(_ bytes: [UInt8]) {
        sentByteCount += bytes.count
        append(.send(bytes))
    }
    mutating func sendChangeCipherSpec() { append(.sendChangeCipherSpec) }
    mutating func installWriteKeys(_ suite: CipherSuite, _ secret: KeyedSecret) { append(.installWriteKeys(suite: suite, secret: secret)) }
    mutating func installReadKeys(_ suite: CipherSuite, _ secret: KeyedSecret) { append(.installReadKeys(suite: suite, secret: secret)) }
    mutating func raise(_ event: TLSEvent) { append(.event(event)) }
    mutating func logSecret(_ label: String, clientRandom: [UInt8], _ secret: @autoclosure () -> SymmetricKey) {
        guard logsSecrets else { return }
        append(.keyLog(label: label, clientRandom: clientRandom, secret: secret()))
    }

    mutating func awaitPeerVerification(_ request: PeerVerificationRequest) { append(.awaitPeerVerification(request)) }
    mutating func acceptEarlyData(_ suite: CipherSuite, _ secret: KeyedSecret, maximumSize: Int) {
        append(.acceptEarlyData(suite: suite, secret: secret, maximumSize: maximumSize))
    }
    mutating func sendEarlyData(_ data: [UInt8]) { append(.sendEarlyData(data)) }
    mutating func removeWriteKeys() { append(.removeWriteKeys) }
    mutating func skipEarlyData(_ mode: SkippedEarlyData.Mode) { append(.skipEarlyData(mode)) }
    mutating func awaitEarlyDataReplayCheck(_ attempt: EarlyDataAttempt) { append(.awaitEarlyDataReplayCheck(attempt)) }

    mutating func removeAll(keepingCapacity: Bool) {
        actions.removeAll(keepingCapacity: keepingCapacity)
        sentByteCount = 0
    }

    /// A step that sends a flight appends a dozen actions or so: room for them at once, rather
    /// than four reallocations on the way (1, 2, 4, 8, 16).
    private mutating func append(_ action: Action) {
        if actions.capacity == 0 { actions.reserveCapacity(Self.initialCapacity) }
        actions.append(action)
    }

    private static let initialCapacity = 16
}
