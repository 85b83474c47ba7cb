import Foundation

/// The record layer both roles' connections share: deframing, record protection, handshake
/// reassembly, the output and events queues, application data and the limits.
///
/// Each ``ServerConnection`` and ``ClientConnection`` owns one, next to its own handshake state
/// machine, and passes itself as the connection role to the calls that reach that machine.
/// Nothing of it is public but the type: the API is ``TLSConnection``'s.
public final class ConnectionCore {
    private(set) var failure: TLSError?
    private var deframer = RecordDeframer()
    /// Set while ``receive(_:)`` runs, so that a handler cannot enter it again.
    private var isReceiving = false
    private var reassembler: HandshakeReassembler
    private var readProtection: RecordProtection?
    private var writeProtection: RecordProtection?
    private var outbound: [UInt8] = []
    /// Decrypted application data not yet read.
    private var plaintext = PlaintextQueue()
    private var events: [TLSEvent] = []
    private var output: HandshakeOutput
    private let keyLog: KeyLogCallback?
    private var closeNotifyReceived = false
    private var closeNotifySent = false
    private let limits: ConnectionLimits
    private var emptyRecordsInARow = 0
    private var keyUpdatesInARow = 0
    private var bytesBeforeHandshake = 0
    /// Set on a server while it skips 0-RTT records it did not accept.
    private var skippedEarlyData: SkippedEarlyData?
    /// Set on a server while it reads 0-RTT records it accepted: how much more early data the
    /// ticket allows. Cleared when the client's handshake key replaces the early one.
    private var remainingEarlyData: Int?
    /// Accepted early data not yet read (``readEarlyData()``).
    private var earlyData: [UInt8] = []
    /// What became of early data on this connection, from the events raised.
    private(set) var earlyDataStatus = EarlyDataStatus.notSent
    /// The early data attempt waiting for the replay guard's verdict (server); while it is set,
    /// records are held as for ``pendingPeerVerification``.
    private(set) var pendingEarlyDataReplayCheck: EarlyDataAttempt?
    /// The chain waiting for the application's verifier; while it is set, records are held
    /// in ``heldRecords`` and handshake messages stay in the reassembler.
    private(set) var pendingPeerVerification: PeerVerificationRequest?
    /// Whole records, still protected, received while a verification is pending, oldest first.
    private var heldRecords: [UInt8] = []

    /// Whether the handshake has completed and application data can flow.
    private(set) var isHandshakeComplete = false
    /// What the handshake agreed on, once it has completed.
    private(set) var negotiatedParameters: NegotiatedParameters?

    /// Makes the record cipher of each traffic key.
    private let cryptoProvider: CryptoProvider

    init(limits: ConnectionLimits, keyLog: KeyLogCallback?, cryptoProvider: CryptoProvider) {
        self.cryptoProvider = cryptoProvider
        self.limits = limits
        self.reassembler = HandshakeReassembler(maximumMessageSize: limits.maximumHandshakeMessageSize)
        self.keyLog = keyLog
        self.output = HandshakeOutput(logsSecrets: keyLog != nil)
    }

    // MARK: Bytes in, bytes out

    /// Processes bytes received from the peer. Throws the connection's error if it fails
    /// (the alert is then waiting in ``takeOutput()``).
    ///
    /// Records are read where `bytes` are, without a copy when they are contiguous; only a
    /// record split across calls is kept, in a buffer of its own. A call from inside a handler
    /// that this one runs (a new-session handler, the key log) throws
    /// ``TLSError/Code/invalidState`` and leaves the connection as it was.
    func receive<Bytes: Collection, Role: ConnectionRole>(_ bytes: Bytes, role: Role) throws where Bytes.Element == UInt8 {
        try throwIfFailed()
        // RFC 8446 §6.1: data after close_notify is ignored, whatever it is.
        guard !closeNotifyReceived else { return }
        // The deframer lends out views of `bytes` while records are processed, and handlers
        // (new sessions, key log) run meanwhile: a receive(_:) from one of them is refused,
        // and the connection goes on.
        guard !isReceiving else {
            throw TLSError(.invalidState("receive(_:) called from inside a handler it ran"))
        }
        isReceiving = true
        defer { isReceiving = false }
        do {
            // Records are read where the caller's bytes are; only one split across calls is copied.
            if let done: Void = try bytes.withContiguousStorageIfAvailable({ try receive(UnsafeRawBufferPointer($0), role: role) }) {
                return done
            }
            try Array(bytes).withUnsafeBytes { try receive($0, role: role) }
        } catch let error as TLSError {
            fail(error, role: role)
            throw error
        }
    }

