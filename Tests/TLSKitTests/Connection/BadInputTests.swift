import XCTest

@testable import TLSKit

/// Malformed, unexpected and out-of-order records: each gets the alert RFC 8446 names,
/// a typed error, a connection that stays failed, and the alert record in the output.
final class BadInputTests: XCTestCase {
    /// Bytes a server receives as its very first input, and the alert it must send.
    private struct RawInputCase {
        let name: String
        let bytes: [UInt8]
        let alert: AlertDescription
        var code: TLSError.Code = .peerMisbehaved
    }

    /// A handshake message of `type` whose body is `body`.
    private static func message(_ type: HandshakeType, _ body: [UInt8]) -> [UInt8] {
        [type.rawValue, UInt8(body.count >> 16), UInt8(truncatingIfNeeded: body.count >> 8), UInt8(truncatingIfNeeded: body.count)] + body
    }

    /// A real ClientHello padded (RFC 7685 padding extension) to exactly `length` bytes, in one record.
    private static func paddedClientHelloRecord(length: Int) throws -> [UInt8] {
        var hello = try BadInput.clientHello()
        hello.extensions.other.append(RawExtension(type: .padding, data: []))
        let unpadded = HandshakeMessage.clientHello(hello).encoded().count
        hello.extensions.other[hello.extensions.other.count - 1].data = Array(repeating: 0, count: length - unpadded)
        let encoded = HandshakeMessage.clientHello(hello).encoded()
        XCTAssertEqual(encoded.count, length)
        return WireRecords.record(.handshake, encoded)
    }

