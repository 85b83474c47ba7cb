import XCTest

@testable import TLSKit

final class RecordFramerTests: XCTestCase {
    private func frame(_ content: [UInt8], type: ContentType = .handshake, version: UInt16 = 0x0303) -> [UInt8] {
        var output: [UInt8] = [0xEE]
        RecordFramer.appendPlaintext(contentType: type, content: content[...], legacyVersion: version, into: &output)
        XCTAssertEqual(output.first, 0xEE, "existing output is kept")
        return Array(output.dropFirst())
    }

    private func deframe(_ bytes: [UInt8]) throws -> [OwnedRecord] {
        var deframer = RecordDeframer()
        let records = try deframer.records(bytes)
        XCTAssertEqual(deframer.bufferedByteCount, 0)
        return records
    }

    func testServerHelloRecordMatchesRFC8448() {
        // {server} send handshake record: complete record (95 octets) begins 16 03 03 00 5a.
        let record = frame(RFC8448SimpleHandshake.serverHello)
        XCTAssertEqual(record.count, 95)
        XCTAssertEqual(Array(record.prefix(5)), [0x16, 0x03, 0x03, 0x00, 0x5A])
        XCTAssertEqual(Array(record.dropFirst(5)), RFC8448SimpleHandshake.serverHello)
    }

    func testFirstClientHelloMayUseLegacyVersion0x0301() throws {
        let records = try deframe(frame(RFC8448SimpleHandshake.clientHello, version: 0x0301))
        XCTAssertEqual(records, [OwnedRecord(contentType: .handshake, legacyVersion: 0x0301, fragment: RFC8448SimpleHandshake.clientHello)])
    }

    func testContentOf2To14BytesFitsOneRecord() throws {
        let content = (0..<16_384).map { UInt8(truncatingIfNeeded: $0) }
        let records = try deframe(frame(content))
        XCTAssertEqual(records.map(\.fragment), [content])
    }

    func testLongerContentIsFragmentedInto2To14ByteRecords() throws {
        let content = (0..<40_000).map { UInt8(truncatingIfNeeded: $0 * 7) }
        let records = try deframe(frame(content, type: .alert))
        XCTAssertEqual(records.map(\.fragment.count), [16_384, 16_384, 7_232])
        XCTAssertEqual(records.flatMap(\.fragment), content)
        XCTAssertTrue(records.allSatisfy { $0.contentType == .alert && $0.legacyVersion == 0x0303 })

        XCTAssertEqual(try deframe(frame(Array(repeating: 1, count: 16_385))).map(\.fragment.count), [16_384, 1])
    }

    func testEmptyContentWritesNoRecord() {
        XCTAssertEqual(frame([]), [])
    }

    func testFramingASliceUsesOnlyTheSlice() throws {
        let bytes: [UInt8] = Array(0..<10)
        var output: [UInt8] = []
        RecordFramer.appendPlaintext(contentType: .handshake, content: bytes[3..<6], into: &output)
        XCTAssertEqual(output, [22, 3, 3, 0, 3, 3, 4, 5])
    }
}