    /// Processes bytes received from the peer like ``receive(_:role:)``, but opens the
    /// application data records carry straight into `applicationData` once the handshake is
    /// complete. Data kept before (during the handshake) stays for ``readApplicationData(_:)``.
    func receive<Role: ConnectionRole, Output: TLSOutputBuffer>(
        _ bytes: UnsafeRawBufferPointer, role: Role, applicationData: inout Output
    ) throws {
        try throwIfFailed()
        guard !closeNotifyReceived else { return }
        guard !isReceiving else {
            throw TLSError(.invalidState("receive(_:) called from inside a handler it ran"))
        }
        isReceiving = true
        defer { isReceiving = false }
        do {
            try withUnsafeMutablePointer(to: &applicationData) { try receive(bytes, role: role, direct: $0) }
        } catch let error as TLSError {
            fail(error, role: role)
            throw error
        }
    }

    private func receive<Role: ConnectionRole>(_ bytes: UnsafeRawBufferPointer, role: Role) throws {
        try receive(bytes, role: role, direct: nil as UnsafeMutablePointer<[UInt8]>?)
    }

    /// `direct`, when there is one, is where application data is opened; otherwise it is kept.
    private func receive<Role: ConnectionRole, Output: TLSOutputBuffer>(
        _ bytes: UnsafeRawBufferPointer, role: Role, direct: UnsafeMutablePointer<Output>?
    ) throws {
        try deframer.receive(bytes) { record in
            try process(record, role: role, direct: direct)
            // RFC 8446 §6.1: whatever follows close_notify is ignored, not even deframed.
            return !closeNotifyReceived
        }
    }

    /// Takes all bytes waiting to be sent to the peer.
    func takeOutput() -> [UInt8] {
        defer { outbound = [] }
        return outbound
    }

    /// Whether ``takeOutput()`` has bytes to send.
    var hasPendingOutput: Bool { !outbound.isEmpty }

    /// Throws unless application data can be written now.
    func checkWritable() throws {
        try throwIfFailed()
        guard isHandshakeComplete else { throw TLSError(.invalidState("the handshake is not complete")) }
        guard !closeNotifySent else { throw TLSError(.connectionClosed) }
    }

    /// Encrypts application data for the peer, in full-size records.
    func write<Bytes: Collection>(_ data: Bytes) throws where Bytes.Element == UInt8 {
        try checkWritable()
        if let done: Void = try data.withContiguousStorageIfAvailable({ try sealApplicationData($0) }) { return done }
        try Array(data).withUnsafeBufferPointer { try sealApplicationData($0) }
    }

    /// Seals application data in full-size records, straight from the caller's buffer.
    private func sealApplicationData(_ data: UnsafeBufferPointer<UInt8>) throws {
        try sealApplicationData(UnsafeRawBufferPointer(data), into: &outbound)
    }

    /// Encrypts application data like ``write(_:)``, straight into `output`, after the bytes
    /// ``takeOutput()`` would have returned (they are taken).
    func write<Output: TLSOutputBuffer>(_ data: UnsafeRawBufferPointer, into output: inout Output) throws {
        try checkWritable()
        takeOutput(into: &output)
        try sealApplicationData(data, into: &output)
    }

