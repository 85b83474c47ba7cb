import Foundation
import XCTest

@testable import TLSKit

/// ServerConfiguration.maximumEarlyDataSize end to end in memory: the limit reaches the client's
/// sessions through the tickets' early_data extension (RFC 8446 §4.6.1), and nothing else changes:
/// the client sends no early data and the server accepts none.
final class EarlyDataTicketTests: XCTestCase {
    private var server: ServerConfiguration!
    private var client: ClientConfiguration!

    override func setUp() {
        let certified = TestPKI.certifiedKey()
        server = TestPKI.serverConfiguration(certified)
        server.ticketCount = 2
        client = TestPKI.clientConfiguration(trusting: certified)
        client.sessionStore = nil
    }

    /// Connects, and returns the pair with the events each side raised.
    private func connect(session: ClientSession? = nil) throws -> (pair: ConnectionPair, client: [TLSEvent], server: [TLSEvent]) {
        let pair = ConnectionPair(
            client: try ClientConnection(configuration: client, serverName: "localhost", session: session),
            server: try ServerConnection(configuration: server))
        try pair.exchange()
        XCTAssertTrue(pair.client.isHandshakeComplete)
        var clientEvents: [TLSEvent] = []
        while let event = pair.client.nextEvent() { clientEvents.append(event) }
        var serverEvents: [TLSEvent] = []
        while let event = pair.server.nextEvent() { serverEvents.append(event) }
        return (pair, clientEvents, serverEvents)
    }

    private func sessions(_ events: [TLSEvent]) -> [ClientSession] {
        events.compactMap {
            if case .sessionTicketReceived(let session) = $0 { return session }
            return nil
        }
    }

    private func issued(_ events: [TLSEvent]) -> [IssuedSessionTicket] {
        events.compactMap {
            if case .sessionTicketIssued(let ticket) = $0 { return ticket }
            return nil
        }
    }

    func testTicketsAllowNoEarlyDataByDefault() throws {
        XCTAssertEqual(server.maximumEarlyDataSize, 0)
        let (_, clientEvents, serverEvents) = try connect()
        XCTAssertEqual(sessions(clientEvents).map(\.maximumEarlyDataSize), [0, 0])
        XCTAssertEqual(issued(serverEvents).map(\.maximumEarlyDataSize), [0, 0])
    }

    func testTicketsCarryTheConfiguredMaximumEarlyDataSize() throws {
        server.maximumEarlyDataSize = 4_096
        let (_, clientEvents, serverEvents) = try connect()
        let received = sessions(clientEvents)
        XCTAssertEqual(received.map(\.maximumEarlyDataSize), [4_096, 4_096])
        XCTAssertEqual(issued(serverEvents).map(\.maximumEarlyDataSize), [4_096, 4_096])
        let saved = try ClientSession(pemEncoded: received[0].pemEncoded)
        XCTAssertEqual(saved.maximumEarlyDataSize, 4_096, "the limit survives the PEM round trip")
        XCTAssertEqual(saved, received[0])
    }

    /// The session state sealed in the ticket records the limit, so a server can later hold 0-RTT to it.
    func testSealedStateRecordsTheLimit() throws {
        server.maximumEarlyDataSize = 1_000
        let (pair, clientEvents, _) = try connect()
        let ticket = try XCTUnwrap(sessions(clientEvents).first).ticket
        let issuer = TicketIssuer(protection: server.ticketProtection, random: .system)
        let state = try issuer.redeem(ticket, now: Date()).get()
        XCTAssertEqual(state.maximumEarlyDataSize, 1_000)
        XCTAssertEqual(state.cipherSuite, pair.server.negotiatedParameters?.cipherSuite)
        XCTAssertEqual(state.serverName, "localhost")
    }

    /// A ticket that allows early data resumes like any other; the client sends none with it.
    func testResumingWithAnEarlyDataTicketSendsNoEarlyData() throws {
        server.maximumEarlyDataSize = 16_384
        let session = try XCTUnwrap(sessions(try connect().client).first)
        let resumed = try connect(session: session)
        XCTAssertEqual(resumed.pair.server.negotiatedParameters?.isResumed, true)
        let snapshot = server.statistics.snapshot()
        XCTAssertEqual(snapshot.resumptions, 1)
        XCTAssertEqual(snapshot.earlyDataOffered, 0, "the client's ClientHello carries no early_data")
        XCTAssertEqual(sessions(resumed.client).map(\.maximumEarlyDataSize), [16_384], "the new ticket allows it too")
    }

    /// RFC 8446 §4.2.10: a server that declines early data skips it "up to the configured
    /// max_early_data_size"; a limit above what it skips would abort clients keeping to it.
    func testLimitAboveTheSkippedEarlyDataLimitIsRefused() throws {
        server.maximumEarlyDataSize = UInt32(server.limits.maximumSkippedEarlyData)
        XCTAssertNoThrow(try server.validate())
        server.maximumEarlyDataSize += 1
        assertConfigurationError("maximumSkippedEarlyData") { try server.validate() }
        assertConfigurationError("maximumSkippedEarlyData") { try ServerConnection(configuration: server) }
        server.limits.maximumSkippedEarlyData = 1 << 20
        server.maximumEarlyDataSize = 1 << 20
        XCTAssertNoThrow(try server.validate())
    }
}
