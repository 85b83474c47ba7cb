import Foundation
import XCTest

@testable import TLSKit

/// Tickets and resumption end to end in memory, as SSL_CTX_set_num_tickets(3) describes them.
final class SessionResumptionTests: XCTestCase {
    private var certified: CertifiedKey!
    private var server: ServerConfiguration!
    private var client: ClientConfiguration!

    override func setUp() {
        certified = TestPKI.certifiedKey()
        server = TestPKI.serverConfiguration(certified)
        client = TestPKI.clientConfiguration(trusting: certified)
        client.sessionStore = InMemoryClientSessionStore()
    }

    private func connect(
        server: ServerConfiguration? = nil, client: ClientConfiguration? = nil, session: ClientSession? = nil
    ) throws -> ConnectionPair {
        let pair = ConnectionPair(
            client: try ClientConnection(configuration: client ?? self.client, serverName: "localhost", session: session),
            server: try ServerConnection(configuration: server ?? self.server))
        try pair.exchange()
        XCTAssertTrue(pair.client.isHandshakeComplete)
        return pair
    }

    private func events(_ connection: TLSConnection) -> [TLSEvent] {
        var all: [TLSEvent] = []
        while let event = connection.nextEvent() { all.append(event) }
        return all
    }

    private func receivedSessions(_ connection: TLSConnection) -> [ClientSession] {
        events(connection).compactMap {
            if case .sessionTicketReceived(let session) = $0 { return session }
            return nil
        }
    }

    func testServerSendsExactlyTheConfiguredNumberOfTicketsAfterAFullHandshake() throws {
        client.sessionStore = nil
        for count in [0, 1, 2, 5] {
            server.ticketCount = count
            let pair = try connect()
            XCTAssertEqual(pair.client.receivedTicketCount, count, "ticket count \(count)")
            XCTAssertEqual((pair.server as ServerConnection).ticketCount, count)
        }
    }

    func testDefaultTicketCountIsTwo() throws {
        XCTAssertEqual(server.ticketCount, 2)
        XCTAssertEqual(try connect().client.receivedTicketCount, 2)
    }

    func testResumptionSendsAtMostOneTicketWhateverTheCount() throws {
        server.ticketCount = 5
        _ = try connect()
        let resumed = try connect()
        XCTAssertEqual(resumed.client.negotiatedParameters?.isResumed, true)
        XCTAssertEqual(resumed.server.negotiatedParameters?.isResumed, true)
        XCTAssertEqual(resumed.client.receivedTicketCount, 1)
        XCTAssertNil(resumed.client.negotiatedParameters?.serverSignatureScheme, "no CertificateVerify on a resumption")
    }

    func testZeroTicketsAfterResumptionWhenCountIsZero() throws {
        _ = try connect()
        var noTickets = server!
        noTickets.ticketCount = 0
        let resumed = try connect(server: noTickets)
        XCTAssertEqual(resumed.client.negotiatedParameters?.isResumed, true)
        XCTAssertEqual(resumed.client.receivedTicketCount, 0)
    }

    func testConnectionTicketCountStartsFromConfigurationAndCanBeChanged() throws {
        server.ticketCount = 3
        let serverConnection = try ServerConnection(configuration: server)
        XCTAssertEqual(serverConnection.ticketCount, 3)
        try serverConnection.setTicketCount(1)
        XCTAssertEqual(serverConnection.ticketCount, 1)
        XCTAssertEqual(server.ticketCount, 3, "the shared configuration is untouched")
        XCTAssertThrowsError(try serverConnection.setTicketCount(-1))
        XCTAssertThrowsError(try serverConnection.setTicketCount(ServerConfiguration.maximumTicketCount + 1)) { error in
            XCTAssertEqual((error as? TLSError)?.code, .invalidConfiguration)
        }
        let pair = ConnectionPair(client: try ClientConnection(configuration: client, serverName: "localhost"), server: serverConnection)
        try pair.exchange()
        XCTAssertEqual(pair.client.receivedTicketCount, 1)
    }