    /// Moves the bytes waiting for the peer to the end of `output`.
    func takeOutput<Output: TLSOutputBuffer>(into output: inout Output) {
        guard !outbound.isEmpty else { return }
        _ = outbound.withUnsafeBytes { waiting in
            output.writeWithUnsafeMutableBytes(minimumWritableBytes: waiting.count) { room in
                room.copyMemory(from: waiting)
                return waiting.count
            }
        }
        outbound = []
    }

    private func sealApplicationData<Output: TLSOutputBuffer>(_ data: UnsafeRawBufferPointer, into output: inout Output) throws {
        var start = 0
        repeat {
            let end = min(start + RecordFramer.maximumPlaintextLength, data.count)
            let chunk = UnsafeRawBufferPointer(rebasing: data[start..<end])
            try output.writeWithUnsafeMutableBytes(minimumWritableBytes: RecordProtection.sealedLength(contentLength: chunk.count)) { room in
                try writeProtection!.seal(contentType: .applicationData, plaintext: chunk, into: room)
            }
            start = end
        } while start < data.count
    }

    /// Takes the application data received so far, or nil if there is none.
    func readApplicationData() -> [UInt8]? {
        guard plaintext.count > 0 else { return nil }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(plaintext.count)
        readApplicationData { bytes.append(contentsOf: $0) }
        return bytes
    }

    /// The number of application data bytes received and not yet read.
    var readableApplicationDataCount: Int { plaintext.count }

    /// Takes the application data received so far without copying it first: `body` is
    /// called with each contiguous piece in order (a full record, or small records gathered
    /// together) and must copy what it keeps. Returns the number of bytes handed over, 0 when there were none.
    @discardableResult
    func readApplicationData(_ body: (UnsafeRawBufferPointer) -> Void) -> Int {
        plaintext.removeAll(body)
    }

    /// Takes the early data received so far, or nil if there is none (server).
    func readEarlyData() -> [UInt8]? {
        guard !earlyData.isEmpty else { return nil }
        defer { earlyData = [] }
        return earlyData
    }

    /// Whether processing waits for the application: a peer verification or a replay check.
    private var isPaused: Bool { pendingPeerVerification != nil || pendingEarlyDataReplayCheck != nil }

    /// Takes the next event, or nil.
    func nextEvent() -> TLSEvent? {
        events.isEmpty ? nil : events.removeFirst()
    }

    /// Sends close_notify: we will write no more. Reading can go on until the peer closes too.
    func close() {
        guard failure == nil, !closeNotifySent else { return }
        closeNotifySent = true
        sendAlert(.closeNotify)
    }

    /// Whether the connection can carry no more data in either direction: failed, or
    /// close_notify sent and received.
    var isClosed: Bool { failure != nil || (closeNotifySent && closeNotifyReceived) }

    /// Whether the peer has sent close_notify.
    var isPeerClosed: Bool { closeNotifyReceived }

    /// The error that ended the connection, if any.
    var error: TLSError? { failure }

    /// Moves our sending direction to fresh keys with a KeyUpdate, optionally asking the peer
    /// to do the same (RFC 8446 §4.6.3).
    func updateKeys<Role: ConnectionRole>(requestPeerUpdate: Bool, role: Role) throws {
        try throwIfFailed()
        guard !closeNotifySent else { throw TLSError(.connectionClosed) }
        try role.updateKeys(requestPeerUpdate: requestPeerUpdate, output: &output)
        applyOutput(role: role)
    }

    /// Derives keying material from the connection's exporter secret (RFC 8446 §7.5).
    /// An empty context and no context are the same in TLS 1.3.
    func exportKeyingMaterial<Role: ConnectionRole>(label: String, context: [UInt8], length: Int, role: Role) throws -> [UInt8] {
        try throwIfFailed()
        guard let traffic = role.traffic else { throw TLSError(.invalidState("the handshake is not complete")) }
        return try traffic.exportKeyingMaterial(label: label, context: context, length: length)
    }

