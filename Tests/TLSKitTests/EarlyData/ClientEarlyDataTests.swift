import Crypto
import Foundation
import XCTest

@testable import TLSKit

/// A TLSKit client sending early data to a TLSKit server, in memory: accepted once, rejected and
/// not sent again, never more than the ticket allows, never after a HelloRetryRequest.
final class ClientEarlyDataTests: XCTestCase {
    private var server: ServerConfiguration!
    private var client: ClientConfiguration!
    private var replayGuard: RecordingReplayGuard!
    private let request = Array("GET /early HTTP/1.1\r\n\r\n".utf8)

    override func setUp() {
        let certified = TestPKI.certifiedKey()
        server = TestPKI.serverConfiguration(certified)
        server.ticketCount = 1
        server.maximumEarlyDataSize = 1_024
        replayGuard = RecordingReplayGuard()
        server.earlyDataReplayGuard = replayGuard
        client = TestPKI.clientConfiguration(trusting: certified)
        client.sessionStore = nil
    }

    private func session() throws -> ClientSession {
        let pair = try ConnectionPair(clientConfiguration: client, serverConfiguration: server)
        try pair.exchange()
        while let event = pair.client.nextEvent() {
            if case .sessionTicketReceived(let session) = event { return session }
        }
        throw FixtureError("the first handshake issued no ticket")
    }

    /// A pair resuming `session` with `earlyData`, exchanged to the end, the server's replay
    /// checks answered by `replayGuard`.
    private func connect(session: ClientSession, earlyData: [UInt8]?) throws -> ConnectionPair {
        let pair = ConnectionPair(
            client: try ClientConnection(configuration: client, serverName: "localhost", session: session, earlyData: earlyData),
            server: try ServerConnection(configuration: server))
        for _ in 0..<4 {
            try pair.exchange()
            guard let attempt = pair.server.pendingEarlyDataReplayCheck else { break }
            try pair.server.resumeEarlyDataReplayCheck(replayGuard.checkAndRecord(attempt))
        }
        XCTAssertTrue(pair.client.isHandshakeComplete && pair.server.isHandshakeComplete)
        return pair
    }

    private func events(_ connection: TLSConnection) -> [TLSEvent] {
        var all: [TLSEvent] = []
        while let event = connection.nextEvent() { all.append(event) }
        return all
    }

    private func assertDataFlowsAfterwards(_ pair: ConnectionPair, line: UInt = #line) throws {
        try pair.client.write(Array("after".utf8))
        try pair.server.write(Array("reply".utf8))
        try pair.exchange()
        XCTAssertEqual(pair.server.readApplicationData(), Array("after".utf8), line: line)
        XCTAssertEqual(pair.client.readApplicationData(), Array("reply".utf8), line: line)
    }

    func testAcceptedEarlyDataIsReadOnceBeforeTheHandshakeCompletes() throws {
        let pair = try connect(session: try session(), earlyData: request)
        XCTAssertEqual(pair.client.earlyDataStatus, .accepted)
        XCTAssertEqual(pair.client.isEarlyDataAccepted, true)
        XCTAssertTrue(events(pair.client).contains(.earlyDataAccepted))
        XCTAssertEqual(pair.server.earlyDataStatus, .accepted)
        XCTAssertEqual(pair.server.readEarlyData(), request)
        XCTAssertNil(pair.server.readEarlyData(), "delivered once")
        XCTAssertNil(pair.server.readApplicationData(), "and never as ordinary data")
        XCTAssertEqual(pair.client.negotiatedParameters?.isResumed, true)
        XCTAssertEqual(replayGuard.attempts.count, 1)
        let snapshot = server.statistics.snapshot()
        XCTAssertEqual(snapshot.earlyDataAccepted, 1)
        XCTAssertEqual(snapshot.resumptions, 1)
        try assertDataFlowsAfterwards(pair)
    }

