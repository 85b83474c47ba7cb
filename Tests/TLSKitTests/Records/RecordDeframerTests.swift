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
            XCTAssertEqual(try deframer.records([byte]), [])
        }
        XCTAssertEqual(deframer.bufferedByteCount, bytes.count - 1)
        XCTAssertEqual(
            try deframer.records([bytes.last!]), [OwnedRecord(contentType: .applicationData, legacyVersion: 0x0303, fragment: Array(1...40))])
        XCTAssertEqual(deframer.bufferedByteCount, 0)
    }

    func testCoalescedRecordsComeOutInOrder() throws {
        var deframer = RecordDeframer()
        let first = record(type: 22, version: 0x0301, body: [1, 2, 3])
        let second = record(type: 21, body: [2, 40])
        let third = record(type: 23, body: Array(repeating: 7, count: 300))
        XCTAssertEqual(
            try deframer.records(first + second + third.prefix(10)),
            [
                OwnedRecord(contentType: .handshake, legacyVersion: 0x0301, fragment: [1, 2, 3]),
                OwnedRecord(contentType: .alert, legacyVersion: 0x0303, fragment: [2, 40]),
            ])
        XCTAssertEqual(deframer.bufferedByteCount, 10)
        XCTAssertEqual(try deframer.records(third.dropFirst(10)).map(\.fragment), [Array(repeating: 7, count: 300)])
        XCTAssertEqual(deframer.bufferedByteCount, 0)
    }

    func testRecordsInsideOneInputAreViewsOfIt() throws {
        let bytes = record(type: 23, body: Array(repeating: 1, count: 1_000)) + record(type: 23, body: [2, 3])
        var deframer = RecordDeframer()
        var bodies: [Range<Int>] = []
        try bytes.withUnsafeBytes { input in
            try deframer.receive(input) { record in
                let offset = record.body.baseAddress! - input.baseAddress!
                bodies.append(offset..<offset + record.body.count)
                return true
            }
        }
        XCTAssertEqual(bodies, [5..<1_005, 1_010..<1_012], "no copy: each body points into the input")
        XCTAssertEqual(deframer.bufferCapacity, 0)
    }

    func testRecordSplitAcrossInputsIsFollowedByTheRestOfTheSecond() throws {
        let first = record(type: 23, body: Array(repeating: 1, count: 600))
        let second = record(type: 22, body: [9])
        var deframer = RecordDeframer()
        XCTAssertEqual(try deframer.records(first.prefix(3)), [], "not even the header yet")
        XCTAssertEqual(try deframer.records(first.dropFirst(3).prefix(400)), [])
        XCTAssertGreaterThanOrEqual(deframer.bufferCapacity, 605, "room for the whole record once its header is known")
        let records = try deframer.records(first.dropFirst(403) + second)
        XCTAssertEqual(records.map(\.fragment), [Array(repeating: 1, count: 600), [9]])
        XCTAssertEqual(deframer.bufferedByteCount, 0)
        XCTAssertEqual(deframer.bufferCapacity, 0)
    }

    func testCallbackReturningFalseDropsTheRestOfTheInput() throws {
        let bytes = record(type: 21, body: [1, 0]) + record(type: 23, body: [5]) + [0x47, 0x45, 0x54]
        var deframer = RecordDeframer()
        var types: [ContentType] = []
        try bytes.withUnsafeBytes { input in
            try deframer.receive(input) { record in
                types.append(record.contentType)
                return false
            }
        }
        XCTAssertEqual(types, [.alert], "nothing after the record that stopped it is read, not even the bad header")
        XCTAssertEqual(deframer.bufferedByteCount, 0)
    }

    func testZeroLengthRecordIsReturnedAsIs() throws {
        var deframer = RecordDeframer()
        XCTAssertEqual(
            try deframer.records(record(type: 22, body: []) + record(type: 23, body: [])),
            [
                OwnedRecord(contentType: .handshake, legacyVersion: 0x0303, fragment: []),
                OwnedRecord(contentType: .applicationData, legacyVersion: 0x0303, fragment: []),
            ])
    }

    func testLargestCiphertextLengthIsAccepted() throws {
        var deframer = RecordDeframer()
        let records = try deframer.records(record(type: 23, body: Array(repeating: 0xAB, count: 16_384 + 256)))
        XCTAssertEqual(records.map(\.fragment.count), [16_640])
    }

    func testLengthOverLimitIsRecordOverflowAsSoonAsTheHeaderArrives() {
        let length = 16_384 + 257
        var deframer = RecordDeframer()
        assertThrows(.recordOverflow) { _ = try deframer.records([23, 3, 3, UInt8(length >> 8), UInt8(length & 0xFF)]) }

        var maximal = RecordDeframer()
        assertThrows(.recordOverflow) { _ = try maximal.records([23, 3, 3, 0xFF, 0xFF]) }

        var split = RecordDeframer()
        XCTAssertEqual(try split.records([23, 3]), [])
        assertThrows(.recordOverflow) { _ = try split.records([3, 0xFF, 0xFF]) }
    }

    func testUnknownContentTypeIsRefusedAsSoonAsTheHeaderArrives() {
        var deframer = RecordDeframer()
        assertThrows(.unexpectedMessage("record of content type 71")) { _ = try deframer.records(Array("GET / HTTP/1.1".utf8)) }
    }

    func testIdleDeframerReleasesItsBuffer() throws {
        var deframer = RecordDeframer()
        let small = record(type: 23, body: [2])
        XCTAssertEqual(try deframer.records(record(type: 23, body: Array(repeating: 1, count: 16_000)) + small.prefix(3)).count, 1)
        XCTAssertEqual(deframer.bufferedByteCount, 3, "a partial record stays buffered")
        XCTAssertEqual(try deframer.records(small.dropFirst(3)).map(\.fragment), [[2]])
        XCTAssertEqual(deframer.bufferedByteCount, 0)
        XCTAssertEqual(deframer.bufferCapacity, 0)
    }
}
