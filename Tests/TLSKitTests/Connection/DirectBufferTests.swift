import XCTest

@testable import TLSKit

/// `write(_:into:)` and `receive(_:applicationData:)`, the paths that seal into and open into
/// the caller's memory, carry the same bytes as `write(_:)` and `receive(_:)` and keep every
/// rule of the record layer.
final class DirectBufferTests: XCTestCase {
    private func connect(suite: CipherSuite = .TLS_AES_128_GCM_SHA256, ticketCount: Int = 2) throws -> ConnectionPair {
        let certified = TestPKI.certifiedKey()
        var client = TestPKI.clientConfiguration(trusting: certified)
        client.cipherSuites = [suite]
        var server = TestPKI.serverConfiguration(certified)
        server.ticketCount = ticketCount
        let pair = try ConnectionPair(clientConfiguration: client, serverConfiguration: server)
        try pair.exchange()
        XCTAssertTrue(pair.client.isHandshakeComplete && pair.server.isHandshakeComplete)
        return pair
    }

    private static let data = (0..<40_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }

    func testSealingIntoTheCallersBufferWritesTheSameRecordsAsWrite() throws {
        for suite in [CipherSuite.TLS_AES_128_GCM_SHA256, .TLS_AES_256_GCM_SHA384, .TLS_CHACHA20_POLY1305_SHA256] {
            let viaWrite = try connect(suite: suite)
            let viaBuffer = try connect(suite: suite)
            try viaWrite.client.write(Self.data)
            let expected = viaWrite.client.takeOutput()
            var sealed: [UInt8] = [9, 9]
            try Self.data.withUnsafeBytes { try viaBuffer.client.write($0, into: &sealed) }
            XCTAssertEqual(sealed.count, 2 + expected.count, "\(suite)")
            XCTAssertEqual(sealed.count - 2, viaBuffer.client.sealedLength(ofApplicationData: Self.data.count), "\(suite)")
            XCTAssertEqual(Array(sealed[..<2]), [9, 9], "what the buffer held stays in front")
            XCTAssertFalse(viaBuffer.client.hasPendingOutput)
            // Different keys, the same framing: three full-size records or fewer, headers alike.
            try viaBuffer.server.receive(sealed[2...])
            XCTAssertEqual(viaBuffer.server.readApplicationData(), Self.data, "\(suite)")
        }
    }

    /// A byte array as the output buffer keeps exactly what `body` says it wrote, after what it
    /// held, whether it was empty (room made without zero-filling) or not, and nothing when
    /// `body` throws.
    func testAByteArrayKeepsWhatTheBodyWrote() throws {
        struct Refused: Error {}
        for start in [[], [7, 7, 7]] as [[UInt8]] {
            var buffer = start
            let written = buffer.writeWithUnsafeMutableBytes(minimumWritableBytes: 100) { room in
                XCTAssertGreaterThanOrEqual(room.count, 100)
                for index in 0..<40 { room[index] = UInt8(index) }
                return 40
            }
            XCTAssertEqual(written, 40)
            XCTAssertEqual(buffer, start + (0..<40).map { UInt8($0) })

            var refused = start
            XCTAssertThrowsError(
                try refused.writeWithUnsafeMutableBytes(minimumWritableBytes: 64) { room in
                    room[0] = 1
                    throw Refused()
                })
            XCTAssertEqual(refused, start, "a throwing body leaves the buffer as it was")
        }
    }

    func testTicketsAServerWasAskedForGoFirstIntoTheBuffer() throws {
        let pair = try connect(ticketCount: 0)
        try pair.server.requestSessionTicket()
        var sealed: [UInt8] = []
        try Array("hello".utf8).withUnsafeBytes { try pair.server.write($0, into: &sealed) }
        XCTAssertFalse(pair.server.hasPendingOutput)
        var opened: [UInt8] = []
        try sealed.withUnsafeBytes { try pair.client.receive($0, applicationData: &opened) }
        XCTAssertEqual(opened, Array("hello".utf8))
        XCTAssertEqual(pair.client.receivedTicketCount, 1, "the ticket came first and was handled, not opened into the buffer")
    }

