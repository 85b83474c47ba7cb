import Crypto
import XCTest

@testable import TLSKit

/// What a server must accept and carry on from, beyond the conformance table's rows: 0-RTT data
/// it does not accept is skipped when it resumes or refuses the PSK (RFC 8446 §4.2.10), and the
/// ClientHellos of the table's §4.2.3 rows are the size the conformance suite sends.
final class ServerToleranceTests: XCTestCase {
    private var clientConfiguration = BadInput.clientConfiguration()
    private var serverConfiguration = BadInput.serverConfiguration()


    /// Completes the handshake of `pair` and checks that data flows both ways.
    private func assertCompletes(_ pair: ConnectionPair, resumed: Bool, _ message: String, line: UInt = #line) throws {
        try pair.exchange()
        XCTAssertTrue(pair.server.isHandshakeComplete, message, line: line)
        XCTAssertEqual(pair.server.negotiatedParameters?.isResumed, resumed, message, line: line)
        try pair.client.write(Array("after early data".utf8))
        try pair.exchange()
        XCTAssertEqual(pair.server.readApplicationData(), Array("after early data".utf8), message, line: line)
    }

    /// The server declined early data once, as not allowed, and counted it.
    private func assertEarlyDataDeclinedOnce(_ message: String, line: UInt = #line) {
        let snapshot = serverConfiguration.statistics.snapshot()
        XCTAssertEqual(snapshot.earlyDataOffered, 1, message, line: line)
        XCTAssertEqual(snapshot.earlyDataAccepted, 0, message, line: line)
        XCTAssertEqual(snapshot.earlyDataRejected[.notAllowed], 1, message, line: line)
    }

    private func session() throws -> ClientSession {
        serverConfiguration.ticketCount = 1
        var configuration = clientConfiguration
        configuration.sessionStore = nil
        let pair = try ConnectionPair(clientConfiguration: configuration, serverConfiguration: serverConfiguration)
        try pair.exchange()
        while let event = pair.client.nextEvent() {
            if case .sessionTicketReceived(let session) = event { return session }
        }
        throw FixtureError("no ticket")
    }

    // MARK: RFC 8446 §4.2.10: early data the server does not accept

    func testEarlyDataIsSkippedWhenTheTicketResumesWithout0RTT() throws {
        let session = try session()
        let client = try ClientConnection(configuration: clientConfiguration, serverName: "localhost", session: session)
        let pair = ConnectionPair(client: client, server: try ServerConnection(configuration: serverConfiguration))
        let hello = try client.rewritePendingHello { $0.extensions.earlyData = true }
        // Early data split across records, in the same input as the hello and in later ones.
        try pair.server.receive(hello + earlyDataRecords(1_000))
        try pair.server.receive(earlyDataRecords(1_000))
        try assertCompletes(pair, resumed: true, "resumption")
        assertEarlyDataDeclinedOnce("resumption")
    }

    /// A ticket that allows early data, and an attempt the replay guard refuses: the records
    /// held while the guard was asked are skipped, and the session resumes.
    func testEarlyDataIsSkippedWhenTheReplayGuardRefuses() throws {
        serverConfiguration.maximumEarlyDataSize = 2_048
        let session = try session()
        XCTAssertEqual(session.maximumEarlyDataSize, 2_048)
        let client = try ClientConnection(configuration: clientConfiguration, serverName: "localhost", session: session)
        let pair = ConnectionPair(client: client, server: try ServerConnection(configuration: serverConfiguration))
        let hello = try client.rewritePendingHello { $0.extensions.earlyData = true }
        try pair.server.receive(hello + earlyDataRecords(1_000, 1_000))
        XCTAssertNotNil(pair.server.pendingEarlyDataReplayCheck)
        XCTAssertFalse(pair.server.hasPendingOutput, "nothing is sent before the verdict")
        // The default guard for stateless tickets refuses everything in its first window.
        let replayGuard = try XCTUnwrap(pair.server.earlyDataReplayGuard as? ClientHelloRecorder)
        let verdict = replayGuard.checkAndRecord(try XCTUnwrap(pair.server.pendingEarlyDataReplayCheck))
        XCTAssertEqual(verdict, .reject(.startingUp))
        try pair.server.resumeEarlyDataReplayCheck(verdict)
        try assertCompletes(pair, resumed: true, "replay guard refuses")
        let snapshot = serverConfiguration.statistics.snapshot()
        XCTAssertEqual(snapshot.earlyDataOffered, 1)
        XCTAssertEqual(snapshot.earlyDataRejected[.replay], 1)
        XCTAssertNil(pair.server.readEarlyData())
    }

    func testEarlyDataIsSkippedWhenTheTicketDoesNotOpen() throws {
        let session = try session()
        serverConfiguration.ticketProtection = .stateless(SessionTicketKeyRing.makeDefault())
        let client = try ClientConnection(configuration: clientConfiguration, serverName: "localhost", session: session)
        let pair = ConnectionPair(client: client, server: try ServerConnection(configuration: serverConfiguration))
        let hello = try client.rewritePendingHello { $0.extensions.earlyData = true }
        try pair.server.receive(hello + earlyDataRecords(500, 500))
        try assertCompletes(pair, resumed: false, "unknown ticket key")
        XCTAssertEqual(serverConfiguration.statistics.snapshot().ticketsRejected[.unknownKey], 1)
        assertEarlyDataDeclinedOnce("unknown ticket key")
    }

    func testRecordsThatFailToOpenWithoutAnEarlyDataOfferAreBadRecordMAC() throws {
        let server = try ServerConnection(configuration: serverConfiguration)
        let client = try ClientConnection(configuration: clientConfiguration, serverName: "localhost")
        try server.receive(client.takeOutput())
        XCTAssertThrowsError(try server.receive(earlyDataRecords(100))) { error in
            XCTAssertEqual((error as? TLSError)?.alertSent, .badRecordMAC)
        }
        XCTAssertEqual(serverConfiguration.statistics.snapshot().earlyDataOffered, 0, "no early_data, nothing counted")
    }

    // MARK: legal sizes are accepted

    /// The conformance table's §4.2.3 rows complete such handshakes; here, the sizes they reach.
    private func assertLargestSchemeListCompletes(_ keyPath: WritableKeyPath<ClientHelloExtensions, [SignatureScheme]?>, _ name: String) throws {
        let pair = try ConnectionPair(clientConfiguration: clientConfiguration, serverConfiguration: serverConfiguration)
        var schemeCount = 0
        let hello = try pair.client.rewritePendingHello { schemeCount = ConformanceTableTests.fillExtensionBlock(&$0, keyPath) }
        XCTAssertGreaterThanOrEqual(schemeCount, 32_715, name)
        XCTAssertGreaterThan(hello.count, 65_536 + 5, "\(name): the hello is past the old 64 KiB message limit")
        try pair.server.receive(hello)
        try pair.exchange()
        XCTAssertTrue(pair.server.isHandshakeComplete, name)
    }

    func testClientHelloWithTheLargestSignatureAlgorithmsListCompletes() throws {
        try assertLargestSchemeListCompletes(\.signatureAlgorithms, "signature_algorithms")
    }

    func testClientHelloWithTheLargestSignatureAlgorithmsCertListCompletes() throws {
        try assertLargestSchemeListCompletes(\.signatureAlgorithmsCert, "signature_algorithms_cert")
    }
}
