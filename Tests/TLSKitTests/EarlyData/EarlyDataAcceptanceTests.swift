import Crypto
import Foundation
import XCTest

@testable import TLSKit

/// RFC 8446 §4.2.10: when a server accepts early data, and why it declines it. Each acceptance
/// condition is flipped on its own, against a baseline that accepts.
final class EarlyDataAcceptanceTests: XCTestCase {
    private var certified: CertifiedKey!
    private var server: ServerConfiguration!
    private var client: ClientConfiguration!
    private var replayGuard: RecordingReplayGuard!

    override func setUp() {
        certified = TestPKI.certifiedKey()
        server = TestPKI.serverConfiguration(certified)
        server.ticketCount = 1
        server.maximumEarlyDataSize = 1_024
        replayGuard = RecordingReplayGuard()
        server.earlyDataReplayGuard = replayGuard
        client = TestPKI.clientConfiguration(trusting: certified)
        client.sessionStore = nil
    }

    /// A session from a full handshake with the server as configured now.
    private func session() throws -> ClientSession {
        let pair = try ConnectionPair(clientConfiguration: client, serverConfiguration: server)
        try pair.exchange()
        while let event = pair.client.nextEvent() {
            if case .sessionTicketReceived(let session) = event { return session }
        }
        throw FixtureError("the first handshake issued no ticket")
    }

    /// A server connection that has received `hello` and, if asked, the guard's verdict.
    private func answer(_ hello: EarlyDataHello, extra: [UInt8] = []) throws -> ServerConnection {
        let connection = try ServerConnection(configuration: server)
        try connection.receive(hello.bytes + extra)
        if let attempt = connection.pendingEarlyDataReplayCheck {
            try connection.resumeEarlyDataReplayCheck(replayGuard.checkAndRecord(attempt))
        }
        return connection
    }

    private func events(_ connection: TLSConnection) -> [TLSEvent] {
        var all: [TLSEvent] = []
        while let event = connection.nextEvent() { all.append(event) }
        return all
    }

    /// Answers a hello made from `session` (changed by `change`) and checks that the early data
    /// is declined for `reason`, counted once, without asking the guard.
    private func assertDeclined(
        _ reason: EarlyDataRejection, session: ClientSession, identities: [[UInt8]] = [], change: (inout ClientHello) -> Void = { _ in },
        line: UInt = #line
    ) throws {
        let hello = try EarlyDataHello(session: session, configuration: client, identities: identities, change: change)
        let connection = try answer(hello)
        XCTAssertNil(connection.pendingEarlyDataReplayCheck, line: line)
        XCTAssertTrue(events(connection).contains(.earlyDataRejected(reason)), "event for \(reason)", line: line)
        XCTAssertEqual(connection.earlyDataStatus, .rejected, line: line)
        let snapshot = server.statistics.snapshot()
        XCTAssertEqual(snapshot.earlyDataOffered, 1, line: line)
        XCTAssertEqual(snapshot.earlyDataAccepted, 0, line: line)
        XCTAssertEqual(snapshot.earlyDataRejected[reason], 1, "counted as \(reason)", line: line)
        XCTAssertEqual(snapshot.earlyDataRejected.values.reduce(0, +), 1, line: line)
        XCTAssertTrue(replayGuard.attempts.isEmpty, "the guard is asked only about acceptable attempts", line: line)
    }

    // MARK: The baseline accepts

    func testEarlyDataIsAcceptedWhenEveryConditionHolds() throws {
        let secrets = KeyLogSecrets()
        server.keyLog = secrets.callback
        let session = try session()
        var hello = try EarlyDataHello(session: session, configuration: client)
        let connection = try ServerConnection(configuration: server)
        try connection.receive(hello.bytes + hello.record(Array("GET / early".utf8)))
        let attempt = try XCTUnwrap(connection.pendingEarlyDataReplayCheck, "the guard is asked")
        XCTAssertFalse(connection.hasPendingOutput, "the flight waits for the verdict")
        XCTAssertNil(connection.readEarlyData(), "records wait for the verdict too")
        // The attempt: the verified binder, the ticket, and its expected arrival time.
        XCTAssertEqual(attempt.clientHelloKey, hello.hello.extensions.preSharedKey?.binders[0])
        XCTAssertEqual(attempt.ticket, session.ticket)
        XCTAssertEqual(attempt.time.timeIntervalSince(session.receivedAt), 0, accuracy: 2)
        try connection.resumeEarlyDataReplayCheck(replayGuard.checkAndRecord(attempt))
        XCTAssertEqual(replayGuard.attempts.count, 1)
        XCTAssertTrue(connection.hasPendingOutput, "the flight went out")
        XCTAssertEqual(connection.readEarlyData(), Array("GET / early".utf8))
        XCTAssertNil(connection.readApplicationData(), "early data is never ordinary application data")
        XCTAssertEqual(events(connection), [.earlyDataAccepted])
        XCTAssertEqual(connection.earlyDataStatus, .accepted)
        XCTAssertFalse(connection.isHandshakeComplete)
        let snapshot = server.statistics.snapshot()
        XCTAssertEqual(snapshot.earlyDataOffered, 1)
        XCTAssertEqual(snapshot.earlyDataAccepted, 1)
        // RFC 8446 §7.1 and the NSS key log format: the server logs the secret the client derived.
        XCTAssertEqual(try secrets.key("CLIENT_EARLY_TRAFFIC_SECRET"), hello.earlySecret)
    }