    /// Takes the application verifier's verdict on ``pendingPeerVerification`` and goes on
    /// where processing stopped: the handshake messages already reassembled, then the records
    /// held meanwhile, in order. A rejection fails the connection with its alert.
    func resumePeerVerification<Role: ConnectionRole>(_ verdict: PeerVerificationVerdict, role: Role) throws {
        try throwIfFailed()
        guard pendingPeerVerification != nil else { throw TLSError(.invalidState("no peer verification is pending")) }
        try resume("resumePeerVerification(_:)", role: role) { output in
            try role.resolvePeerVerification(verdict, output: &output)
            pendingPeerVerification = nil
        }
    }

    /// Takes the replay guard's verdict on ``pendingEarlyDataReplayCheck`` and goes on where
    /// processing stopped, as ``resumePeerVerification(_:role:)`` does: the server sends its
    /// flight, accepting the early data or declining it, then processes the records held.
    func resumeEarlyDataReplayCheck<Role: ConnectionRole>(_ verdict: EarlyDataReplayVerdict, role: Role) throws {
        try throwIfFailed()
        guard pendingEarlyDataReplayCheck != nil else { throw TLSError(.invalidState("no early data replay check is pending")) }
        try resume("resumeEarlyDataReplayCheck(_:)", role: role) { output in
            try role.resolveEarlyDataReplayCheck(verdict, output: &output)
            pendingEarlyDataReplayCheck = nil
        }
    }

    /// Resolves what processing waited for with `resolve`, then processes the handshake
    /// messages already reassembled and the records held meanwhile, in order.
    private func resume<Role: ConnectionRole>(_ what: String, role: Role, _ resolve: (inout HandshakeOutput) throws -> Void) throws {
        guard !isReceiving else {
            throw TLSError(.invalidState("\(what) called from inside a handler"))
        }
        isReceiving = true
        defer { isReceiving = false }
        do {
            try resolve(&output)
            applyOutput(role: role)
            try processHandshakeMessages(role: role)
            try processHeldRecords(role: role)
        } catch let error as TLSError {
            fail(error, role: role)
            throw error
        }
    }

    // MARK: Steps the roles run

    func throwIfFailed() throws {
        if let failure { throw failure }
    }

    /// Runs a state machine step that may produce output outside of `receive`.
    ///
    /// A call the connection's state does not allow (``TLSError/Code/invalidState``: a ticket
    /// before the handshake, a CertificateRequest to a client that did not offer
    /// post_handshake_auth) is refused and leaves the connection as it was, as OpenSSL's
    /// `SSL_new_session_ticket` and `SSL_verify_client_post_handshake` return 0 and carry on.
    /// Steps check their preconditions before they change anything, and the machine is only
    /// replaced when the step succeeds; any other error fails the connection.
    func step<Role: ConnectionRole>(role: Role, _ body: (inout HandshakeOutput) throws -> Void) throws {
        try throwIfFailed()
        do {
            try body(&output)
            applyOutput(role: role)
        } catch let error as TLSError where error.code == .invalidState {
            throw error
        } catch let error as TLSError {
            fail(error, role: role)
            throw error
        }
    }

    private func fail<Role: ConnectionRole>(_ error: TLSError, role: Role) {
        guard failure == nil else { return }
        failure = error
        output.removeAll(keepingCapacity: false)
        pendingPeerVerification = nil
        pendingEarlyDataReplayCheck = nil
        heldRecords = []
        if let alert = error.alertSent { sendAlert(alert) }
        if let received = error.alertReceived { events.append(.alertReceived(received)) }
        if !isHandshakeComplete { role.handshakeFailed() }
    }
}

