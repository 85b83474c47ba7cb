import Crypto
import XCTest

@testable import TLSKit

/// Traffic secrets a connection reports through its key log, by NSS label. Tests use
/// them to read and forge protected records the way a peer holding the keys could.
final class KeyLogSecrets: @unchecked Sendable {
    private let lock = NSLock()
    private var secrets: [String: [UInt8]] = [:]

    var callback: KeyLogCallback {
        { [self] line in
            let parts = line.split(separator: " ")
            guard parts.count == 3, let secret = Hex.decode(String(parts[2])) else { return }
            lock.withLock { secrets[String(parts[0])] = secret }
        }
    }

    func key(_ label: String, file: StaticString = #filePath, line: UInt = #line) throws -> SymmetricKey {
        let bytes = lock.withLock { secrets[label] }
        return SymmetricKey(data: try XCTUnwrap(bytes, "no \(label) in the key log", file: file, line: line))
    }
}

/// Records on the wire, built and taken apart by hand.
enum WireRecords {
    /// Every complete record in `bytes`; fails if bytes are left over.
    static func split(_ bytes: [UInt8], file: StaticString = #filePath, line: UInt = #line) throws -> [OwnedRecord] {
        var deframer = RecordDeframer()
        let records = try deframer.records(bytes)
        XCTAssertEqual(deframer.bufferedByteCount, 0, "a partial record was left over", file: file, line: line)
        return records
    }

    /// One record carrying `content` as is, however long (the framer would fragment it).
    static func record(_ type: ContentType, _ content: [UInt8], legacyVersion: UInt16 = 0x0303) -> [UInt8] {
        var bytes: [UInt8] = []
        TLSRecord.appendHeader(contentType: type, legacyVersion: legacyVersion, length: content.count, into: &bytes)
        return bytes + content
    }

    static func encode(_ record: OwnedRecord) -> [UInt8] {
        self.record(record.contentType, record.fragment, legacyVersion: record.legacyVersion)
    }

    /// Plaintext handshake records carrying `messages`, in one record.
    static func handshake(_ messages: HandshakeMessage...) -> [UInt8] {
        record(.handshake, messages.flatMap { $0.encoded() })
    }

    /// The raw handshake messages (header and body) in a handshake byte stream.
    static func messages(in stream: [UInt8]) throws -> [[UInt8]] {
        var reassembler = HandshakeReassembler()
        reassembler.append(stream)
        var messages: [[UInt8]] = []
        while let message = try reassembler.next() { messages.append(message.raw) }
        XCTAssertTrue(reassembler.isEmpty, "a partial handshake message was left over")
        return messages
    }
}

/// One direction of protected records under a traffic secret, as the peer holding it sees it.
struct TestCipher {
    private var protection: RecordProtection

    init(suite: CipherSuite = .TLS_AES_128_GCM_SHA256, secret: SymmetricKey) {
        protection = RecordProtection(suite: suite, trafficSecret: secret)
    }

    mutating func seal(_ type: ContentType, _ content: [UInt8], padding: Int = 0) throws -> [UInt8] {
        var bytes: [UInt8] = []
        try protection.seal(contentType: type, plaintext: content[...], padding: padding, into: &bytes)
        return bytes
    }

    mutating func open(_ record: OwnedRecord) throws -> (type: ContentType, content: [UInt8]) {
        let opened = try protection.open(record)
        return (opened.contentType, opened.content)
    }
}

/// Reseals a flight whose handshake messages are protected under `secret`: plaintext records
/// (ServerHello, change_cipher_spec) pass unchanged, the protected handshake messages are
/// decrypted, and what `reseal` makes of them (raw messages, in order) with a cipher that
/// seals as the sender would have, from sequence number 0, replaces the protected records.
func resealProtectedHandshake(
    _ flight: [UInt8], secret: SymmetricKey, suite: CipherSuite = .TLS_AES_128_GCM_SHA256,
    _ reseal: ([[UInt8]], inout TestCipher) throws -> [UInt8]
) throws -> [UInt8] {
    var reader = TestCipher(suite: suite, secret: secret)
    var plaintextRecords: [UInt8] = []
    var stream: [UInt8] = []
    for record in try WireRecords.split(flight) {
        guard record.contentType == .applicationData else {
            plaintextRecords += WireRecords.encode(record)
            continue
        }
        let opened = try reader.open(record)
        XCTAssertEqual(opened.type, .handshake, "only handshake messages are expected under handshake keys")
        stream += opened.content
    }
    var writer = TestCipher(suite: suite, secret: secret)
    return plaintextRecords + (try reseal(try WireRecords.messages(in: stream), &writer))
}