    func testEncryptedExtensionsCarryEarlyDataWhenAccepted() throws {
        let secrets = KeyLogSecrets()
        server.keyLog = secrets.callback
        let connection = try answer(try EarlyDataHello(session: try session(), configuration: client))
        let records = try WireRecords.split(connection.takeOutput()).filter { $0.contentType == .applicationData }
        var cipher = TestCipher(secret: try secrets.key("SERVER_HANDSHAKE_TRAFFIC_SECRET"))
        let opened = try cipher.open(try XCTUnwrap(records.first))
        let raw = try XCTUnwrap(try WireRecords.messages(in: opened.content).first)
        let message = try HandshakeMessage.decode(type: HandshakeType(rawValue: raw[0]), body: Array(raw.dropFirst(4)))
        guard case .encryptedExtensions(let extensions) = message else { return XCTFail("expected EncryptedExtensions") }
        XCTAssertTrue(extensions.earlyData)
    }

    // MARK: Each condition flipped

    func testServerThatAcceptsNoEarlyDataDeclinesAsNotAllowed() throws {
        let session = try session()
        server.maximumEarlyDataSize = 0
        try assertDeclined(.notAllowed, session: session)
    }

    func testTicketThatAllowsNoEarlyDataIsDeclinedAsNotAllowed() throws {
        server.maximumEarlyDataSize = 0
        let session = try session()
        XCTAssertEqual(session.maximumEarlyDataSize, 0)
        server.maximumEarlyDataSize = 1_024
        try assertDeclined(.notAllowed, session: session)
    }

    func testTicketAllowingMoreThanTheServerNowAcceptsIsDeclinedAsTooLarge() throws {
        let session = try session()
        server.maximumEarlyDataSize = 512
        try assertDeclined(.tooLarge, session: session)
    }

    func testSecondIdentityIsResumedButItsEarlyDataDeclined() throws {
        try assertDeclined(.notAllowed, session: try session(), identities: [Array(repeating: 7, count: 40)])
        XCTAssertEqual(server.statistics.snapshot().ticketsRejected[.malformed], 1)
    }

    func testOtherCipherSuiteOfTheSameHashIsDeclinedAsSuiteMismatch() throws {
        server.cipherSuites = [.TLS_AES_128_GCM_SHA256]
        let session = try session()
        server.cipherSuites = [.TLS_CHACHA20_POLY1305_SHA256, .TLS_AES_128_GCM_SHA256]
        try assertDeclined(.suiteMismatch, session: session)
    }

    func testOtherApplicationProtocolIsDeclinedAsApplicationProtocolMismatch() throws {
        client.applicationProtocols = ["h2", "http/1.1"]
        server.applicationProtocols = ["h2"]
        let session = try session()
        XCTAssertEqual(session.applicationProtocol, "h2")
        server.applicationProtocols = ["http/1.1"]
        try assertDeclined(.applicationProtocolMismatch, session: session)
    }

    func testOtherServerNameIsDeclinedAsServerNameMismatch() throws {
        try assertDeclined(.serverNameMismatch, session: try session()) { $0.extensions.serverName = "other.example" }
    }

    func testTicketAgeOutsideTheToleranceIsDeclinedAsTooOld() throws {
        server.ticketAgeTolerance = 1
        let session = try session()
        let aged = ClientSession(
            serverName: session.serverName, cipherSuite: session.cipherSuite, psk: session.psk, ticket: session.ticket,
            lifetime: session.lifetime, ageAdd: session.ageAdd, receivedAt: session.receivedAt.addingTimeInterval(-5),
            maximumEarlyDataSize: session.maximumEarlyDataSize, applicationProtocol: nil)
        try assertDeclined(.tooOld, session: aged)
    }

    func testSessionOutsideTheClientAuthenticationPolicyIsDeclined() throws {
        let session = try session()
        server.clientAuthentication = .required(trustRoots: .certificates([TestPKI.certifiedKey().chain[0]]))
        try assertDeclined(.clientAuthenticationPolicy, session: session)
    }