    /// The client's flight after accepted early data is EndOfEarlyData under the early key,
    /// then Finished under the handshake key (RFC 8446 §4.5, Figure 4).
    func testClientSendsEndOfEarlyDataWhenAccepted() throws {
        let secrets = KeyLogSecrets()
        client.keyLog = secrets.callback
        let session = try session()
        let clientConnection = try ClientConnection(configuration: client, serverName: "localhost", session: session, earlyData: request)
        let serverConnection = try ServerConnection(configuration: server)
        let firstFlight = clientConnection.takeOutput()
        try serverConnection.receive(firstFlight)
        try serverConnection.resumeEarlyDataReplayCheck(replayGuard.checkAndRecord(XCTUnwrap(serverConnection.pendingEarlyDataReplayCheck)))
        try clientConnection.receive(serverConnection.takeOutput())
        // ClientHello, change_cipher_spec, then the early data under the early key.
        let first = try WireRecords.split(firstFlight)
        XCTAssertEqual(first.map(\.contentType), [.handshake, .changeCipherSpec, .applicationData])
        var early = TestCipher(suite: session.cipherSuite, secret: try secrets.key("CLIENT_EARLY_TRAFFIC_SECRET"))
        XCTAssertEqual(try early.open(first[2]).content, request)
        let second = try WireRecords.split(clientConnection.takeOutput())
        XCTAssertEqual(second.count, 2, "EndOfEarlyData, then Finished")
        let endOfEarlyData = try early.open(second[0])
        XCTAssertEqual(endOfEarlyData.type, .handshake)
        XCTAssertEqual(endOfEarlyData.content, HandshakeMessage.endOfEarlyData.encoded())
        var handshake = TestCipher(suite: session.cipherSuite, secret: try secrets.key("CLIENT_HANDSHAKE_TRAFFIC_SECRET"))
        XCTAssertEqual(try handshake.open(second[1]).content.first, HandshakeType.finished.rawValue)
        try serverConnection.receive(second.flatMap(WireRecords.encode))
        XCTAssertTrue(serverConnection.isHandshakeComplete, "the server's transcript has EndOfEarlyData too")
    }

    func testRejectedEarlyDataIsNotSentAgainAndTheApplicationIsTold() throws {
        replayGuard = RecordingReplayGuard(.reject(.replayed))
        server.earlyDataReplayGuard = replayGuard
        let pair = try connect(session: try session(), earlyData: request)
        XCTAssertEqual(pair.client.earlyDataStatus, .rejected)
        XCTAssertEqual(pair.client.isEarlyDataAccepted, false)
        XCTAssertTrue(events(pair.client).contains(.earlyDataRejected(nil)))
        XCTAssertNil(pair.server.readEarlyData())
        XCTAssertNil(pair.server.readApplicationData(), "the client did not send it again on its own")
        XCTAssertEqual(pair.client.negotiatedParameters?.isResumed, true, "the resumption goes on")
        XCTAssertEqual(server.statistics.snapshot().earlyDataRejected[.replay], 1)
        try assertDataFlowsAfterwards(pair)
    }

    func testClientNeverSendsMoreThanTheTicketAllows() throws {
        let session = try session()
        let pair = try connect(session: session, earlyData: Array(repeating: 0x41, count: Int(session.maximumEarlyDataSize) + 1))
        XCTAssertEqual(pair.client.earlyDataStatus, .notSent)
        XCTAssertNil(pair.client.isEarlyDataAccepted)
        XCTAssertEqual(server.statistics.snapshot().earlyDataOffered, 0, "no early_data in the ClientHello")
        XCTAssertEqual(pair.client.negotiatedParameters?.isResumed, true)
    }

    func testClientSendsNoEarlyDataWithATicketThatAllowsNone() throws {
        server.maximumEarlyDataSize = 0
        let session = try session()
        XCTAssertEqual(session.maximumEarlyDataSize, 0)
        let client = try ClientConnection(configuration: client, serverName: "localhost", session: session, earlyData: request)
        let hello = try BadInput.clientHello(from: client)
        XCTAssertFalse(hello.extensions.earlyData)
        XCTAssertEqual(client.earlyDataStatus, .notSent)
    }

    func testClientSendsNoEarlyDataAfterHelloRetryRequest() throws {
        let session = try session()
        server.groups = [.secp384r1]
        let pair = try connect(session: session, earlyData: request)
        XCTAssertEqual(pair.client.negotiatedParameters?.usedHelloRetryRequest, true)
        XCTAssertEqual(pair.client.earlyDataStatus, .rejected)
        XCTAssertTrue(events(pair.client).contains(.earlyDataRejected(nil)))
        XCTAssertNil(pair.server.readEarlyData())
        let snapshot = server.statistics.snapshot()
        XCTAssertEqual(snapshot.earlyDataRejected[.afterHelloRetryRequest], 1)
        XCTAssertEqual(snapshot.earlyDataOffered, 1, "the second ClientHello offers none")
        XCTAssertTrue(replayGuard.attempts.isEmpty)
        try assertDataFlowsAfterwards(pair)
    }

    func testEarlyDataToAServerThatCannotOpenTheTicketIsRejectedAndTheHandshakeIsFull() throws {
        let session = try session()
        server.ticketProtection = .stateless(SessionTicketKeyRing.makeDefault())
        let pair = try connect(session: session, earlyData: request)
        XCTAssertEqual(pair.client.earlyDataStatus, .rejected)
        XCTAssertEqual(pair.client.negotiatedParameters?.isResumed, false)
        XCTAssertNil(pair.server.readEarlyData())
        try assertDataFlowsAfterwards(pair)
    }