extension ConnectionCore {
    private func process<Role: ConnectionRole, Output: TLSOutputBuffer>(
        _ record: ReceivedRecord, role: Role, direct: UnsafeMutablePointer<Output>?
    ) throws {
        // RFC 8446 §6.1: data after close_notify is ignored.
        if closeNotifyReceived { return }
        if isPaused { return try hold(record) }
        if !isHandshakeComplete {
            // Each record, header included, counts against ConnectionLimits.maximumBytesBeforeHandshake.
            bytesBeforeHandshake += TLSRecord.headerLength + record.body.count
            guard bytesBeforeHandshake <= limits.maximumBytesBeforeHandshake else {
                throw TLSError(
                    .limitExceeded("more than \(limits.maximumBytesBeforeHandshake) bytes before the handshake completed", alert: .unexpectedMessage))
            }
        }
        // RFC 8446 §5.1: a TLSPlaintext fragment is at most 2^14 bytes; only protected records
        // (opaque type application_data) may reach the deframer's 2^14 + 256 (§5.2).
        if record.contentType != .applicationData && record.body.count > TLSRecord.maximumPlaintextLength {
            throw TLSError(.recordOverflow)
        }
        // RFC 8446 §5.1: "Handshake messages MUST NOT be interleaved with other record types."
        // A protected record's type is known once it is opened, below.
        if record.contentType != .handshake && record.contentType != .applicationData && !reassembler.isEmpty {
            throw TLSError(.unexpectedMessage("\(record.contentType) record inside a split handshake message"))
        }
        switch record.contentType {
        case .changeCipherSpec:
            // RFC 8446 §5: an unprotected change_cipher_spec of value 1 is dropped during the handshake;
            // one before the first ClientHello or after the peer's Finished is an unexpected record.
            guard !isHandshakeComplete, !role.refusesChangeCipherSpec, record.fragment == [1] else {
                throw TLSError(.unexpectedMessage("change_cipher_spec"))
            }
            try countEmptyRecord()
        case .alert where readProtection == nil || !isHandshakeComplete:
            try receiveAlert(record.fragment)
        case .handshake where readProtection == nil:
            try receiveHandshake(record.fragment, role: role)
        case .applicationData:
            if skippedEarlyData?.mode == .protected { return try skippedEarlyData!.skip(bodyLength: record.body.count) }
            guard readProtection != nil else { throw TLSError(.unexpectedMessage("protected record before keys")) }
            if let direct, isHandshakeComplete, reassembler.isEmpty {
                return try openDirectly(record, into: &direct.pointee, role: role)
            }
            let (type, content, decryptedLength): (ContentType, Data, Int)
            do {
                (type, content, decryptedLength) = try readProtection!.openContent(record)
            } catch let error as TLSError where error.reason == .badRecordMAC && skippedEarlyData != nil {
                return try skippedEarlyData!.skip(bodyLength: record.body.count)
            }
            // RFC 8446 §4.2.10: the first record that opens is the start of the client's second flight.
            skippedEarlyData = nil
            if type != .handshake && !reassembler.isEmpty {
                throw TLSError(.unexpectedMessage("\(type) record inside a split handshake message"))
            }
            // RFC 8446 §5.4: "Implementations MUST NOT send Handshake and Alert records that have a
            // zero-length TLSInnerPlaintext.content; if such a message is received, the receiving
            // implementation MUST terminate the connection with an unexpected_message alert."
            if content.isEmpty && (type == .handshake || type == .alert) {
                throw TLSError(.unexpectedMessage("\(type) record with no content"))
            }
            switch type {
            // Copied as raw bytes: building an array through Data's iterator costs several
            // times the copy.
            case .handshake: try receiveHandshake(content.withUnsafeBytes { Array($0) }, role: role)
            case .alert: try receiveAlert(content.withUnsafeBytes { Array($0) })
            case .applicationData:
                if remainingEarlyData != nil { return try receiveEarlyData(content) }
                guard isHandshakeComplete else { throw TLSError(.unexpectedMessage("application data during the handshake")) }
                guard try countApplicationData(content.count) else { return }
                plaintext.append(content, decryptedLength: decryptedLength)
                guard plaintext.count <= limits.maximumBufferedPlaintext else {
                    throw TLSError(.limitExceeded("more than \(limits.maximumBufferedPlaintext) bytes of unread application data", alert: .internalError))
                }
            default: throw TLSError(.unexpectedMessage("inner content type \(type.rawValue)"))
            }
        default:
            throw TLSError(.unexpectedMessage("record of content type \(record.contentType.rawValue)"))
        }
    }

