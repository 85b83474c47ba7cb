import XCTest

@testable import TLSKit

final class RecordDeframerTests: XCTestCase {
    private func record(type: UInt8 = 22, version: UInt16 = 0x0303, body: [UInt8]) -> [UInt8] {
        [type, UInt8(version >> 8), UInt8(version & 0xFF), UInt8(body.count >> 8), UInt8(body.count & 0xFF)] + body
    }

    private func assertThrows(_ reason: TLSError.Reason, _ body: () throws -> Void, line: UInt = #line) {
        XCTAssertThrowsError(try body(), line: line) { XCTAssertEqual($0 as? TLSError, TLSError(reason), line: line) }
    }

    func testRecordSplitAcrossEveryByteIsReassembled() throws {
        let bytes = record(type: 23, body: Array(1...40))
        var deframer = RecordDeframer()
        for byte in bytes.dropLast() {
            deframer.append([byte])
            XCTAssertNil(try deframer.next())
        }
        deframer.append([bytes.last!])
        let received = try XCTUnwrap(deframer.next())
        XCTAssertEqual(received, TLSRecord(contentType: .applicationData, legacyVersion: 0x0303, fragment: Array(1...40)))
        XCTAssertNil(try deframer.next())
        XCTAssertEqual(deframer.bufferedByteCount, 0)
    }

    func testCoalescedRecordsComeOutInOrder() throws {
        var deframer = RecordDeframer()
        let first = record(type: 22, version: 0x0301, body: [1, 2, 3])
        let second = record(type: 21, body: [2, 40])
        let third = record(type: 23, body: Array(repeating: 7, count: 300))
        deframer.append(first + second + third.prefix(10))
        XCTAssertEqual(try deframer.next(), TLSRecord(contentType: .handshake, legacyVersion: 0x0301, fragment: [1, 2, 3]))
        XCTAssertEqual(try deframer.next(), TLSRecord(contentType: .alert, legacyVersion: 0x0303, fragment: [2, 40]))
        XCTAssertNil(try deframer.next())
        XCTAssertEqual(deframer.bufferedByteCount, 10)
        deframer.append(third.dropFirst(10)[...])
        XCTAssertEqual(try deframer.next()?.fragment, Array(repeating: 7, count: 300))
        XCTAssertEqual(deframer.bufferedByteCount, 0)
    }

    func testZeroLengthRecordIsReturnedAsIs() throws {
        var deframer = RecordDeframer()
        deframer.append(record(type: 22, body: []) + record(type: 23, body: []))
        XCTAssertEqual(try deframer.next(), TLSRecord(contentType: .handshake, legacyVersion: 0x0303, fragment: []))
        XCTAssertEqual(try deframer.next(), TLSRecord(contentType: .applicationData, legacyVersion: 0x0303, fragment: []))
        XCTAssertNil(try deframer.next())
    }

    func testLargestCiphertextLengthIsAccepted() throws {
        var deframer = RecordDeframer()
        deframer.append(record(type: 23, body: Array(repeating: 0xAB, count: 16_384 + 256)))
        XCTAssertEqual(try deframer.next()?.fragment.count, 16_640)
    }

    func testLengthOverLimitIsRecordOverflowAsSoonAsTheHeaderArrives() {
        var deframer = RecordDeframer()
        let length = 16_384 + 257
        deframer.append([23, 3, 3, UInt8(length >> 8), UInt8(length & 0xFF)])
        assertThrows(.recordOverflow) { _ = try deframer.next() }

        var maximal = RecordDeframer()
        maximal.append([23, 3, 3, 0xFF, 0xFF])
        assertThrows(.recordOverflow) { _ = try maximal.next() }
    }

    func testIdleDeframerReleasesItsBuffer() throws {
        var deframer = RecordDeframer()
        deframer.append(record(type: 23, body: Array(repeating: 1, count: 16_000)) + record(type: 23, body: [2]).prefix(3))
        XCTAssertNotNil(try deframer.next())
        XCTAssertGreaterThan(deframer.bufferCapacity, 0, "a partial record stays buffered")
        deframer.append(record(type: 23, body: [2]).dropFirst(3)[...])
        XCTAssertEqual(deframer.bufferedByteCount, 6, "consumed bytes are dropped, not kept in front of new ones")
        XCTAssertEqual(try deframer.next()?.fragment, [2])
        XCTAssertEqual(deframer.bufferedByteCount, 0)
        XCTAssertEqual(deframer.bufferCapacity, 0)
    }
}