    func testRequestedTicketsLeaveWithTheNextWriteBeforeItsData() throws {
        server.ticketCount = 0
        let pair = try connect()
        _ = events(pair.client)
        for _ in 0..<3 { try pair.server.requestSessionTicket() }
        XCTAssertFalse(pair.server.hasPendingOutput, "requests are queued, not sent")
        try pair.server.write(Array("data".utf8))
        let bytes = pair.server.takeOutput()
        // Tickets and data arrive in separate records; feed them one record at a time.
        var offset = 0
        var order: [String] = []
        while offset < bytes.count {
            let length = Int(bytes[offset + 3]) << 8 | Int(bytes[offset + 4])
            try pair.client.receive(bytes[offset..<offset + 5 + length])
            order += events(pair.client).map { _ in "ticket" }
            if pair.client.readApplicationData() != nil { order.append("data") }
            offset += 5 + length
        }
        XCTAssertEqual(order, ["ticket", "ticket", "ticket", "data"])
        XCTAssertEqual(pair.client.receivedTicketCount, 3)
    }

    func testDrivingTheHandshakeSendsRequestedTicketsWithoutAWrite() throws {
        server.ticketCount = 0
        let pair = try connect()
        try pair.server.requestSessionTicket()
        try pair.server.requestSessionTicket()
        try pair.server.driveHandshake()
        XCTAssertTrue(pair.server.hasPendingOutput)
        try pair.exchange()
        XCTAssertEqual(pair.client.receivedTicketCount, 2)
        XCTAssertNil(pair.client.readApplicationData())
    }

    func testAWriteAfterCloseSendsNoQueuedTicket() throws {
        server.ticketCount = 0
        let pair = try connect()
        try pair.server.requestSessionTicket()
        pair.server.close()
        let closing = pair.server.takeOutput()
        XCTAssertThrowsError(try pair.server.write(Array("late".utf8))) { error in
            XCTAssertEqual((error as? TLSError)?.code, .connectionClosed)
        }
        XCTAssertFalse(pair.server.hasPendingOutput, "nothing follows close_notify")
        try pair.client.receive(closing)
        XCTAssertEqual(pair.client.receivedTicketCount, 0)
        XCTAssertTrue(pair.client.isPeerClosed)
    }

    func testRequestingATicketBeforeTheHandshakeCompletesFails() throws {
        let serverConnection = try ServerConnection(configuration: server)
        XCTAssertThrowsError(try serverConnection.requestSessionTicket()) { error in
            XCTAssertEqual((error as? TLSError)?.code, .invalidState)
        }
    }

    func testNewSessionHandlersFireOncePerTicketOnBothSides() throws {
        let issued = LockedLines()
        let received = LockedLines()
        server.ticketCount = 3
        server.newSessionHandler = { issued.append(Hex.encode($0.ticket)) }
        client.newSessionHandler = { received.append(Hex.encode($0.ticket)) }
        let pair = try connect()
        XCTAssertEqual(issued.all.count, 3)
        XCTAssertEqual(received.all, issued.all, "the client reports each ticket the server generated, in order")
        try pair.server.requestSessionTicket()
        try pair.server.driveHandshake()
        try pair.exchange()
        XCTAssertEqual(issued.all.count, 4)
        XCTAssertEqual(received.all.count, 4)
    }

    func testReceiveFromInsideANewSessionHandlerIsRefusedAndTheConnectionGoesOn() throws {
        final class Box: @unchecked Sendable { var connection: TLSConnection?; var errors: [TLSError] = [] }
        let box = Box()
        server.ticketCount = 2
        client.newSessionHandler = { _ in
            do { try box.connection?.receive([23, 3, 3, 0, 1, 0]) } catch { box.errors.append(error as! TLSError) }
        }
        let pair = ConnectionPair(
            client: try ClientConnection(configuration: client, serverName: "localhost"),
            server: try ServerConnection(configuration: server))
        box.connection = pair.client
        try pair.exchange()
        XCTAssertEqual(pair.client.receivedTicketCount, 2)
        XCTAssertEqual(box.errors, Array(repeating: TLSError(.invalidState("receive(_:) called from inside a handler it ran")), count: 2))
        XCTAssertNil(pair.client.error)
        try pair.client.write(Array("still open".utf8))
        try pair.exchange()
        XCTAssertEqual(pair.server.readApplicationData(), Array("still open".utf8))
    }

