import NIOSSL
import TLSKit
import XCTest

/// TLSKit's client resumes a session from a ticket that swift-nio-ssl's server (BoringSSL,
/// which sends two TLS 1.3 tickets per full handshake by default) issued on an earlier connection.
///
/// Only this direction can be tested: swift-nio-ssl's client has no API to keep a session and
/// offer it again, so it never resumes against TLSKit's server. (That BoringSSL's client accepts
/// TLSKit's tickets without complaint is checked in ``TLSKitServerTests``.)
final class ResumptionTests: XCTestCase {
    // MARK: Key exchange groups, one line each: resumption with psk_dhe_ke runs a fresh key
    // exchange (RFC 8446 §4.2.9), in the group under test.

    func testX25519() async throws { try await assertResumption(group: .x25519) }
    func testSecp256r1() async throws { try await assertResumption(group: .secp256r1) }
    func testSecp384r1() async throws { try await assertResumption(group: .secp384r1) }
    // The post-quantum hybrid (BoringSSL has no other).
    func testX25519MLKEM768() async throws { try await assertResumption(group: .X25519MLKEM768) }

    private func assertResumption(group: NamedGroup, file: StaticString = #filePath, line: UInt = #line) async throws {
        let pki = try InteropPKI()
        var server = try pki.niosslServerConfiguration()
        server.curves = [NIOTLSCurve(group)]
        var client = pki.tlskitClientConfiguration()
        TLSKitGroups.expected.apply(expecting: group, to: &client)
        let store = InMemoryClientSessionStore()
        client.sessionStore = store

        // One server context for both connections: its ticket keys open the first one's tickets.
        let connections = try await Loopback.run(
            connections: 2, server: try Handlers.niosslServer(server), client: Handlers.tlskitClient(client))
        XCTAssertEqual(connections.count, 2, file: file, line: line)
        guard connections.count == 2 else { return }
        let (full, resumed) = (connections[0], connections[1])

        assertExchanged(full, file: file, line: line)
        let first = try XCTUnwrap(full.client.negotiated, "TLSKit reported no completed full handshake", file: file, line: line)
        XCTAssertFalse(first.isResumed, file: file, line: line)
        XCTAssertEqual(first.group, group, file: file, line: line)
        let tickets = full.client.ticketsReceived
        XCTAssertFalse(tickets.isEmpty, "BoringSSL sent no ticket", file: file, line: line)
        for ticket in tickets {
            XCTAssertEqual(ticket.serverName, InteropPKI.serverName, file: file, line: line)
            XCTAssertEqual(ticket.cipherSuite, first.cipherSuite, file: file, line: line)
            XCTAssertEqual(ticket.applicationProtocol, "http/1.1", file: file, line: line)
        }

        assertExchanged(resumed, file: file, line: line)
        let second = try XCTUnwrap(resumed.client.negotiated, "TLSKit reported no completed resumption", file: file, line: line)
        XCTAssertTrue(second.isResumed, "TLSKit did not resume", file: file, line: line)
        XCTAssertEqual(second.group, group, "psk_dhe_ke runs a fresh key exchange", file: file, line: line)
        XCTAssertEqual(second.cipherSuite, first.cipherSuite, file: file, line: line)
        XCTAssertEqual(second.applicationProtocol, "http/1.1", file: file, line: line)
        XCTAssertFalse(second.usedHelloRetryRequest, file: file, line: line)
        // The resumed connection spent one ticket (each is taken once) and BoringSSL sent new ones.
        XCTAssertFalse(resumed.client.ticketsReceived.isEmpty, "BoringSSL sent no ticket after resuming", file: file, line: line)
        XCTAssertEqual(
            store.count(serverName: InteropPKI.serverName), tickets.count - 1 + resumed.client.ticketsReceived.count,
            file: file, line: line)
        XCTAssertNil(resumed.server.niossl?.peerCertificate, file: file, line: line)
    }
}