/// Rewrites a flight whose handshake messages are protected under `secret`: the protected
/// handshake messages are handed to `transform` as raw messages and sealed again in one
/// record from sequence number 0, as the sender would have sealed them (see
/// `resealProtectedHandshake`).
func rewriteProtectedHandshake(
    _ flight: [UInt8], secret: SymmetricKey, suite: CipherSuite = .TLS_AES_128_GCM_SHA256,
    _ transform: (inout [[UInt8]]) throws -> Void
) throws -> [UInt8] {
    try resealProtectedHandshake(flight, secret: secret, suite: suite) { messages, writer in
        var messages = messages
        try transform(&messages)
        return try writer.seal(.handshake, messages.flatMap { $0 })
    }
}

extension Array where Element == [UInt8] {
    /// Flips the lowest bit of the last byte of the first message of `type`: the end of
    /// a Finished verify_data or of a CertificateVerify signature.
    mutating func flipLastByte(of type: HandshakeType, file: StaticString = #filePath, line: UInt = #line) {
        guard let index = firstIndex(where: { $0.first == type.rawValue }) else {
            return XCTFail("no \(type) message in the flight", file: file, line: line)
        }
        self[index][self[index].count - 1] ^= 0x01
    }

    /// Replaces the first message of `type` with `replacement`.
    mutating func replace(_ type: HandshakeType, with replacement: HandshakeMessage, file: StaticString = #filePath, line: UInt = #line) {
        guard let index = firstIndex(where: { $0.first == type.rawValue }) else {
            return XCTFail("no \(type) message in the flight", file: file, line: line)
        }
        self[index] = replacement.encoded()
    }
}

// MARK: Assertions

/// Runs `body`, which must make `connection` fail with `alert` and `code`, then checks
/// the connection stays failed: every later call throws the same error and sends nothing
/// more. Returns the error and the bytes the connection queued for the peer, which hold
/// its alert.
@discardableResult
func assertFails(
    _ connection: TLSConnection, sending alert: AlertDescription, code: TLSError.Code = .peerMisbehaved, _ name: String,
    file: StaticString = #filePath, line: UInt = #line, _ body: () throws -> Void
) -> (error: TLSError, output: [UInt8])? {
    let error: TLSError
    do {
        try body()
        XCTFail("\(name): no error, expected \(alert)", file: file, line: line)
        return nil
    } catch let thrown as TLSError {
        error = thrown
    } catch {
        XCTFail("\(name): expected a TLSError, got \(error)", file: file, line: line)
        return nil
    }
    XCTAssertEqual(error.alertSent, alert, "\(name): \(error)", file: file, line: line)
    XCTAssertEqual(error.code, code, "\(name): \(error)", file: file, line: line)
    XCTAssertNil(error.alertReceived, "\(name)", file: file, line: line)
    let output = connection.takeOutput()
    assertStaysFailed(connection, with: error, name, file: file, line: line)
    return (error, output)
}

/// Every call on a failed connection throws its error, and nothing more is sent.
func assertStaysFailed(_ connection: TLSConnection, with error: TLSError, _ name: String, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(connection.error, error, "\(name)", file: file, line: line)
    XCTAssertTrue(connection.isClosed, "\(name)", file: file, line: line)
    let calls: [(String, () throws -> Void)] = [
        ("receive", { try connection.receive(WireRecords.record(.handshake, [20, 0, 0, 0])) }),
        ("receive nothing", { try connection.receive([UInt8]()) }),
        ("write", { try connection.write([1, 2, 3]) }),
        ("driveHandshake", { try connection.driveHandshake() }),
        ("updateKeys", { try connection.updateKeys(requestPeerUpdate: true) }),
        ("exportKeyingMaterial", { _ = try connection.exportKeyingMaterial(label: "EXPORTER-test", length: 16) }),
    ]
    for (call, body) in calls {
        XCTAssertThrowsError(try body(), "\(name): \(call) after the failure", file: file, line: line) { thrown in
            XCTAssertEqual(thrown as? TLSError, error, "\(name): \(call) after the failure", file: file, line: line)
        }
    }
    connection.close()
    XCTAssertEqual(connection.takeOutput(), [], "\(name): nothing is sent after the fatal alert", file: file, line: line)
}

/// The failing side's output ends with the plaintext fatal alert record
/// `15 03 03 00 02 02 <alert>`, and holds no other alert.
func assertPlaintextAlert(_ output: [UInt8], _ alert: AlertDescription, _ name: String, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(Array(output.suffix(7)), [0x15, 0x03, 0x03, 0x00, 0x02, 0x02, alert.rawValue], "\(name): alert record", file: file, line: line)
    let alerts = (try? WireRecords.split(output))?.filter { $0.contentType == .alert }
    XCTAssertEqual(alerts?.count, 1, "\(name): exactly one alert record", file: file, line: line)
}

