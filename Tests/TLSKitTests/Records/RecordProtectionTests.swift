import Crypto
import XCTest

@testable import TLSKit

final class RecordProtectionTests: XCTestCase {
    private typealias Trace = RFC8448SimpleHandshake
    private let suites: [CipherSuite] = [.TLS_AES_128_GCM_SHA256, .TLS_AES_256_GCM_SHA384, .TLS_CHACHA20_POLY1305_SHA256]

    private func secret(for suite: CipherSuite, seed: UInt8 = 1) -> SymmetricKey {
        SymmetricKey(data: (0..<suite.hashLength).map { UInt8(truncatingIfNeeded: Int($0) * 31 + Int(seed)) })
    }

    private func parse(_ bytes: [UInt8]) throws -> OwnedRecord {
        var deframer = RecordDeframer()
        let records = try deframer.records(bytes)
        XCTAssertEqual(records.count, 1)
        XCTAssertEqual(deframer.bufferedByteCount, 0)
        return try XCTUnwrap(records.first)
    }

    private func assertThrows(_ reason: TLSError.Reason, _ body: () throws -> Void, line: UInt = #line) {
        XCTAssertThrowsError(try body(), line: line) { XCTAssertEqual($0 as? TLSError, TLSError(reason), line: line) }
    }

    // MARK: RFC 8448 records

    func testOpensRFC8448ClientFinishedRecordAndResealsTheSameBytes() throws {
        let secret = SymmetricKey(data: Trace.clientHandshakeTrafficSecret)
        var reader = RecordProtection(suite: .TLS_AES_128_GCM_SHA256, trafficSecret: secret)
        let opened = try reader.open(parse(Trace.clientFinishedRecord))
        XCTAssertEqual(opened.contentType, .handshake)
        XCTAssertEqual(opened.content, Trace.clientFinished)
        XCTAssertEqual(reader.sequenceNumber, 1)

        var writer = RecordProtection(suite: .TLS_AES_128_GCM_SHA256, trafficSecret: secret)
        var output: [UInt8] = []
        try writer.seal(contentType: .handshake, plaintext: Trace.clientFinished[...], into: &output)
        XCTAssertEqual(output, Trace.clientFinishedRecord)
        XCTAssertEqual(writer.sequenceNumber, 1)
    }

    func testOpensRFC8448ClientApplicationDataRecordAndResealsTheSameBytes() throws {
        let secret = SymmetricKey(data: Trace.clientApplicationTrafficSecret)
        var reader = RecordProtection(suite: .TLS_AES_128_GCM_SHA256, trafficSecret: secret)
        let opened = try reader.open(parse(Trace.clientApplicationDataRecord))
        XCTAssertEqual(opened.contentType, .applicationData)
        XCTAssertEqual(opened.content, Trace.clientApplicationDataPayload)

        var writer = RecordProtection(suite: .TLS_AES_128_GCM_SHA256, trafficSecret: secret)
        var output: [UInt8] = []
        try writer.seal(contentType: .applicationData, plaintext: Trace.clientApplicationDataPayload[...], into: &output)
        XCTAssertEqual(output, Trace.clientApplicationDataRecord)
    }

    // MARK: Round trips