    func testRecordsRefusedBeforeTheHandshake() throws {
        let overLimit = TLSRecord.maximumPlaintextLength + 1
        let cases: [RawInputCase] = [
            // RFC 8446 §5.2: no record may exceed 2^14 + 256 bytes; refused as soon as the header is in.
            RawInputCase(name: "record length over 2^14 + 256", bytes: [0x16, 0x03, 0x03, 0x41, 0x01], alert: .recordOverflow),
            RawInputCase(name: "record length 0xFFFF", bytes: [0x17, 0x03, 0x03, 0xFF, 0xFF], alert: .recordOverflow),
            // RFC 8446 §5.1: an unprotected record may not exceed 2^14 bytes.
            RawInputCase(
                name: "plaintext ClientHello record over 2^14", bytes: try Self.paddedClientHelloRecord(length: overLimit),
                alert: .recordOverflow),
            RawInputCase(
                name: "plaintext alert record over 2^14", bytes: WireRecords.record(.alert, Array(repeating: 2, count: overLimit)),
                alert: .recordOverflow),
            // RFC 8446 §5: an unknown content type is an unexpected_message.
            RawInputCase(name: "unknown content type 0x20", bytes: WireRecords.record(ContentType(rawValue: 0x20), [1, 2, 3]), alert: .unexpectedMessage),
            RawInputCase(name: "heartbeat content type 24", bytes: WireRecords.record(ContentType(rawValue: 24), [1, 0, 0]), alert: .unexpectedMessage),
            RawInputCase(name: "content type 0", bytes: WireRecords.record(.invalid, [1]), alert: .unexpectedMessage),
            RawInputCase(
                name: "application data before the handshake", bytes: WireRecords.record(.applicationData, Array(repeating: 7, count: 40)),
                alert: .unexpectedMessage),
            // RFC 8446 §5.1: handshake records are never empty.
            RawInputCase(name: "zero-length handshake record", bytes: WireRecords.record(.handshake, []), alert: .unexpectedMessage),
            // RFC 8446 §5: change_cipher_spec is the single byte 1, and only after the first ClientHello.
            RawInputCase(name: "change_cipher_spec of value 2", bytes: WireRecords.record(.changeCipherSpec, [2]), alert: .unexpectedMessage),
            RawInputCase(name: "change_cipher_spec of two bytes", bytes: WireRecords.record(.changeCipherSpec, [1, 1]), alert: .unexpectedMessage),
            RawInputCase(name: "empty change_cipher_spec", bytes: WireRecords.record(.changeCipherSpec, []), alert: .unexpectedMessage),
            RawInputCase(
                name: "change_cipher_spec before the first ClientHello", bytes: WireRecords.record(.changeCipherSpec, [1]),
                alert: .unexpectedMessage),
            // RFC 8446 §6: an alert is exactly a level and a description.
            RawInputCase(name: "alert of one byte", bytes: WireRecords.record(.alert, [2]), alert: .decodeError),
            RawInputCase(name: "alert of three bytes", bytes: WireRecords.record(.alert, [2, 40, 0]), alert: .decodeError),
            // RFC 8446 §5.4: an alert with no content at all is an unexpected_message.
            RawInputCase(name: "empty alert record", bytes: WireRecords.record(.alert, []), alert: .unexpectedMessage),
            // Handshake messages that cannot be decoded, or come out of order (RFC 8446 §4, §6.2).
            RawInputCase(
                name: "garbage ClientHello body", bytes: WireRecords.record(.handshake, Self.message(.clientHello, [0xDE, 0xAD, 0xBE, 0xEF])),
                alert: .decodeError),
            RawInputCase(
                name: "ClientHello with trailing bytes", bytes: WireRecords.record(.handshake, Self.message(.clientHello, try Self.helloBody() + [0])),
                alert: .decodeError),
            RawInputCase(
                name: "Finished first", bytes: WireRecords.record(.handshake, Self.message(.finished, Array(repeating: 1, count: 32))),
                alert: .unexpectedMessage),
            RawInputCase(
                name: "empty Certificate first", bytes: WireRecords.record(.handshake, Self.message(.certificate, [0, 0, 0, 0])),
                alert: .unexpectedMessage),
            RawInputCase(name: "KeyUpdate first", bytes: WireRecords.record(.handshake, Self.message(.keyUpdate, [0])), alert: .unexpectedMessage),
            RawInputCase(
                name: "ServerHello sent to a server", bytes: WireRecords.handshake(.serverHello(try Self.someServerHello())),
                alert: .unexpectedMessage),
            RawInputCase(
                name: "unknown handshake type 99", bytes: WireRecords.record(.handshake, Self.message(HandshakeType(rawValue: 99), [])),
                alert: .unexpectedMessage),
            RawInputCase(
                name: "ClientHello declared longer than any legal one", bytes: WireRecords.record(.handshake, [1, 0x02, 0x01, 0x45]),
                alert: .decodeError),
            RawInputCase(
                name: "Finished declared at 196,608 bytes", bytes: WireRecords.record(.handshake, [20, 0x03, 0x00, 0x00]),
                alert: .decodeError),
        ]
        for row in cases {
            let server = try BadInput.server()
            guard let failure = assertFails(server, sending: row.alert, code: row.code, row.name, { try server.receive(row.bytes) }) else { continue }
            assertPlaintextAlert(failure.output, row.alert, row.name)
        }
    }

    func testPlaintextRecordOfExactly2To14BytesIsAccepted() throws {
        let server = try BadInput.server()
        try server.receive(try Self.paddedClientHelloRecord(length: TLSRecord.maximumPlaintextLength))
        XCTAssertTrue(server.hasPendingOutput, "the server answers a ClientHello filling one record exactly")
        XCTAssertNil(server.error)
    }

    func testTruncatedRecordWaitsForTheRest() throws {
        let pair = try BadInput.pair()
        let hello = pair.client.takeOutput()
        // Part of a header, the rest of the header, most of the body: no error, no answer yet.
        for part in [hello[..<3], hello[3..<5], hello[5..<(hello.count - 1)]] {
            try pair.server.receive(part)
            XCTAssertFalse(pair.server.hasPendingOutput)
            XCTAssertNil(pair.server.error)
        }
        try pair.server.receive(hello[(hello.count - 1)...])
        XCTAssertTrue(pair.server.hasPendingOutput, "the completed ClientHello is answered")
        try pair.exchange()
        XCTAssertTrue(pair.client.isHandshakeComplete && pair.server.isHandshakeComplete)

        // A protected record arriving one byte at a time is also read only once complete.
        try pair.client.write(Array("ping".utf8))
        let record = pair.client.takeOutput()
        for byte in record.dropLast() {
            try pair.server.receive([byte])
            XCTAssertNil(pair.server.readApplicationData())
        }
        try pair.server.receive([record.last!])
        XCTAssertEqual(pair.server.readApplicationData(), Array("ping".utf8))
    }

