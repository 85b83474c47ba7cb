import Foundation
import XCTest

@testable import TLSKit

final class InMemoryServerSessionStoreTests: XCTestCase {
    private let clock = TicketTestClock()

    private func id(_ n: UInt8) -> [UInt8] { Array(repeating: n, count: 32) }

    func testStoreNeverHoldsMoreThanCapacityAndEvictsSoonestExpiringFirst() {
        let store = InMemoryServerSessionStore(capacity: 3, time: clock.source)
        store.store(id: id(1), session: [1], expiresAt: clock.now + 300)
        store.store(id: id(2), session: [2], expiresAt: clock.now + 100)  // expires soonest
        store.store(id: id(3), session: [3], expiresAt: clock.now + 300)
        store.store(id: id(4), session: [4], expiresAt: clock.now + 300)
        XCTAssertEqual(store.count, 3)
        XCTAssertNil(store.retrieve(id: id(2), remove: false))
        XCTAssertEqual(store.retrieve(id: id(1), remove: false), [1])

        store.store(id: id(5), session: [5], expiresAt: clock.now + 300)  // ties: the oldest goes
        XCTAssertEqual(store.count, 3)
        XCTAssertNil(store.retrieve(id: id(1), remove: false))
        XCTAssertEqual(store.retrieve(id: id(3), remove: false), [3])
        XCTAssertEqual(store.retrieve(id: id(5), remove: false), [5])
    }

    func testReplacingAnIdDoesNotEvict() {
        let store = InMemoryServerSessionStore(capacity: 2, time: clock.source)
        store.store(id: id(1), session: [1], expiresAt: clock.now + 100)
        store.store(id: id(2), session: [2], expiresAt: clock.now + 100)
        store.store(id: id(2), session: [22], expiresAt: clock.now + 100)
        XCTAssertEqual(store.count, 2)
        XCTAssertEqual(store.retrieve(id: id(1), remove: false), [1])
        XCTAssertEqual(store.retrieve(id: id(2), remove: false), [22])
    }

    func testExpiredSessionsAreNeverReturnedAndArePrunedWhenFull() {
        let store = InMemoryServerSessionStore(capacity: 2, time: clock.source)
        store.store(id: id(1), session: [1], expiresAt: clock.now + 10)
        store.store(id: id(2), session: [2], expiresAt: clock.now + 20)
        clock.advance(by: 10)
        XCTAssertEqual(store.retrieve(id: id(1), remove: false), [1], "alive at its expiry instant")
        clock.advance(by: 0.001)
        XCTAssertNil(store.retrieve(id: id(1), remove: false), "expired just after")
        XCTAssertEqual(store.retrieve(id: id(2), remove: false), [2])

        clock.advance(by: 10)
        store.store(id: id(3), session: [3], expiresAt: clock.now + 100)
        store.store(id: id(4), session: [4], expiresAt: clock.now + 50)
        XCTAssertEqual(store.count, 2, "the expired session made room, not a live one")
        XCTAssertEqual(store.retrieve(id: id(3), remove: false), [3])
        XCTAssertEqual(store.retrieve(id: id(4), remove: false), [4])

        store.store(id: id(5), session: [5], expiresAt: clock.now - 0.001)
        XCTAssertNil(store.retrieve(id: id(5), remove: false), "an already expired session is not stored")
        XCTAssertEqual(store.count, 2, "and evicts nothing")
        XCTAssertEqual(store.retrieve(id: id(3), remove: false), [3])
    }

    func testRetrieveWithRemoveMakesASessionSingleUse() {
        let store = InMemoryServerSessionStore(time: clock.source)
        store.store(id: id(1), session: [1, 2], expiresAt: clock.now + 60)
        XCTAssertEqual(store.retrieve(id: id(1), remove: false), [1, 2])
        XCTAssertEqual(store.retrieve(id: id(1), remove: true), [1, 2])
        XCTAssertNil(store.retrieve(id: id(1), remove: true))
        XCTAssertEqual(store.count, 0)
    }
}
