import Foundation
import XCTest

@testable import TLSKit

final class InMemoryClientSessionStoreTests: XCTestCase {
    private let now = Date(timeIntervalSince1970: 1_700_000_000)

    private func session(_ n: UInt8, serverName: String = "example.com", lifetime: UInt32 = 3600) -> ClientSession {
        ClientSession(
            serverName: serverName, cipherSuite: .TLS_AES_128_GCM_SHA256, psk: Array(repeating: n, count: 32),
            ticket: [n], lifetime: lifetime, ageAdd: 0, receivedAt: now, maximumEarlyDataSize: 0, applicationProtocol: nil)
    }

    func testEachTicketIsTakenOnceNewestFirst() {
        let store = InMemoryClientSessionStore()
        store.store(session(1))
        store.store(session(2))
        XCTAssertEqual(store.take(serverName: "example.com", now: now)?.ticket, [2])
        XCTAssertEqual(store.take(serverName: "example.com", now: now)?.ticket, [1])
        XCTAssertNil(store.take(serverName: "example.com", now: now))
        XCTAssertEqual(store.count(serverName: "example.com"), 0)
    }

    func testKeepsAtMostTheNewestNPerServer() {
        let store = InMemoryClientSessionStore(maximumPerServer: 3)
        for n in 1...5 { store.store(session(UInt8(n))) }
        store.store(session(9, serverName: "other.example"))
        XCTAssertEqual(store.count(serverName: "example.com"), 3)
        XCTAssertEqual(store.count(serverName: "other.example"), 1)
        var taken: [[UInt8]] = []
        while let next = store.take(serverName: "example.com", now: now) { taken.append(next.ticket) }
        XCTAssertEqual(taken, [[5], [4], [3]])
        XCTAssertEqual(store.take(serverName: "other.example", now: now)?.ticket, [9])
    }

    func testReuseModeOffersTheSameTicketAgain() {
        let store = InMemoryClientSessionStore(reuseTickets: true)
        store.store(session(1))
        XCTAssertEqual(store.take(serverName: "example.com", now: now)?.ticket, [1])
        XCTAssertEqual(store.take(serverName: "example.com", now: now)?.ticket, [1])
        XCTAssertEqual(store.count(serverName: "example.com"), 1)
    }

    func testExpiredTicketsAreDroppedNotOffered() {
        let store = InMemoryClientSessionStore(reuseTickets: true)
        store.store(session(1, lifetime: 100))
        store.store(session(2, lifetime: 10))
        XCTAssertEqual(store.take(serverName: "example.com", now: now + 10)?.ticket, [1])
        XCTAssertEqual(store.count(serverName: "example.com"), 1)
        XCTAssertNil(store.take(serverName: "example.com", now: now + 100))
        XCTAssertEqual(store.count(serverName: "example.com"), 0)
    }

    func testUnknownServerHasNoSession() {
        let store = InMemoryClientSessionStore()
        store.store(session(1))
        XCTAssertNil(store.take(serverName: "example.org", now: now))
        XCTAssertEqual(store.count(serverName: "example.com"), 1)
    }
}
