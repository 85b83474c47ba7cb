import Foundation
import XCTest

@testable import TLSKit

final class SessionTicketKeyFileTests: XCTestCase {
    private let name1 = String(repeating: "0a", count: 16)
    private let key1 = String(repeating: "1B", count: 32)
    private let name2 = String(repeating: "2c", count: 16)
    private let key2 = String(repeating: "3d", count: 32)
    private let clock = TicketTestClock(Date(timeIntervalSince1970: 1_700_000_000))
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("tlskit-keys-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try FileManager.default.removeItem(at: directory)
    }

    private func write(_ text: String, to name: String = "keys.txt") throws -> String {
        let path = directory.appendingPathComponent(name).path
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func testGoodFileWithCommentsAndBlankLinesParsesNewestFirst() throws {
        let text = """
            # fleet ticket keys

              # indented comment
            tlskit-ticket-key-v1 \(name1) \(key1) 1699990000\r
            tlskit-ticket-key-v1\t\(name2)  \(key2) 1699999000

            """
        let keys = try SessionTicketKeyRing.parseKeyFile(text, origin: "test")
        XCTAssertEqual(keys.map(\.name), [Array(repeating: 0x2C, count: 16), Array(repeating: 0x0A, count: 16)])
        XCTAssertEqual(keys[0].createdAt, Date(timeIntervalSince1970: 1_699_999_000))
        XCTAssertEqual(keys[1].createdAt, Date(timeIntervalSince1970: 1_699_990_000))
    }

    func testOnEqualCreationTheLaterLineSeals() throws {
        let text = "tlskit-ticket-key-v1 \(name1) \(key1) 5\ntlskit-ticket-key-v1 \(name2) \(key2) 5\n"
        let keys = try SessionTicketKeyRing.parseKeyFile(text, origin: "test")
        XCTAssertEqual(keys[0].name, Array(repeating: 0x2C, count: 16))
    }

    func testBadHexIsRejectedWithItsLine() {
        let badName = "zz" + String(repeating: "0a", count: 15)
        assertConfigurationError("line 2: the name must be 32 hex digits") {
            try SessionTicketKeyRing.parseKeyFile("# c\ntlskit-ticket-key-v1 \(badName) \(key1) 1\n", origin: "f")
        }
        assertConfigurationError("the key must be 64 hex digits") {
            try SessionTicketKeyRing.parseKeyFile("tlskit-ticket-key-v1 \(name1) \(key1.dropLast())g 1", origin: "f")
        }
    }

    func testWrongLengthsAreRejected() {
        assertConfigurationError("the name must be 32 hex digits") {
            try SessionTicketKeyRing.parseKeyFile("tlskit-ticket-key-v1 \(name1)00 \(key1) 1", origin: "f")
        }
        assertConfigurationError("the key must be 64 hex digits") {
            try SessionTicketKeyRing.parseKeyFile("tlskit-ticket-key-v1 \(name1) \(key1.dropLast(2)) 1", origin: "f")
        }
        assertConfigurationError("the key must be 64 hex digits") {
            try SessionTicketKeyRing.parseKeyFile("tlskit-ticket-key-v1 \(name1) \(key1.dropLast()) 1", origin: "f")
        }
    }

    func testMalformedLinesAreRejected() {
        assertConfigurationError("expected \"tlskit-ticket-key-v1") {
            try SessionTicketKeyRing.parseKeyFile("tlskit-ticket-key-v2 \(name1) \(key1) 1", origin: "f")
        }
        assertConfigurationError("found 3 fields") {
            try SessionTicketKeyRing.parseKeyFile("tlskit-ticket-key-v1 \(name1) \(key1)", origin: "f")
        }
        assertConfigurationError("Unix seconds") {
            try SessionTicketKeyRing.parseKeyFile("tlskit-ticket-key-v1 \(name1) \(key1) yesterday", origin: "f")
        }
        assertConfigurationError("key name repeats line 1") {
            try SessionTicketKeyRing.parseKeyFile(
                "tlskit-ticket-key-v1 \(name1) \(key1) 1\ntlskit-ticket-key-v1 \(name1) \(key2) 2", origin: "f")
        }
        assertConfigurationError("holds no keys") { try SessionTicketKeyRing.parseKeyFile("# nothing\n\n", origin: "f") }
    }

    func testGeneratedKeyFileRoundTrips() throws {
        let text = SessionTicketKeyRing.generateKeyFile(keyCount: 3, time: clock.source, random: countingRandom())
        let keys = try SessionTicketKeyRing.parseKeyFile(text, origin: "generated")
        XCTAssertEqual(keys.count, 3)
        XCTAssertEqual(Set(keys.map(\.name)).count, 3)
        XCTAssertTrue(keys.allSatisfy { $0.createdAt == clock.now })
        // The counting source gives the first key name 00 01 … 0f; it is the oldest line.
        XCTAssertEqual(keys.last?.name, Array(0..<16))
        XCTAssertTrue(text.hasPrefix("#"))

        let path = try write(text)
        let ring = try SessionTicketKeyRing(contentsOfFile: path, time: clock.source)
        XCTAssertEqual(ring.keys, keys)
    }

    func testTwoRingsFromOneFileOpenEachOthersTickets() throws {
        let path = try write(SessionTicketKeyRing.generateKeyFile(keyCount: 2, time: clock.source, random: countingRandom()))
        let a = try SessionTicketKeyRing(contentsOfFile: path, time: clock.source)
        let b = try SessionTicketKeyRing(contentsOfFile: path, time: clock.source)
        let state: [UInt8] = [1, 2, 3]
        XCTAssertEqual(try b.open(a.seal(state)).get(), state)
        XCTAssertEqual(try a.open(b.seal(state)).get(), state)
        let independent = try SessionTicketKeyRing(time: clock.source)
        XCTAssertEqual(independent.open(a.seal(state)), .failure(.unknownKey))
    }

    func testReloadPicksUpANewKeyAndKeepsOpeningOldTickets() throws {
        let first = "tlskit-ticket-key-v1 \(name1) \(key1) \(Int(clock.now.timeIntervalSince1970) - 3600)\n"
        let path = try write(first)
        let ring = try SessionTicketKeyRing(contentsOfFile: path, time: clock.source)
        let oldTicket = ring.seal([9])
        ring.rotate()
        XCTAssertEqual(ring.keys.count, 1, "a file-backed ring does not make keys")

        _ = try write(first + "tlskit-ticket-key-v1 \(name2) \(key2) \(Int(clock.now.timeIntervalSince1970))\n")
        try ring.reload()
        XCTAssertEqual(ring.keys.map(\.name), [Array(repeating: 0x2C, count: 16), Array(repeating: 0x0A, count: 16)])
        XCTAssertEqual(Array(ring.seal([9]).prefix(16)), Array(repeating: 0x2C, count: 16))
        XCTAssertEqual(try ring.open(oldTicket).get(), [9])

        _ = try write("garbage\n")
        XCTAssertThrowsError(try ring.reload())
        XCTAssertEqual(ring.keys.count, 2, "a failed reload keeps the keys")
    }

    func testFileKeysOutsideTheWindowDoNotOpen() throws {
        let created = Int(clock.now.timeIntervalSince1970)
        let path = try write("tlskit-ticket-key-v1 \(name1) \(key1) \(created)\n")
        let ring = try SessionTicketKeyRing(contentsOfFile: path, acceptanceWindow: 3600, time: clock.source)
        let ticket = ring.seal([1])
        clock.advance(by: 3600)
        XCTAssertEqual(ring.open(ticket), .failure(.unknownKey))
        assertConfigurationError("younger than the acceptance window") {
            try SessionTicketKeyRing(contentsOfFile: path, acceptanceWindow: 3600, time: clock.source)
        }
    }

    func testMissingFileIsAConfigurationError() {
        assertConfigurationError("cannot read ticket key file") {
            try SessionTicketKeyRing(contentsOfFile: directory.appendingPathComponent("absent").path)
        }
    }
}