    func testAttemptTheReplayGuardRefusesIsDeclinedAsReplay() throws {
        let session = try session()
        replayGuard = RecordingReplayGuard(.reject(.replayed))
        server.earlyDataReplayGuard = replayGuard
        var hello = try EarlyDataHello(session: session, configuration: client)
        let connection = try answer(hello, extra: try hello.records(100))
        XCTAssertEqual(replayGuard.attempts.count, 1)
        XCTAssertNil(connection.readEarlyData(), "the held early record was skipped")
        XCTAssertTrue(events(connection).contains(.earlyDataRejected(.replay)))
        XCTAssertEqual(server.statistics.snapshot().earlyDataRejected[.replay], 1)
    }

    func testEarlyDataIsDeclinedAfterHelloRetryRequest() throws {
        let session = try session()
        server.groups = [.secp384r1]
        try assertDeclined(.afterHelloRetryRequest, session: session)
    }

    // MARK: Limits and EndOfEarlyData

    /// RFC 8446 §4.6.1: more than max_early_data_size bytes of 0-RTT data is an unexpected_message.
    func testEarlyDataPastTheTicketsLimitIsUnexpectedMessage() throws {
        let session = try session()
        var hello = try EarlyDataHello(session: session, configuration: client)
        let connection = try answer(hello, extra: try hello.records(1_000))
        XCTAssertEqual(connection.readEarlyData()?.count, 1_000)
        XCTAssertThrowsError(try connection.receive(try hello.records(25))) { error in
            XCTAssertEqual((error as? TLSError)?.alertSent, .unexpectedMessage)
        }
    }

    /// RFC 8446 §4.2.10: once early data is accepted, a 0-RTT record that does not open is a
    /// bad_record_mac, not skipped.
    func testAcceptedEarlyDataRecordThatDoesNotOpenIsBadRecordMAC() throws {
        let connection = try answer(try EarlyDataHello(session: try session(), configuration: client))
        XCTAssertEqual(connection.earlyDataStatus, .accepted)
        XCTAssertThrowsError(try connection.receive(try earlyDataRecords(10))) { error in
            XCTAssertEqual((error as? TLSError)?.alertSent, .badRecordMAC)
        }
    }

    func testEarlyDataUpToTheLimitIsRead() throws {
        var hello = try EarlyDataHello(session: try session(), configuration: client)
        let connection = try answer(hello, extra: try hello.records(1_000, 24))
        XCTAssertEqual(connection.readEarlyData()?.count, 1_024)
    }

    /// RFC 8446 §4.5: after EndOfEarlyData the client's handshake key applies, so a record under
    /// the early key no longer opens.
    func testEndOfEarlyDataSwitchesToTheHandshakeKey() throws {
        var hello = try EarlyDataHello(session: try session(), configuration: client)
        let connection = try answer(hello, extra: try hello.records(10))
        try connection.receive(try hello.endOfEarlyData())
        XCTAssertThrowsError(try connection.receive(try hello.records(10))) { error in
            XCTAssertEqual((error as? TLSError)?.alertSent, .badRecordMAC)
        }
    }

    /// The client's Finished must come after EndOfEarlyData: before it, it is unexpected.
    func testFinishedBeforeEndOfEarlyDataIsUnexpectedMessage() throws {
        var hello = try EarlyDataHello(session: try session(), configuration: client)
        let connection = try answer(hello)
        let finished = HandshakeMessage.finished(Finished(verifyData: Array(repeating: 0, count: 32))).encoded()
        XCTAssertThrowsError(try connection.receive(try hello.cipher.seal(.handshake, finished))) { error in
            XCTAssertEqual((error as? TLSError)?.alertSent, .unexpectedMessage)
        }
    }

    func testDefaultGuardMatchesTheTicketProtection() throws {
        server.earlyDataReplayGuard = nil
        XCTAssertTrue(try ServerConnection(configuration: server).earlyDataReplayGuard is ClientHelloRecorder)
        let first = try ServerConnection(configuration: server).earlyDataReplayGuard as AnyObject
        XCTAssertTrue(first === (try ServerConnection(configuration: server).earlyDataReplayGuard as AnyObject), "shared by connections")
        server.ticketProtection = .stateful(InMemoryServerSessionStore(), singleUse: false)
        XCTAssertTrue(try ServerConnection(configuration: server).earlyDataReplayGuard is SingleUseTicketRegister)
        server.maximumEarlyDataSize = 0
        XCTAssertNil(try ServerConnection(configuration: server).earlyDataReplayGuard)
    }
}