    func testClientStoreKeepsTicketsAndUsesEachOnce() throws {
        let store = InMemoryClientSessionStore()
        client.sessionStore = store
        server.ticketCount = 1
        _ = try connect()
        XCTAssertEqual(store.count(serverName: "localhost"), 1)
        let second = try connect()
        XCTAssertEqual(second.client.negotiatedParameters?.isResumed, true)
        XCTAssertEqual(store.count(serverName: "localhost"), 1, "the used ticket is gone, the new one is kept")
    }

    func testSessionSurvivesPEMRoundTripAndResumes() throws {
        client.sessionStore = nil
        let first = try connect()
        let session = try XCTUnwrap(receivedSessions(first.client).first)
        let restored = try ClientSession(pemEncoded: session.pemEncoded)
        XCTAssertEqual(restored, session)
        let resumed = try connect(session: restored)
        XCTAssertEqual(resumed.client.negotiatedParameters?.isResumed, true)
    }

    func testForgedTruncatedAndWrongKeyTicketsFallBackToAFullHandshake() throws {
        client.sessionStore = nil
        let session = try XCTUnwrap(receivedSessions(try connect().client).first)
        var flipped = session.ticket
        flipped[flipped.count / 2] ^= 1
        let cases: [(String, [UInt8], TicketRejection)] = [
            ("forged", flipped, .malformed),
            ("truncated", Array(session.ticket.prefix(10)), .malformed),
        ]
        for (name, ticket, reason) in cases {
            let statistics = ServerStatistics()
            var fresh = server!
            fresh.statistics = statistics
            let pair = try connect(server: fresh, session: session.replacingTicket(ticket))
            XCTAssertEqual(pair.client.negotiatedParameters?.isResumed, false, name)
            XCTAssertEqual(statistics.snapshot().ticketsRejected[reason], 1, name)
            XCTAssertEqual(statistics.snapshot().fullHandshakes, 1, name)
        }
        // Another server, another key ring: the ticket's key name is unknown there.
        var stranger = TestPKI.serverConfiguration(certified)
        let statistics = ServerStatistics()
        stranger.statistics = statistics
        let pair = try connect(server: stranger, session: session)
        XCTAssertEqual(pair.client.negotiatedParameters?.isResumed, false)
        XCTAssertEqual(statistics.snapshot().ticketsRejected[.unknownKey], 1)
    }

    func testExpiredTicketFallsBackToAFullHandshake() throws {
        client.sessionStore = nil
        let clock = TicketTestClock()
        server.time = TimeSource { clock.now }
        server.ticketLifetime = 60
        let session = try XCTUnwrap(receivedSessions(try connect().client).first)
        clock.advance(by: 61)
        let pair = try connect(session: session)
        XCTAssertEqual(pair.client.negotiatedParameters?.isResumed, false)
        XCTAssertEqual(server.statistics.snapshot().ticketsRejected[.expired], 1)
    }

    func testTicketUnderThePreviousKeyResumesInsideTheWindowButNotAfter() throws {
        client.sessionStore = nil
        let clock = TicketTestClock()
        let ring = try SessionTicketKeyRing(rotationInterval: 3600, acceptanceWindow: 7200, time: TimeSource { clock.now })
        server.ticketProtection = .stateless(ring)
        server.time = TimeSource { clock.now }
        server.ticketLifetime = 604_800
        server.ticketAgeTolerance = 100_000
        let sessions = receivedSessions(try connect().client)
        clock.advance(by: 3601)
        _ = try connect()  // seals under a fresh key: the first is now the previous one
        XCTAssertEqual(ring.keys.count, 2)
        XCTAssertEqual(try connect(session: sessions[0]).client.negotiatedParameters?.isResumed, true)
        clock.advance(by: 3600)
        XCTAssertEqual(try connect(session: sessions[1]).client.negotiatedParameters?.isResumed, false)
        XCTAssertEqual(server.statistics.snapshot().ticketsRejected[.unknownKey], 1)
    }

    func testStatefulSingleUseTicketsResumeOnlyOnce() throws {
        client.sessionStore = nil
        let store = InMemoryServerSessionStore()
        server.ticketProtection = .stateful(store, singleUse: true)
        let session = try XCTUnwrap(receivedSessions(try connect().client).first)
        XCTAssertEqual(session.ticket.count, 32, "a stateful ticket is an identifier")
        XCTAssertEqual(try connect(session: session).client.negotiatedParameters?.isResumed, true)
        XCTAssertEqual(try connect(session: session).client.negotiatedParameters?.isResumed, false)
    }