    func testOpeningIntoTheCallersBufferKeepsNothingAndHandlesPostHandshakeMessages() throws {
        let pair = try connect()
        try pair.server.updateKeys(requestPeerUpdate: true)
        try pair.server.write(Self.data)
        try pair.server.write([])  // an empty record counts but carries nothing
        try pair.server.write(Array("tail".utf8))
        pair.server.close()
        let stream = pair.server.takeOutput()
        var opened: [UInt8] = [1]
        // In pieces that split records, as a transport delivers them.
        var start = 0
        for size in [3, 5_000, 20_000, 1, 30_000, Int.max] where start < stream.count {
            let end = min(stream.count, start + min(size, stream.count))
            try stream[start..<end].withUnsafeBytes { try pair.client.receive($0, applicationData: &opened) }
            start = end
        }
        XCTAssertEqual(opened, [1] + Self.data + Array("tail".utf8))
        XCTAssertEqual(pair.client.readableApplicationDataCount, 0, "nothing was kept")
        XCTAssertTrue(pair.client.isPeerClosed)
        // The client answered the KeyUpdate request with its own: the server reads it.
        try pair.client.write(Array("after".utf8))
        try pair.server.receive(pair.client.takeOutput())
        XCTAssertEqual(pair.server.readApplicationData(), Array("after".utf8))
    }

    func testPaddedRecordsOpenToTheirContentOnly() throws {
        // The server's records forged with its key (no tickets, so they start at sequence 0).
        let secrets = KeyLogSecrets()
        let certified = TestPKI.certifiedKey()
        var server = TestPKI.serverConfiguration(certified)
        server.keyLog = secrets.callback
        server.ticketCount = 0
        let pair = try ConnectionPair(clientConfiguration: TestPKI.clientConfiguration(trusting: certified), serverConfiguration: server)
        try pair.exchange()
        var cipher = TestCipher(secret: try secrets.key("SERVER_TRAFFIC_SECRET_0"))
        let records =
            try cipher.seal(.applicationData, Array("padded".utf8), padding: 1_000)
            + cipher.seal(.applicationData, [], padding: 10)
            + cipher.seal(.applicationData, Array("!".utf8))
        var opened: [UInt8] = []
        try records.withUnsafeBytes { try pair.client.receive($0, applicationData: &opened) }
        XCTAssertEqual(opened, Array("padded!".utf8))
    }

    func testATamperedRecordFailsTheConnectionAndAddsNothing() throws {
        let pair = try connect()
        try pair.server.write(Array("secret".utf8))
        var stream = pair.server.takeOutput()
        stream[stream.count - 3] ^= 0x40
        var opened: [UInt8] = [7]
        XCTAssertThrowsError(try stream.withUnsafeBytes { try pair.client.receive($0, applicationData: &opened) }) {
            XCTAssertEqual(($0 as? TLSError)?.alertSent, .badRecordMAC)
        }
        XCTAssertEqual(opened, [7])
        XCTAssertNotNil(pair.client.error)
    }

    func testApplicationDataBeforeTheHandshakeEndsIsStillRefused() throws {
        let certified = TestPKI.certifiedKey()
        let pair = try ConnectionPair(
            clientConfiguration: TestPKI.clientConfiguration(trusting: certified),
            serverConfiguration: TestPKI.serverConfiguration(certified))
        var opened: [UInt8] = []
        let hello = pair.client.takeOutput()
        try hello.withUnsafeBytes { try pair.server.receive($0, applicationData: &opened) }
        XCTAssertTrue(pair.server.hasPendingOutput, "the handshake goes on through the same call")
        XCTAssertEqual(opened, [])
    }
}
