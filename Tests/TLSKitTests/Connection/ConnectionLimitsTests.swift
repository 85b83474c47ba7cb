import Crypto
import XCTest

@testable import TLSKit

/// Each resource limit, at its default or a small setting, ends the connection with its alert.
final class ConnectionLimitsTests: XCTestCase {
    private func connected(limits: ConnectionLimits = ConnectionLimits()) throws -> (ConnectionPair, KeyLogSecrets) {
        let secrets = KeyLogSecrets()
        let certified = TestPKI.certifiedKey()
        var server = TestPKI.serverConfiguration(certified)
        server.limits = limits
        server.ticketCount = 0
        var client = TestPKI.clientConfiguration(trusting: certified)
        client.keyLog = secrets.callback
        client.limits = limits
        let pair = try ConnectionPair(clientConfiguration: client, serverConfiguration: server)
        try pair.exchange()
        return (pair, secrets)
    }

    private func assertLimit(_ error: Error, _ alert: AlertDescription, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual((error as? TLSError)?.code, .limitExceeded, "\(error)", file: file, line: line)
        XCTAssertEqual((error as? TLSError)?.alertSent, alert, file: file, line: line)
    }

    func testDefaultsAreDocumentedValues() {
        let limits = ConnectionLimits()
        XCTAssertEqual(limits.maximumHandshakeMessageSize, 131_396)
        XCTAssertEqual(limits.maximumCertificateChainLength, 10)
        XCTAssertEqual(limits.maximumEmptyRecordsInARow, 32)
        XCTAssertEqual(limits.maximumKeyUpdatesInARow, 32)
        XCTAssertEqual(limits.maximumBufferedPlaintext, 1 << 20)
        XCTAssertEqual(limits.maximumBytesBeforeHandshake, 262_144)
        XCTAssertEqual(limits.maximumSkippedEarlyData, 16_384)
    }

    func testFloodOfEmptyRecordsIsRefused() throws {
        let (pair, secrets) = try connected()
        var cipher = TestCipher(secret: try secrets.key("CLIENT_TRAFFIC_SECRET_0"))
        var flood: [UInt8] = []
        for _ in 0..<32 { flood += try cipher.seal(.applicationData, []) }
        XCTAssertNoThrow(try pair.server.receive(flood), "32 empty records are allowed")
        XCTAssertThrowsError(try pair.server.receive(try cipher.seal(.applicationData, []))) { assertLimit($0, .unexpectedMessage) }
    }

    func testEmptyRecordCountResetsOnData() throws {
        let (pair, secrets) = try connected()
        var cipher = TestCipher(secret: try secrets.key("CLIENT_TRAFFIC_SECRET_0"))
        for _ in 0..<3 {
            var bytes: [UInt8] = []
            for _ in 0..<30 { bytes += try cipher.seal(.applicationData, []) }
            bytes += try cipher.seal(.applicationData, [1])
            try pair.server.receive(bytes)
        }
        XCTAssertEqual(pair.server.readApplicationData(), [1, 1, 1])
    }

    func testKeyUpdatesWithoutDataAreBounded() throws {
        var limits = ConnectionLimits()
        limits.maximumKeyUpdatesInARow = 3
        let (pair, _) = try connected(limits: limits)
        for _ in 0..<3 { try pair.client.updateKeys() }
        XCTAssertNoThrow(try pair.server.receive(pair.client.takeOutput()))
        try pair.client.updateKeys()
        XCTAssertThrowsError(try pair.server.receive(pair.client.takeOutput())) { assertLimit($0, .unexpectedMessage) }
    }

    func testUnreadPlaintextIsBounded() throws {
        var limits = ConnectionLimits()
        limits.maximumBufferedPlaintext = 20_000
        let (pair, _) = try connected(limits: limits)
        try pair.client.write([UInt8](repeating: 7, count: 16_384))
        try pair.server.receive(pair.client.takeOutput())
        try pair.client.write([UInt8](repeating: 7, count: 16_384))
        XCTAssertThrowsError(try pair.server.receive(pair.client.takeOutput())) { assertLimit($0, .internalError) }
    }

    func testReadingKeepsPlaintextUnderTheLimit() throws {
        var limits = ConnectionLimits()
        limits.maximumBufferedPlaintext = 20_000
        let (pair, _) = try connected(limits: limits)
        for _ in 0..<5 {
            try pair.client.write([UInt8](repeating: 7, count: 16_384))
            try pair.server.receive(pair.client.takeOutput())
            XCTAssertEqual(pair.server.readApplicationData()?.count, 16_384)
        }
    }