    func testCorruptedBinderIsDecryptError() throws {
        _ = try connect()
        let pair = ConnectionPair(
            client: try ClientConnection(configuration: client, serverName: "localhost"), server: try ServerConnection(configuration: server))
        var hello = pair.client.takeOutput()
        hello[hello.count - 1] ^= 0x01  // the binder is the last field of the ClientHello
        XCTAssertThrowsError(try pair.server.receive(hello)) { error in
            XCTAssertEqual((error as? TLSError)?.alertSent, .decryptError)
        }
        XCTAssertEqual(server.statistics.snapshot().ticketsRejected[.badBinder], 1)
        XCTAssertEqual(Array(pair.server.takeOutput()), [21, 3, 3, 0, 2, 2, 51])
    }

    func testPSKOnlyModeResumesWithoutKeyExchange() throws {
        server.resumptionModes = [.pskOnly, .pskWithKeyExchange]
        client.resumptionModes = [.pskOnly]
        _ = try connect()
        let resumed = try connect()
        XCTAssertEqual(resumed.client.negotiatedParameters?.isResumed, true)
        XCTAssertNil(resumed.client.negotiatedParameters?.group)
        XCTAssertNil(resumed.server.negotiatedParameters?.group)
    }

    func testResumptionThroughAHelloRetryRequest() throws {
        _ = try connect()
        server.groups = [.secp384r1]
        client.groups = [.x25519, .secp384r1]
        client.keyShareGroups = [.x25519]
        let resumed = try connect()
        XCTAssertEqual(resumed.client.negotiatedParameters?.usedHelloRetryRequest, true)
        XCTAssertEqual(resumed.client.negotiatedParameters?.isResumed, true)
        XCTAssertEqual(resumed.server.negotiatedParameters?.group, .secp384r1)
    }

    func testPostHandshakeAuthenticationIssuesTicketsBoundToTheNewIdentity() throws {
        let clientKey = TestPKI.certifiedKey(names: ["client.example"])
        client.certificate = clientKey
        client.offersPostHandshakeAuthentication = true
        client.sessionStore = nil
        server.ticketCount = 2
        let pair = try connect()
        XCTAssertEqual(pair.server.negotiatedParameters?.peerCertificates, [])
        _ = events(pair.client)
        _ = events(pair.server)
        try pair.server.requestClientCertificate(trustRoots: .certificates([clientKey.chain[0]]))
        try pair.exchange()
        XCTAssertEqual(events(pair.server).first, .clientAuthenticated([clientKey.chain[0]]))
        let sessions = receivedSessions(pair.client)
        XCTAssertEqual(sessions.count, 2, "the same number of tickets as after the handshake")
        let resumed = try connect(session: sessions[0])
        XCTAssertEqual(resumed.server.negotiatedParameters?.isResumed, true)
        XCTAssertEqual(resumed.server.negotiatedParameters?.peerCertificates, [clientKey.chain[0]])
    }

    func testPostHandshakeAuthenticationNeedsTheClientsOffer() throws {
        let pair = try connect()
        XCTAssertThrowsError(try pair.server.requestClientCertificate(trustRoots: .certificates(TestPKI.certifiedKey().chain))) { error in
            XCTAssertEqual((error as? TLSError)?.code, .invalidState)
        }
    }

    func testStatisticsCountHandshakesResumptionsAndTickets() throws {
        _ = try connect()
        _ = try connect()
        let snapshot = server.statistics.snapshot()
        XCTAssertEqual(snapshot.fullHandshakes, 1)
        XCTAssertEqual(snapshot.resumptions, 1)
        XCTAssertEqual(snapshot.ticketsIssued, 3)
    }

    func testTicketCarriesLifetimeAndFreshAgeAddAndNonce() throws {
        server.ticketLifetime = 1234
        server.ticketCount = 2
        let sessions = receivedSessions(try connect().client)
        XCTAssertEqual(sessions.map(\.lifetime), [1234, 1234])
        XCTAssertNotEqual(sessions[0].ageAdd, sessions[1].ageAdd)
        XCTAssertNotEqual(sessions[0].psk, sessions[1].psk, "each ticket has its own nonce and PSK")
    }
}