/// The failing side's output, decrypted with its write secret, ends with the fatal alert.
/// Change_cipher_spec records are skipped; `cipher` must start where the sender's write
/// keys stood when it failed.
func assertProtectedAlert(
    _ output: [UInt8], cipher: TestCipher, _ alert: AlertDescription, _ name: String, file: StaticString = #filePath, line: UInt = #line
) throws {
    var cipher = cipher
    var last: (type: ContentType, content: [UInt8])?
    for record in try WireRecords.split(output) where record.contentType != .changeCipherSpec {
        XCTAssertEqual(record.contentType, .applicationData, "\(name): the alert is protected", file: file, line: line)
        last = try cipher.open(record)
    }
    XCTAssertEqual(last?.type, .alert, "\(name)", file: file, line: line)
    XCTAssertEqual(last?.content, [2, alert.rawValue], "\(name)", file: file, line: line)
}

/// The peer, given the failing side's output, fails with `.alertReceived(alert)` and
/// answers nothing (an alert is never answered with an alert).
func assertPeerReceivesAlert(
    _ output: [UInt8], peer: TLSConnection, _ alert: AlertDescription, _ name: String, file: StaticString = #filePath, line: UInt = #line
) {
    XCTAssertThrowsError(try peer.receive(output), "\(name): the peer sees the alert", file: file, line: line) { error in
        guard let error = error as? TLSError else { return XCTFail("\(name): \(error)", file: file, line: line) }
        XCTAssertEqual(error.code, .alertReceived, "\(name): \(error)", file: file, line: line)
        XCTAssertEqual(error.alertReceived, alert, "\(name): \(error)", file: file, line: line)
        XCTAssertNil(error.alertSent, "\(name)", file: file, line: line)
    }
    XCTAssertEqual(peer.takeOutput(), [], "\(name): the peer does not answer an alert", file: file, line: line)
    var events: [TLSEvent] = []
    while let event = peer.nextEvent() { events.append(event) }
    XCTAssertEqual(events.last, .alertReceived(alert), "\(name)", file: file, line: line)
}

// MARK: Fixtures

/// Connections for bad-input tests: AES-128-GCM only, X25519 shared first, P-256 supported.
enum BadInput {
    static let suite = CipherSuite.TLS_AES_128_GCM_SHA256
    static let certified = TestPKI.certifiedKey()

    static func clientConfiguration() -> ClientConfiguration {
        var configuration = TestPKI.clientConfiguration(trusting: certified)
        configuration.cipherSuites = [suite]
        configuration.groups = [.x25519, .secp256r1]
        configuration.keyShareGroups = [.x25519]
        return configuration
    }

    static func serverConfiguration(keyLog: KeyLogSecrets? = nil) -> ServerConfiguration {
        var configuration = TestPKI.serverConfiguration(certified)
        configuration.keyLog = keyLog?.callback
        // No tickets: the tests count the server's protected records from sequence number 0.
        configuration.ticketCount = 0
        return configuration
    }

    static func server() throws -> ServerConnection {
        try ServerConnection(configuration: serverConfiguration())
    }

    static func client() throws -> ClientConnection {
        try ClientConnection(configuration: clientConfiguration(), serverName: "localhost")
    }

    /// A pair whose secrets the server's key log records.
    static func pair(secrets: KeyLogSecrets? = nil) throws -> ConnectionPair {
        try ConnectionPair(clientConfiguration: clientConfiguration(), serverConfiguration: serverConfiguration(keyLog: secrets))
    }

    /// A pair that has completed its handshake; all output has been delivered.
    static func connectedPair(secrets: KeyLogSecrets? = nil) throws -> ConnectionPair {
        let pair = try pair(secrets: secrets)
        try pair.exchange()
        XCTAssertTrue(pair.client.isHandshakeComplete && pair.server.isHandshakeComplete)
        return pair
    }

    /// The first handshake message a connection sent, decoded.
    static func firstMessage(of output: [UInt8]) throws -> HandshakeMessage {
        let record = try XCTUnwrap(try WireRecords.split(output).first)
        XCTAssertEqual(record.contentType, .handshake)
        let raw = try XCTUnwrap(try WireRecords.messages(in: record.fragment).first)
        return try HandshakeMessage.decode(type: HandshakeType(rawValue: raw[0]), body: Array(raw.dropFirst(4)))
    }

    /// The ClientHello a real client sends.
    static func clientHello(from client: ClientConnection? = nil) throws -> ClientHello {
        let message = try firstMessage(of: (client ?? self.client()).takeOutput())
        guard case .clientHello(let hello) = message else { throw FixtureError("expected a ClientHello, got \(message.type)") }
        return hello
    }
}

/// A test fixture did not look as the test expects.
struct FixtureError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