    func testBothEndsLogTheSameEarlyTrafficSecret() throws {
        let clientSecrets = KeyLogSecrets()
        let serverSecrets = KeyLogSecrets()
        client.keyLog = clientSecrets.callback
        server.keyLog = serverSecrets.callback
        _ = try connect(session: try session(), earlyData: request)
        XCTAssertEqual(try clientSecrets.key("CLIENT_EARLY_TRAFFIC_SECRET"), try serverSecrets.key("CLIENT_EARLY_TRAFFIC_SECRET"))
    }

    /// The same first flight sent to a second server connection: the guard recognizes it and
    /// the early data is not delivered twice.
    func testReplayedFirstFlightDeliversNoEarlyDataTwice() throws {
        server.earlyDataReplayGuard = SingleUseTicketRegister()
        let session = try session()
        let client = try ClientConnection(configuration: client, serverName: "localhost", session: session, earlyData: request)
        let flight = client.takeOutput()
        var delivered = 0
        for _ in 0..<2 {
            let connection = try ServerConnection(configuration: server)
            try connection.receive(flight)
            let replayGuard = try XCTUnwrap(connection.earlyDataReplayGuard as? SingleUseTicketRegister)
            try connection.resumeEarlyDataReplayCheck(replayGuard.checkAndRecord(try XCTUnwrap(connection.pendingEarlyDataReplayCheck)))
            if connection.readEarlyData() == request { delivered += 1 }
        }
        XCTAssertEqual(delivered, 1)
        XCTAssertEqual(server.statistics.snapshot().earlyDataRejected[.replay], 1)
    }
}

extension ClientEarlyDataTests {
    /// The server's first flight to `client`, its EncryptedExtensions rewritten by `change`
    /// (under the handshake key the server logged), for the client to receive.
    private func serverFlight(to client: ClientConnection, _ change: (inout EncryptedExtensions) -> Void) throws -> [UInt8] {
        let secrets = KeyLogSecrets()
        server.keyLog = secrets.callback
        let connection = try ServerConnection(configuration: server)
        try connection.receive(client.takeOutput())
        if let attempt = connection.pendingEarlyDataReplayCheck { try connection.resumeEarlyDataReplayCheck(replayGuard.checkAndRecord(attempt)) }
        let flight = connection.takeOutput()
        let suite = try XCTUnwrap(BadInput.firstMessage(of: flight).serverHelloSuite)
        return try rewriteProtectedHandshake(flight, secret: try secrets.key("SERVER_HANDSHAKE_TRAFFIC_SECRET"), suite: suite) { messages in
            let raw = messages[0]
            guard case .encryptedExtensions(var extensions) = try HandshakeMessage.decode(type: .encryptedExtensions, body: Array(raw.dropFirst(4)))
            else { throw FixtureError("expected EncryptedExtensions first") }
            change(&extensions)
            messages[0] = HandshakeMessage.encryptedExtensions(extensions).encoded()
        }
    }

    /// RFC 8446 §4.2.10: accepted early data must have been sent with the session's ALPN.
    func testEarlyDataAcceptedUnderAnotherApplicationProtocolIsIllegalParameter() throws {
        client.applicationProtocols = ["h2", "http/1.1"]
        server.applicationProtocols = ["h2"]
        let session = try session()
        server.applicationProtocols = ["http/1.1"]
        let connection = try ClientConnection(configuration: client, serverName: "localhost", session: session, earlyData: request)
        let flight = try serverFlight(to: connection) {
            XCTAssertFalse($0.earlyData, "the server declined: the ALPN differs")
            $0.earlyData = true
        }
        XCTAssertThrowsError(try connection.receive(flight)) { error in
            XCTAssertEqual((error as? TLSError)?.alertSent, .illegalParameter)
        }
    }

    /// RFC 8446 §4.2: early_data in EncryptedExtensions answers only a ClientHello that offered it.
    func testEarlyDataInEncryptedExtensionsWithoutEarlyDataSentIsUnsupportedExtension() throws {
        let session = try session()
        let connection = try ClientConnection(configuration: client, serverName: "localhost", session: session)
        let flight = try serverFlight(to: connection) { $0.earlyData = true }
        XCTAssertThrowsError(try connection.receive(flight)) { error in
            XCTAssertEqual((error as? TLSError)?.alertSent, .unsupportedExtension)
        }
        XCTAssertEqual(connection.earlyDataStatus, .notSent)
    }
}

extension HandshakeMessage {
    fileprivate var serverHelloSuite: CipherSuite? {
        if case .serverHello(let hello) = self { return hello.cipherSuite }
        return nil
    }
}