    func testSealThenOpenRoundTripsOnAllSuites() throws {
        for suite in suites {
            var writer = RecordProtection(suite: suite, trafficSecret: secret(for: suite))
            var reader = RecordProtection(suite: suite, trafficSecret: secret(for: suite))
            let messages: [(ContentType, [UInt8], Int)] = [
                (.handshake, Array(1...200), 0),
                (.applicationData, [], 0),
                (.alert, [1, 0], 13),
                (.applicationData, Array(repeating: 0x5A, count: 16_384), 0),
            ]
            var stream: [UInt8] = [0xCC]
            for (type, content, padding) in messages {
                try writer.seal(contentType: type, plaintext: content[...], padding: padding, into: &stream)
            }
            XCTAssertEqual(stream.first, 0xCC, "existing output is kept")
            XCTAssertEqual(writer.sequenceNumber, UInt64(messages.count))

            var deframer = RecordDeframer()
            let records = try deframer.records(stream.dropFirst())
            XCTAssertEqual(records.count, messages.count)
            for ((type, content, padding), record) in zip(messages, records) {
                XCTAssertEqual(record.contentType, .applicationData, "\(suite): the real type is hidden")
                XCTAssertEqual(record.legacyVersion, 0x0303)
                XCTAssertEqual(record.fragment.count, content.count + 1 + padding + 16)
                let opened = try reader.open(record)
                XCTAssertEqual(opened.contentType, type, "\(suite)")
                XCTAssertEqual(opened.content, content, "\(suite)")
            }
            XCTAssertEqual(reader.sequenceNumber, UInt64(messages.count))
        }
    }

    func testEachRecordUsesANewNonce() throws {
        for suite in suites {
            var writer = RecordProtection(suite: suite, trafficSecret: secret(for: suite))
            var first: [UInt8] = []
            var second: [UInt8] = []
            try writer.seal(contentType: .applicationData, plaintext: [1, 2, 3][...], into: &first)
            try writer.seal(contentType: .applicationData, plaintext: [1, 2, 3][...], into: &second)
            XCTAssertNotEqual(first, second, "\(suite)")

            // Opening out of order fails: the reader expects sequence number 0.
            var reader = RecordProtection(suite: suite, trafficSecret: secret(for: suite))
            assertThrows(.badRecordMAC) { _ = try reader.open(parse(second)) }
            XCTAssertEqual(reader.sequenceNumber, 0)
            XCTAssertEqual(try reader.open(parse(first)).content, [1, 2, 3])
            XCTAssertEqual(try reader.open(parse(second)).content, [1, 2, 3])
        }
    }

    func testPaddingIsRemoved() throws {
        var writer = RecordProtection(suite: .TLS_AES_128_GCM_SHA256, trafficSecret: secret(for: .TLS_AES_128_GCM_SHA256))
        var reader = writer
        var output: [UInt8] = []
        try writer.seal(contentType: .handshake, plaintext: [0, 0, 9, 0][...], padding: 300, into: &output)
        XCTAssertEqual(output.count, 5 + 4 + 1 + 300 + 16)
        let opened = try reader.open(parse(output))
        XCTAssertEqual(opened.contentType, .handshake)
        XCTAssertEqual(opened.content, [0, 0, 9, 0], "zeros in the content are kept, only trailing padding goes")
    }

    // MARK: Failures

    func testTamperedRecordIsBadRecordMAC() throws {
        for suite in suites {
            var writer = RecordProtection(suite: suite, trafficSecret: secret(for: suite))
            var output: [UInt8] = []
            try writer.seal(contentType: .handshake, plaintext: Array(1...32)[...], into: &output)
            let record = try parse(output)

            for index in record.fragment.indices {
                var tampered = record
                tampered.fragment[index] ^= 0x01
                var reader = RecordProtection(suite: suite, trafficSecret: secret(for: suite))
                assertThrows(.badRecordMAC) { _ = try reader.open(tampered) }
            }
            // The header is authenticated too.
            var otherVersion = record
            otherVersion.legacyVersion = 0x0301
            var reader = RecordProtection(suite: suite, trafficSecret: secret(for: suite))
            assertThrows(.badRecordMAC) { _ = try reader.open(otherVersion) }
            var truncated = record
            truncated.fragment.removeLast()
            assertThrows(.badRecordMAC) { _ = try reader.open(truncated) }
            assertThrows(.badRecordMAC) {
                _ = try reader.open(OwnedRecord(contentType: .applicationData, legacyVersion: 0x0303, fragment: Array(repeating: 0, count: 15)))
            }
            var wrongKey = RecordProtection(suite: suite, trafficSecret: secret(for: suite, seed: 2))
            assertThrows(.badRecordMAC) { _ = try wrongKey.open(record) }
            XCTAssertEqual(try reader.open(record).content, Array(1...32), "\(suite): the untouched record still opens")
        }
    }