    func testTamperedProtectedRecordFailsWithBadRecordMAC() throws {
        let cases: [(name: String, tamper: (inout [UInt8]) -> Void)] = [
            ("bit flipped in the ciphertext", { $0[TLSRecord.headerLength] ^= 0x80 }),
            ("bit flipped in the tag", { $0[$0.count - 1] ^= 0x01 }),
            ("legacy_record_version changed (additional data)", { $0[2] = 0x01 }),
            ("record shorter than a tag", { $0 = WireRecords.record(.applicationData, Array($0[TLSRecord.headerLength...].prefix(15))) }),
        ]
        for (name, tamper) in cases {
            let pair = try BadInput.connectedPair()
            try pair.client.write(Array("attack at dawn".utf8))
            var record = pair.client.takeOutput()
            tamper(&record)
            guard let failure = assertFails(pair.server, sending: .badRecordMAC, name, { try pair.server.receive(record) }) else { continue }
            XCTAssertNil(pair.server.readApplicationData(), name)
            // The alert is protected now: the client, holding the keys, must read it.
            assertPeerReceivesAlert(failure.output, peer: pair.client, .badRecordMAC, name)
        }
    }

    func testPlaintextRecordsAfterTheHandshakeAreUnexpected() throws {
        let cases: [(name: String, bytes: [UInt8])] = [
            ("plaintext handshake record", WireRecords.record(.handshake, Self.message(.keyUpdate, [0]))),
            ("change_cipher_spec after the handshake", WireRecords.record(.changeCipherSpec, [1])),
            ("plaintext alert after the handshake", WireRecords.record(.alert, [2, 40])),
        ]
        for (name, bytes) in cases {
            let pair = try BadInput.connectedPair()
            guard let failure = assertFails(pair.server, sending: .unexpectedMessage, name, { try pair.server.receive(bytes) }) else { continue }
            assertPeerReceivesAlert(failure.output, peer: pair.client, .unexpectedMessage, name)
        }
    }

    func testDataAfterCloseNotifyIsIgnored() throws {
        let pair = try BadInput.connectedPair()
        pair.client.close()
        var bytes = pair.client.takeOutput()
        bytes += WireRecords.record(.applicationData, Array(repeating: 0xAA, count: 32))  // would fail authentication
        bytes += WireRecords.record(ContentType(rawValue: 0x20), [1])  // unknown content type
        bytes += WireRecords.record(.handshake, [])  // empty handshake record
        try pair.server.receive(bytes)
        try pair.server.receive(WireRecords.record(.alert, [2, 40]))
        XCTAssertNil(pair.server.error)
        XCTAssertTrue(pair.server.isPeerClosed)
        XCTAssertNil(pair.server.readApplicationData())
        XCTAssertEqual(pair.server.takeOutput(), [], "nothing is answered")
        // The server may still write and close its side.
        try pair.server.write(Array("bye".utf8))
        pair.server.close()
        try pair.client.receive(pair.server.takeOutput())
        XCTAssertEqual(pair.client.readApplicationData(), Array("bye".utf8))
        XCTAssertTrue(pair.client.isClosed && pair.server.isClosed)
    }

    // MARK: Helpers

    private static func helloBody() throws -> [UInt8] {
        Array(HandshakeMessage.clientHello(try BadInput.clientHello()).encoded().dropFirst(4))
    }

    private static func someServerHello() throws -> ServerHello {
        let hello = try BadInput.clientHello()
        return ServerHello(
            random: Array(repeating: 1, count: 32), legacySessionIDEcho: hello.legacySessionID, cipherSuite: BadInput.suite,
            extensions: ServerHelloExtensions(supportedVersion: .tls13, keyShare: hello.extensions.keyShares?.first))
    }
}