    /// Opens a protected record after the handshake into `output`, where application data
    /// stays; any other content (a post-handshake message, an alert) is taken back out of it
    /// and handled as ``process(_:role:direct:)`` handles it.
    private func openDirectly<Role: ConnectionRole, Output: TLSOutputBuffer>(
        _ record: ReceivedRecord, into output: inout Output, role: Role
    ) throws {
        var other: (type: ContentType, content: [UInt8])?
        let count = try output.writeWithUnsafeMutableBytes(minimumWritableBytes: max(record.body.count - RecordAEAD.tagLength, 0)) { room in
            let (type, length) = try readProtection!.openContent(record, into: room)
            guard type == .applicationData else {
                other = (type, Array(UnsafeRawBufferPointer(rebasing: room[..<length])))
                return 0
            }
            return length
        }
        guard let (type, content) = other else {
            _ = try countApplicationData(count)
            return
        }
        // RFC 8446 §5.4, as above.
        if content.isEmpty && (type == .handshake || type == .alert) {
            throw TLSError(.unexpectedMessage("\(type) record with no content"))
        }
        switch type {
        case .handshake: try receiveHandshake(content, role: role)
        case .alert: try receiveAlert(content)
        default: throw TLSError(.unexpectedMessage("inner content type \(type.rawValue)"))
        }
    }

    /// Keeps accepted early data for ``readEarlyData()``. RFC 8446 §4.6.1: only the application
    /// data payload counts, and "A server receiving more than max_early_data_size bytes of 0-RTT
    /// data SHOULD terminate the connection with an "unexpected_message" alert." A record that
    /// does not open under the early key is a bad_record_mac, as any record (§4.2.10).
    private func receiveEarlyData(_ content: Data) throws {
        guard content.count <= remainingEarlyData! else {
            throw TLSError(.limitExceeded("more early data than the ticket's max_early_data_size", alert: .unexpectedMessage))
        }
        remainingEarlyData! -= content.count
        guard try countApplicationData(content.count) else { return }
        earlyData.append(contentsOf: content)
    }

    /// Keeps a record, header and all, until the pending verification is resolved
    /// (``ConnectionLimits/maximumBytesWhileVerifyingPeer``). It is still protected: it is
    /// opened later under whatever keys the handshake has installed by then, as it would have been.
    private func hold(_ record: ReceivedRecord) throws {
        let length = TLSRecord.headerLength + record.body.count
        guard heldRecords.count + length <= limits.maximumBytesWhileVerifyingPeer else {
            throw TLSError(
                .limitExceeded(
                    "more than \(limits.maximumBytesWhileVerifyingPeer) bytes received while the application was asked to decide",
                    alert: .internalError))
        }
        TLSRecord.appendHeader(contentType: record.contentType, legacyVersion: record.legacyVersion, length: record.body.count, into: &heldRecords)
        heldRecords.append(contentsOf: record.body)
    }

    /// Processes the records held while a verification was pending, in order. Should the
    /// machine wait again, the rest is held again, ahead of anything received later.
    private func processHeldRecords<Role: ConnectionRole>(role: Role) throws {
        guard !heldRecords.isEmpty else { return }
        let held = heldRecords
        heldRecords = []
        // Whole records only: this deframer ends with nothing buffered.
        var records = RecordDeframer()
        try held.withUnsafeBytes { bytes in
            try records.receive(bytes) { record in
                try process(record, role: role, direct: nil as UnsafeMutablePointer<[UInt8]>?)
                return !closeNotifyReceived
            }
        }
    }

    /// Counts a record of `count` application data bytes against the limits on records that
    /// carry nothing; returns whether it carried something.
    private func countApplicationData(_ count: Int) throws -> Bool {
        guard count > 0 else {
            try countEmptyRecord()
            return false
        }
        emptyRecordsInARow = 0
        keyUpdatesInARow = 0
        return true
    }

    /// How many pieces the unread application data is held in (for tests).
    var bufferedPlaintextPieceCount: Int { plaintext.pieceCount }

