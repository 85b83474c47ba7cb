import Foundation
import XCTest

@testable import TLSKit

final class SessionTicketKeyRingTests: XCTestCase {
    private let hour: TimeInterval = 3600
    private let plaintext: [UInt8] = Array("session state".utf8)

    func testSealedTicketOpensToThePlaintext() throws {
        let ring = try SessionTicketKeyRing(time: TicketTestClock().source, random: countingRandom())
        let ticket = ring.seal(plaintext)
        XCTAssertEqual(try ring.open(ticket).get(), plaintext)
    }

    func testTicketIsKeyNameNonceCiphertextAndTag() throws {
        let ring = try SessionTicketKeyRing(time: TicketTestClock().source, random: countingRandom())
        let ticket = ring.seal(plaintext)
        XCTAssertEqual(ticket.count, 16 + 12 + plaintext.count + 16)
        XCTAssertEqual(Array(ticket.prefix(16)), ring.keys[0].name)
        XCTAssertNil(ticket.firstRange(of: plaintext), "the state must not appear in clear")
    }

    func testEveryTicketUsesAFreshNonce() throws {
        let ring = try SessionTicketKeyRing(time: TicketTestClock().source, random: countingRandom())
        XCTAssertNotEqual(ring.seal(plaintext), ring.seal(plaintext))
    }

    func testTicketFromPreviousKeyOpensInsideWindowAndNotAfter() throws {
        let clock = TicketTestClock()
        let ring = try SessionTicketKeyRing(
            rotationInterval: 6 * hour, acceptanceWindow: 24 * hour, time: clock.source, random: countingRandom())
        let oldTicket = ring.seal(plaintext)

        clock.advance(by: 7 * hour)
        let newTicket = ring.seal(plaintext)
        XCTAssertNotEqual(Array(newTicket.prefix(16)), Array(oldTicket.prefix(16)), "sealing must have rotated")
        XCTAssertEqual(try ring.open(oldTicket).get(), plaintext)

        clock.advance(by: 17 * hour - 1)  // 1 s before the old key is 24 hours old
        XCTAssertEqual(try ring.open(oldTicket).get(), plaintext)

        clock.advance(by: 1)
        XCTAssertEqual(ring.open(oldTicket), .failure(.unknownKey))
        XCTAssertEqual(try ring.open(newTicket).get(), plaintext)
        XCTAssertEqual(ring.keys.count, 1, "the expired key is erased")
    }

    func testRotationHappensOnSchedule() throws {
        let clock = TicketTestClock()
        let ring = try SessionTicketKeyRing(
            rotationInterval: 6 * hour, acceptanceWindow: 24 * hour, time: clock.source, random: countingRandom())
        let first = ring.keys[0]

        clock.advance(by: 6 * hour - 1)
        _ = ring.seal(plaintext)
        XCTAssertEqual(ring.keys, [first], "no rotation before the interval")

        clock.advance(by: 1)
        _ = ring.seal(plaintext)
        XCTAssertEqual(ring.keys.count, 2)
        XCTAssertEqual(ring.keys[1], first)
        XCTAssertEqual(ring.keys[0].createdAt, clock.now)

        for _ in 0..<5 {
            clock.advance(by: 6 * hour)
            _ = ring.seal(plaintext)
        }
        XCTAssertEqual(ring.keys.count, 4, "keys at 0, 6, 12 and 18 hours old are inside a 24 hour window")
        XCTAssertFalse(ring.keys.contains(first))
    }

    func testExplicitRotationAddsANewestKey() throws {
        let ring = try SessionTicketKeyRing(time: TicketTestClock().source, random: countingRandom())
        let before = ring.keys[0]
        ring.rotate()
        XCTAssertEqual(ring.keys.count, 2)
        XCTAssertNotEqual(ring.keys[0], before)
        XCTAssertEqual(Array(ring.seal(plaintext).prefix(16)), ring.keys[0].name)
    }

    func testTamperedTicketsAreMalformed() throws {
        let ring = try SessionTicketKeyRing(time: TicketTestClock().source, random: countingRandom())
        let ticket = ring.seal(plaintext)
        for index in 16..<ticket.count {
            var flipped = ticket
            flipped[index] ^= 0x01
            XCTAssertEqual(ring.open(flipped), .failure(.malformed), "bit flipped at \(index)")
        }
        XCTAssertEqual(ring.open(Array(ticket.dropLast())), .failure(.malformed))
        XCTAssertEqual(ring.open(Array(ticket.prefix(16 + 12 + 15))), .failure(.malformed))
        XCTAssertEqual(ring.open([]), .failure(.malformed))
        // A forgery under the right name but the wrong key.
        let forger = try SessionTicketKeyRing(time: TicketTestClock().source, random: countingRandom(startingAt: 99))
        let forged = ring.keys[0].name + forger.seal(plaintext).dropFirst(16)
        XCTAssertEqual(ring.open(forged), .failure(.malformed))
    }

    func testUnknownKeyNameIsUnknownKey() throws {
        let ring = try SessionTicketKeyRing(time: TicketTestClock().source, random: countingRandom())
        var ticket = ring.seal(plaintext)
        ticket[0] ^= 0xFF
        XCTAssertEqual(ring.open(ticket), .failure(.unknownKey))
    }

    func testWindowShorterThanRotationIsAConfigurationError() {
        assertConfigurationError("acceptance window") {
            try SessionTicketKeyRing(rotationInterval: 2 * hour, acceptanceWindow: hour)
        }
        assertConfigurationError("rotation interval") { try SessionTicketKeyRing(rotationInterval: 0) }
    }

    func testKeySizesAreChecked() throws {
        assertConfigurationError("name must be 16 bytes") {
            try SessionTicketKey(name: [1], keyBytes: Array(repeating: 0, count: 32), createdAt: Date())
        }
        assertConfigurationError("key must be 32 bytes") {
            try SessionTicketKey(name: Array(repeating: 0, count: 16), keyBytes: [1], createdAt: Date())
        }
        let a = try SessionTicketKey(name: Array(repeating: 7, count: 16), keyBytes: Array(repeating: 1, count: 32), createdAt: Date())
        let b = try SessionTicketKey(name: Array(repeating: 7, count: 16), keyBytes: Array(repeating: 2, count: 32), createdAt: Date())
        XCTAssertEqual(a, b, "keys compare by name")
        XCTAssertEqual(Set([a, b]).count, 1)
    }
}