extension ClientSession {
    func replacingTicket(_ ticket: [UInt8]) -> ClientSession {
        ClientSession(
            serverName: serverName, cipherSuite: cipherSuite, psk: psk, ticket: ticket, lifetime: lifetime, ageAdd: ageAdd,
            receivedAt: receivedAt, maximumEarlyDataSize: maximumEarlyDataSize, applicationProtocol: applicationProtocol)
    }
}

final class SessionSecrecyTests: XCTestCase {
    func testSessionDescriptionsNeverShowThePSK() {
        let session = ClientSession(
            serverName: "localhost", cipherSuite: .TLS_AES_128_GCM_SHA256, psk: [UInt8](repeating: 0xAB, count: 32), ticket: [1, 2, 3],
            lifetime: 60, ageAdd: 7, receivedAt: Date(), maximumEarlyDataSize: 0, applicationProtocol: nil)
        var dumped = ""
        dump(session, to: &dumped)
        for text in [session.description, String(reflecting: session), "\(TLSEvent.sessionTicketReceived(session))", dumped] {
            XCTAssertFalse(text.lowercased().contains("ab, 171") || text.contains("171, 171") || text.contains("abab"), text)
            XCTAssertTrue(text.contains("localhost"), text)
        }
    }
}

extension SessionResumptionTests {
    func testPostHandshakeAuthenticationAfterAResumptionIssuesAtMostOneTicket() throws {
        let clientKey = TestPKI.certifiedKey(names: ["client.example"])
        client.certificate = clientKey
        client.offersPostHandshakeAuthentication = true
        server.ticketCount = 3
        _ = try connect()
        let resumed = try connect()
        XCTAssertEqual(resumed.server.negotiatedParameters?.isResumed, true)
        let before = resumed.client.receivedTicketCount
        try resumed.server.requestClientCertificate(trustRoots: .certificates([clientKey.chain[0]]))
        try resumed.exchange()
        XCTAssertEqual(resumed.client.receivedTicketCount - before, 1, "as many as after the initial handshake")
    }

    func testTicketCountChangedBeforeThePostHandshakeRequestApplies() throws {
        let clientKey = TestPKI.certifiedKey(names: ["client.example"])
        client.certificate = clientKey
        client.offersPostHandshakeAuthentication = true
        client.sessionStore = nil
        let pair = try connect()
        XCTAssertEqual(pair.client.receivedTicketCount, 2)
        try (pair.server as ServerConnection).setTicketCount(4)
        try pair.server.requestClientCertificate(trustRoots: .certificates([clientKey.chain[0]]))
        try pair.exchange()
        XCTAssertEqual(pair.client.receivedTicketCount, 6)
    }
}

extension SessionResumptionTests {
    func testExtremeTicketTimesAndTolerancesNeverTrap() throws {
        client.sessionStore = nil
        let session = try XCTUnwrap(receivedSessions(try connect().client).first)
        // A session received far in the future (its obfuscated age underflows) and a server
        // whose tolerance is infinite: resumption is decided, nothing traps.
        var lenient = server!
        lenient.ticketAgeTolerance = .infinity
        XCTAssertEqual(try connect(server: lenient, session: session).client.negotiatedParameters?.isResumed, true)
        var strict = server!
        strict.ticketAgeTolerance = 0
        let future = ClientSession(
            serverName: session.serverName, cipherSuite: session.cipherSuite, psk: session.psk, ticket: session.ticket,
            lifetime: session.lifetime, ageAdd: session.ageAdd, receivedAt: Date().addingTimeInterval(100_000),
            maximumEarlyDataSize: 0, applicationProtocol: nil)
        // RFC 8446 §4.2.11: an age outside the tolerance still resumes; only 0-RTT would be refused.
        XCTAssertEqual(try connect(server: strict, session: future).client.negotiatedParameters?.isResumed, true)
        var invalid = server!
        invalid.ticketAgeTolerance = -1
        XCTAssertThrowsError(try ServerConnection(configuration: invalid)) { error in
            XCTAssertEqual((error as? TLSError)?.code, .invalidConfiguration)
        }
    }
}