    /// Room held for handshake actions (for tests).
    var heldHandshakeCapacity: Int { output.actionCapacity }

    /// Counts a record that carried nothing (ConnectionLimits.maximumEmptyRecordsInARow).
    private func countEmptyRecord() throws {
        emptyRecordsInARow += 1
        guard emptyRecordsInARow <= limits.maximumEmptyRecordsInARow else {
            throw TLSError(.limitExceeded("more than \(limits.maximumEmptyRecordsInARow) empty records in a row", alert: .unexpectedMessage))
        }
    }

    private func receiveAlert(_ content: [UInt8]) throws {
        // RFC 8446 §5.1 and §5.4: alert records are never empty.
        guard !content.isEmpty else { throw TLSError(.unexpectedMessage("alert record with no content")) }
        guard content.count == 2 else { throw TLSError(.malformedMessage("alert of \(content.count) bytes")) }
        let description = AlertDescription(rawValue: content[1])
        switch description {
        case .closeNotify:
            closeNotifyReceived = true
            events.append(.closeNotifyReceived)
        case .userCanceled:
            // RFC 8446 §6.1: user_canceled is followed by close_notify; nothing to do yet.
            try countEmptyRecord()
        default:
            throw TLSError(.alertReceived(description))
        }
    }

    private func receiveHandshake<Role: ConnectionRole>(_ fragment: [UInt8], role: Role) throws {
        // RFC 8446 §5.1: handshake records are never empty.
        guard !fragment.isEmpty else { throw TLSError(.unexpectedMessage("empty handshake record")) }
        reassembler.append(fragment)
        try processHandshakeMessages(role: role)
    }

    /// Hands each complete message to the role's state machine, until none is left or the
    /// machine waits for a peer verification (the rest then stays in the reassembler).
    private func processHandshakeMessages<Role: ConnectionRole>(role: Role) throws {
        while !isPaused, let received = try reassembler.next() {
            let message = try HandshakeMessage.decode(received)
            let raw = received.raw
            emptyRecordsInARow = 0
            if case .keyUpdate = message {
                keyUpdatesInARow += 1
                guard keyUpdatesInARow <= limits.maximumKeyUpdatesInARow else {
                    throw TLSError(.limitExceeded("more than \(limits.maximumKeyUpdatesInARow) KeyUpdates without data", alert: .unexpectedMessage))
                }
            }
            // Only a server takes a ClientHello: a second one (after a HelloRetryRequest) ends
            // the skipping of the first one's early data; the state machine says what comes next.
            if case .clientHello = message { skippedEarlyData = nil }
            try role.handle(message, raw: raw, output: &output)
            let changedReadKeys = output.actions.contains {
                switch $0 {
                case .installReadKeys, .acceptEarlyData: return true
                default: return false
                }
            }
            // RFC 8446 §5.1: a key change must fall on a record boundary. Checked before the
            // step's output is applied, so a refused message is answered by the alert alone.
            if changedReadKeys && !reassembler.isEmpty {
                throw TLSError(.unexpectedMessage("handshake data spans a key change"))
            }
            applyOutput(role: role)
        }
    }