    func testPlaintextOfOnlyZerosIsUnexpectedMessage() throws {
        let suite = CipherSuite.TLS_CHACHA20_POLY1305_SHA256
        var writer = RecordProtection(suite: suite, trafficSecret: secret(for: suite))
        var output: [UInt8] = []
        // Content type 0 followed by zero padding: TLSInnerPlaintext is all zeros.
        try writer.seal(contentType: .invalid, plaintext: [][...], padding: 20, into: &output)
        var reader = RecordProtection(suite: suite, trafficSecret: secret(for: suite))
        assertThrows(.unexpectedMessage("record with no content type")) { _ = try reader.open(parse(output)) }
    }

    func testFragmentOverCiphertextLimitIsRecordOverflow() {
        var reader = RecordProtection(suite: .TLS_AES_128_GCM_SHA256, trafficSecret: secret(for: .TLS_AES_128_GCM_SHA256))
        let record = OwnedRecord(contentType: .applicationData, legacyVersion: 0x0303, fragment: Array(repeating: 0, count: 16_384 + 257))
        assertThrows(.recordOverflow) { _ = try reader.open(record) }
    }

    /// A peer's record may authenticate and still carry more than 2^14 + 1 bytes of TLSInnerPlaintext.
    func testDecryptedInnerPlaintextOverLimitIsRecordOverflow() throws {
        let suite = CipherSuite.TLS_AES_256_GCM_SHA384
        let keys = RecordProtection.trafficKeys(suite: suite, trafficSecret: secret(for: suite))
        for innerLength in [16_385, 16_386] {
            let inner = Array(repeating: 0x41, count: innerLength - 1) + [ContentType.applicationData.rawValue]
            let length = innerLength + 16
            let header: [UInt8] = [23, 3, 3, UInt8(length >> 8), UInt8(length & 0xFF)]
            // Sequence number 0: the nonce is the IV itself.
            let box = try AES.GCM.seal(inner, using: keys.key, nonce: AES.GCM.Nonce(data: keys.iv), authenticating: header)
            let record = OwnedRecord(contentType: .applicationData, legacyVersion: 0x0303, fragment: Array(box.ciphertext) + Array(box.tag))
            var reader = RecordProtection(suite: suite, trafficSecret: secret(for: suite))
            if innerLength == 16_385 {
                XCTAssertEqual(try reader.open(record).content.count, 16_384)
            } else {
                assertThrows(.recordOverflow) { _ = try reader.open(record) }
            }
        }
    }

    func testSealRefusesContentAndPaddingOver2To14BytesAndLeavesOutputUnchanged() throws {
        var writer = RecordProtection(suite: .TLS_AES_128_GCM_SHA256, trafficSecret: secret(for: .TLS_AES_128_GCM_SHA256))
        var output: [UInt8] = [1, 2, 3]
        XCTAssertThrowsError(try writer.seal(contentType: .applicationData, plaintext: Array(repeating: 0, count: 16_385)[...], into: &output))
        XCTAssertThrowsError(
            try writer.seal(contentType: .applicationData, plaintext: Array(repeating: 0, count: 16_000)[...], padding: 385, into: &output))
        XCTAssertThrowsError(try writer.seal(contentType: .applicationData, plaintext: [1][...], padding: -1, into: &output))
        XCTAssertEqual(output, [1, 2, 3])
        XCTAssertEqual(writer.sequenceNumber, 0)
        try writer.seal(contentType: .applicationData, plaintext: Array(repeating: 0, count: 16_000)[...], padding: 384, into: &output)
        XCTAssertEqual(output.count, 3 + 5 + 16_385 + 16)
    }
}
