import Foundation
import XCTest

@testable import TLSKit

/// RFC 8446 §4.2.11: "If the ticket age is outside the tolerance, the server SHOULD proceed with
/// the handshake but reject 0-RTT". A ticket age is a question for early data, not for resumption.
final class TicketAgeTests: XCTestCase {
    private var server: ServerConfiguration!
    private var client: ClientConfiguration!

    override func setUp() {
        let certified = TestPKI.certifiedKey()
        server = TestPKI.serverConfiguration(certified)
        server.ticketCount = 1
        client = TestPKI.clientConfiguration(trusting: certified)
        client.sessionStore = nil
    }

    /// A session from a first full handshake.
    private func firstSession() throws -> ClientSession {
        let pair = try ConnectionPair(clientConfiguration: client, serverConfiguration: server)
        try pair.exchange()
        while let event = pair.client.nextEvent() {
            if case .sessionTicketReceived(let session) = event { return session }
        }
        throw FixtureError("the first handshake issued no ticket")
    }

    /// `session` as a client whose clock says it arrived `seconds` earlier than it did.
    private func aged(_ session: ClientSession, by seconds: TimeInterval) -> ClientSession {
        ClientSession(
            serverName: session.serverName, cipherSuite: session.cipherSuite, psk: session.psk, ticket: session.ticket,
            lifetime: session.lifetime, ageAdd: session.ageAdd, receivedAt: session.receivedAt.addingTimeInterval(-seconds),
            maximumEarlyDataSize: session.maximumEarlyDataSize, applicationProtocol: session.applicationProtocol)
    }

    func testTicketAgeOutsideTheToleranceStillResumes() throws {
        let session = aged(try firstSession(), by: 60)
        let pair = ConnectionPair(
            client: try ClientConnection(configuration: client, serverName: "localhost", session: session),
            server: try ServerConnection(configuration: server))
        try pair.exchange()
        XCTAssertEqual(pair.client.negotiatedParameters?.isResumed, true)
        XCTAssertEqual(pair.server.negotiatedParameters?.isResumed, true)
        let snapshot = server.statistics.snapshot()
        XCTAssertEqual(snapshot.resumptions, 1)
        XCTAssertEqual(snapshot.ticketsRejected.values.reduce(0, +), 0, "an implausible age refuses no ticket")
        XCTAssertEqual(snapshot.earlyDataOffered, 0)
    }

    func testTicketAgeOutsideTheToleranceRejectsEarlyDataAsTooOld() throws {
        server.maximumEarlyDataSize = 1_024
        let session = aged(try firstSession(), by: 60)
        let hello = try EarlyDataHello(session: session, configuration: client)
        let connection = try ServerConnection(configuration: server)
        try connection.receive(hello.bytes)
        let serverHello = try BadInput.firstMessage(of: connection.takeOutput())
        guard case .serverHello(let answer) = serverHello else { return XCTFail("expected a ServerHello, got \(serverHello.type)") }
        XCTAssertEqual(answer.extensions.preSharedKey, 0, "the ticket is resumed")
        let snapshot = server.statistics.snapshot()
        XCTAssertEqual(snapshot.ticketsRejected.values.reduce(0, +), 0)
        XCTAssertEqual(snapshot.earlyDataOffered, 1)
        XCTAssertEqual(snapshot.earlyDataRejected[.tooOld], 1)
        XCTAssertEqual(snapshot.earlyDataAccepted, 0)
    }
}