    private func applyOutput<Role: ConnectionRole>(role: Role) {
        // The step's actions are taken out of the connection for the loop, and its messages
        // gathered in a local buffer: each use of a stored property of this class is a dynamic
        // exclusivity check, and a step has a dozen actions or so. Anything a handler called
        // from the loop adds is dropped, as the actions are.
        var step = HandshakeOutput(logsSecrets: keyLog != nil)
        swap(&step, &output)
        // The messages a step sends are gathered into records between key changes: room for
        // all that is left of them whenever gathering starts, rather than growing the buffer
        // message by message.
        var unsentBytes = step.sentByteCount
        var pending: [UInt8] = []
        if unsentBytes > 0 {
            // And room in the outbound bytes for the records they become: a step writes at most
            // a plaintext flight, a change_cipher_spec and a protected flight, each split at
            // 2^14 bytes, and each record adds at most a header, a content type and a tag.
            let records = unsentBytes / RecordFramer.maximumPlaintextLength + 3
            outbound.reserveCapacity(outbound.count + unsentBytes + records * RecordProtection.sealedLength(contentLength: 0))
        }
        for action in step.actions {
            switch action {
            case .send(let bytes):
                if pending.isEmpty { pending.reserveCapacity(unsentBytes) }
                pending.append(contentsOf: bytes)
                unsentBytes -= bytes.count
            case .sendChangeCipherSpec:
                flushHandshake(&pending)
                RecordFramer.appendPlaintext(contentType: .changeCipherSpec, content: [1], into: &outbound)
            case .installWriteKeys(let suite, let secret):
                flushHandshake(&pending)
                writeProtection = RecordProtection(suite: suite, trafficSecret: secret, provider: cryptoProvider)
            case .installReadKeys(let suite, let secret):
                readProtection = RecordProtection(suite: suite, trafficSecret: secret, provider: cryptoProvider)
                remainingEarlyData = nil
            case .acceptEarlyData(let suite, let secret, let maximumSize):
                readProtection = RecordProtection(suite: suite, trafficSecret: secret, provider: cryptoProvider)
                remainingEarlyData = maximumSize
            case .skipEarlyData(let mode):
                skippedEarlyData = SkippedEarlyData(mode: mode, limit: limits.maximumSkippedEarlyData)
            case .awaitEarlyDataReplayCheck(let attempt):
                pendingEarlyDataReplayCheck = attempt
            case .sendEarlyData(let data):
                flushHandshake(&pending)
                // Sealing fails only past the sequence number space, which early data never reaches.
                try? data.withUnsafeBytes { try sealApplicationData($0, into: &outbound) }
            case .removeWriteKeys:
                flushHandshake(&pending)
                writeProtection = nil
            case .event(let event):
                switch event {
                case .handshakeCompleted(let parameters):
                    isHandshakeComplete = true
                    negotiatedParameters = parameters
                case .earlyDataAccepted: earlyDataStatus = .accepted
                case .earlyDataRejected: earlyDataStatus = .rejected
                default: break
                }
                events.append(event)
                role.observe(event)
            case .keyLog(let label, let clientRandom, let secret):
                if let keyLog { keyLog("\(label) \(Hex.encode(clientRandom)) \(Hex.encode(secret))") }
            case .awaitPeerVerification(let request):
                pendingPeerVerification = request
            }
        }
        flushHandshake(&pending)
        // An established connection rarely acts again (a ticket, a key update): it holds no
        // room for actions while it idles.
        step.removeAll(keepingCapacity: !isHandshakeComplete)
        swap(&step, &output)
    }

    /// Seals or frames the gathered handshake messages into records of at most 2^14 bytes.
    private func flushHandshake(_ pending: inout [UInt8]) {
        guard !pending.isEmpty else { return }
        var start = 0
        while start < pending.count {
            let end = min(start + RecordFramer.maximumPlaintextLength, pending.count)
            if writeProtection != nil {
                // Sealing fails only past the sequence number space, which a handshake never reaches.
                try? seal(.handshake, pending[start..<end])
            } else {
                RecordFramer.appendPlaintext(contentType: .handshake, content: pending[start..<end], into: &outbound)
            }
            start = end
        }
        pending.removeAll()
    }

    private func seal(_ type: ContentType, _ content: ArraySlice<UInt8>) throws {
        try writeProtection!.seal(contentType: type, plaintext: content, into: &outbound)
    }

    private func sendAlert(_ description: AlertDescription) {
        // RFC 8446 §6: close_notify and user_canceled are warnings; everything else is fatal.
        let level: UInt8 = description == .closeNotify || description == .userCanceled ? 1 : 2
        let content: [UInt8] = [level, description.rawValue]
        if writeProtection != nil {
            try? seal(.alert, content[...])
        } else {
            RecordFramer.appendPlaintext(contentType: .alert, content: content[...], into: &outbound)
        }
    }
}
