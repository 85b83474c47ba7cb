import Foundation
import XCTest

@testable import TLSKit

/// RFC 8446 §8.1: each ticket carries early data at most once.
final class SingleUseTicketRegisterTests: XCTestCase {
    private let clock = TicketTestClock()

    private func ticket(_ number: UInt8) -> [UInt8] { Array(repeating: number, count: 32) }

    func testFirstUseOfATicketIsAccepted() {
        let register = SingleUseTicketRegister(time: clock.source)
        clock.advance(by: 5)
        XCTAssertEqual(register.checkAndRecord(earlyDataAttempt(ticket: ticket(1), at: clock.now)), .accept)
        XCTAssertEqual(register.count, 1)
    }

    /// A second use is refused whatever else changed: another ClientHello (binder) or another time.
    func testSecondUseOfATicketIsRejectedAsReplayed() {
        let register = SingleUseTicketRegister(time: clock.source)
        let issuedAt = clock.now
        XCTAssertEqual(register.checkAndRecord(earlyDataAttempt(ticket: ticket(1), at: clock.now, issuedAt: issuedAt)), .accept)
        XCTAssertEqual(register.checkAndRecord(earlyDataAttempt(ticket: ticket(1), at: clock.now, issuedAt: issuedAt)), .reject(.replayed))
        clock.advance(by: 3_600)
        let fresh = earlyDataAttempt(key: Array(repeating: 0xCC, count: 48), ticket: ticket(1), at: clock.now, issuedAt: issuedAt)
        XCTAssertEqual(register.checkAndRecord(fresh), .reject(.replayed))
        XCTAssertEqual(register.checkAndRecord(earlyDataAttempt(ticket: ticket(2), at: clock.now, issuedAt: issuedAt)), .accept)
    }

    /// After a restart the register cannot know which older tickets were used.
    func testTicketIssuedBeforeTheRegisterStartedIsRejected() {
        let issuedAt = clock.now
        clock.advance(by: 1)
        let register = SingleUseTicketRegister(time: clock.source)
        XCTAssertEqual(register.checkAndRecord(earlyDataAttempt(ticket: ticket(1), at: clock.now, issuedAt: issuedAt)), .reject(.startingUp))
        XCTAssertEqual(register.checkAndRecord(earlyDataAttempt(ticket: ticket(2), at: clock.now, issuedAt: clock.now)), .accept)
        XCTAssertEqual(register.count, 1)
    }

    func testExpiredTicketIsRejected() {
        let register = SingleUseTicketRegister(time: clock.source)
        let attempt = earlyDataAttempt(ticket: ticket(1), at: clock.now, lifetime: 60)
        clock.advance(by: 60.001)
        XCTAssertEqual(register.checkAndRecord(attempt), .reject(.outsideWindow))
        XCTAssertEqual(register.count, 0)
    }

    /// Bounded memory: a full register refuses new tickets rather than forget a live one, and
    /// makes room as soon as a remembered ticket has expired.
    func testFullRegisterRejectsUntilATicketExpires() {
        let register = SingleUseTicketRegister(capacity: 3, time: clock.source)
        let issuedAt = clock.now
        XCTAssertEqual(register.checkAndRecord(earlyDataAttempt(ticket: ticket(1), at: clock.now, issuedAt: issuedAt, lifetime: 10)), .accept)
        XCTAssertEqual(register.checkAndRecord(earlyDataAttempt(ticket: ticket(2), at: clock.now, issuedAt: issuedAt, lifetime: 100)), .accept)
        XCTAssertEqual(register.checkAndRecord(earlyDataAttempt(ticket: ticket(3), at: clock.now, issuedAt: issuedAt, lifetime: 100)), .accept)
        XCTAssertEqual(
            register.checkAndRecord(earlyDataAttempt(ticket: ticket(4), at: clock.now, issuedAt: issuedAt, lifetime: 100)), .reject(.capacityReached))
        XCTAssertEqual(register.count, 3)
        clock.advance(by: 10.001)
        XCTAssertEqual(register.checkAndRecord(earlyDataAttempt(ticket: ticket(4), at: clock.now, issuedAt: issuedAt, lifetime: 100)), .accept)
        XCTAssertEqual(register.count, 3, "the expired ticket made room")
        XCTAssertEqual(
            register.checkAndRecord(earlyDataAttempt(ticket: ticket(2), at: clock.now, issuedAt: issuedAt, lifetime: 100)), .reject(.replayed))
    }

    /// Entries are dropped once their ticket has expired: the register does not grow with time.
    func testEntriesAreDroppedAfterTheTicketLifetime() {
        let register = SingleUseTicketRegister(capacity: 2, time: clock.source)
        for round in 0..<50 {
            let attempt = earlyDataAttempt(ticket: ticket(UInt8(round)), at: clock.now, lifetime: 60)
            XCTAssertEqual(register.checkAndRecord(attempt), .accept, "round \(round)")
            XCTAssertLessThanOrEqual(register.count, 2)
            clock.advance(by: 61)
        }
    }

    func testEmptyTicketIsUndecidable() {
        let register = SingleUseTicketRegister(time: clock.source)
        XCTAssertEqual(register.checkAndRecord(earlyDataAttempt(ticket: [], at: clock.now)), .reject(.undecidable))
    }

    func testConcurrentAttemptsAcceptEachTicketOnce() async {
        let register = SingleUseTicketRegister(capacity: 1_000, time: clock.source)
        let attempts = (0..<100).map { earlyDataAttempt(ticket: ticket(UInt8($0)), at: clock.now) }
        let accepted = await acceptances(of: attempts, by: register, tasks: 8)
        XCTAssertEqual(accepted, [Int](repeating: 1, count: 100))
        XCTAssertEqual(register.count, 100)
    }
}