    func testPaddedTinyRecordsAreCopiedNotHeld() throws {
        // One content byte and 16,000 bytes of padding per record: holding the decrypted
        // records would keep 16 MB for 1,000 counted bytes. They are copied and gathered.
        let (pair, secrets) = try connected()
        var cipher = TestCipher(secret: try secrets.key("CLIENT_TRAFFIC_SECRET_0"))
        for index in 0..<1_000 {
            try pair.server.receive(try cipher.seal(.applicationData, [UInt8(truncatingIfNeeded: index)], padding: 16_000))
        }
        XCTAssertEqual(pair.server.readableApplicationDataCount, 1_000)
        XCTAssertEqual(pair.server.core.bufferedPlaintextPieceCount, 1, "small records are gathered into one copy")
        XCTAssertEqual(pair.server.readApplicationData(), (0..<1_000).map { UInt8(truncatingIfNeeded: $0) })
    }

    func testFullRecordsAreHeldWithoutACopy() throws {
        let (pair, _) = try connected()
        let data = (0..<(3 * 16_384)).map { UInt8(truncatingIfNeeded: $0) }
        try pair.client.write(data)
        try pair.client.write([1, 2, 3])
        try pair.server.receive(pair.client.takeOutput())
        // Three full records shared with the AEAD's output, then a copy of the small one.
        XCTAssertEqual(pair.server.core.bufferedPlaintextPieceCount, 4)
        XCTAssertEqual(pair.server.readApplicationData(), data + [1, 2, 3])
        XCTAssertEqual(pair.server.core.bufferedPlaintextPieceCount, 0)
    }

    func testBytesBeforeTheHandshakeAreBounded() throws {
        var limits = ConnectionLimits()
        // Above the default ClientHello (about 1.5 KB with its X25519MLKEM768 share).
        limits.maximumBytesBeforeHandshake = 3_000
        // Out of the way, so that the byte budget is what ends the connection.
        limits.maximumEmptyRecordsInARow = 10_000
        var configuration = TestPKI.serverConfiguration(TestPKI.certifiedKey())
        configuration.limits = limits
        let server = try ServerConnection(configuration: configuration)
        let client = try ClientConnection(configuration: ClientConfiguration(), serverName: "localhost")
        let hello = client.takeOutput()
        // A first ClientHello, then change_cipher_spec records until the budget is spent.
        try server.receive(hello)
        _ = server.takeOutput()
        let changeCipherSpec: [UInt8] = [20, 3, 3, 0, 1, 1]
        XCTAssertThrowsError(try server.receive(Array(repeating: changeCipherSpec, count: 500).joined())) { error in
            assertLimit(error, .unexpectedMessage)
        }
    }

    func testLongCertificateChainIsRefusedBeforeParsing() throws {
        var limits = ConnectionLimits()
        limits.maximumCertificateChainLength = 2
        let certified = TestPKI.certifiedKey()
        let padded = try CertifiedKey(
            chain: [certified.chain[0], certified.chain[0], certified.chain[0]], privateKey: certified.privateKey)
        var client = TestPKI.clientConfiguration(trusting: certified)
        client.limits = limits
        let pair = try ConnectionPair(clientConfiguration: client, serverConfiguration: TestPKI.serverConfiguration(padded))
        XCTAssertThrowsError(try pair.exchange()) { assertLimit($0, .badCertificate) }
        XCTAssertEqual(pair.server.error?.alertReceived, .badCertificate)
    }
}

final class NonTLSPeerTests: XCTestCase {
    func testHTTPRequestIsRefusedAsSoonAsItsFirstBytesArrive() throws {
        let server = try ServerConnection(configuration: TestPKI.serverConfiguration(TestPKI.certifiedKey()))
        // "GET / HTTP/1.1" announces an 8239-byte record: we must not wait for it.
        XCTAssertThrowsError(try server.receive(Array("GET / HTTP/1.1\r\n".utf8))) { error in
            XCTAssertEqual((error as? TLSError)?.alertSent, .unexpectedMessage)
        }
        XCTAssertEqual(server.takeOutput(), [21, 3, 3, 0, 2, 2, 10])
    }
}
