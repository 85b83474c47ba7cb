import Crypto
import XCTest

@testable import TLSKit

/// What a server must accept and carry on from, where the conformance table's rows are about
/// what it must refuse: 0-RTT data it does not accept is skipped (RFC 8446 §4.2.10), and
/// legal ClientHellos are never refused for their size.
final class ServerToleranceTests: XCTestCase {
    private var clientConfiguration = BadInput.clientConfiguration()
    private var serverConfiguration = BadInput.serverConfiguration()

    /// Rewrites the ClientHello `client` is about to send with `change` (TLSKit's client never
    /// sends early_data, for one), and the client's state with it, so the transcripts still
    /// agree. Returns the new ClientHello's record.
    private func rewriteHello(_ client: ClientConnection, _ change: (inout ClientHello) -> Void) throws -> [UInt8] {
        _ = client.takeOutput()
        guard case .client(.expectServerHello(let state)) = client.machine else { throw FixtureError("the client is not waiting for a ServerHello") }
        var hello = state.hello
        change(&hello)
        let bytes = state.offer?.attach(to: &hello, prefix: nil, now: state.configuration.time.now) ?? HandshakeMessage.clientHello(hello).encoded()
        client.machine = .client(
            .expectServerHello(
                ClientHandshake.ExpectServerHello(
                    configuration: state.configuration, serverName: state.serverName, hello: hello, helloBytes: bytes, keys: state.keys,
                    offer: state.offer, retry: nil)))
        return stride(from: 0, to: bytes.count, by: TLSRecord.maximumPlaintextLength).flatMap { start in
            WireRecords.record(.handshake, Array(bytes[start..<min(start + TLSRecord.maximumPlaintextLength, bytes.count)]))
        }
    }

    /// 0-RTT records as a client sends them: application_data sealed under keys the server does not have.
    private static func earlyData(_ sizes: Int...) throws -> [UInt8] {
        var cipher = TestCipher(secret: SymmetricKey(size: .bits128))
        return try sizes.flatMap { try cipher.seal(.applicationData, Array(repeating: 0x30, count: $0)) }
    }

    private static let changeCipherSpec = WireRecords.record(.changeCipherSpec, [1])

    /// Completes the handshake of `pair` and checks that data flows both ways.
    private func assertCompletes(_ pair: ConnectionPair, resumed: Bool, _ message: String, line: UInt = #line) throws {
        try pair.exchange()
        XCTAssertTrue(pair.server.isHandshakeComplete, message, line: line)
        XCTAssertEqual(pair.server.negotiatedParameters?.isResumed, resumed, message, line: line)
        try pair.client.write(Array("after early data".utf8))
        try pair.exchange()
        XCTAssertEqual(pair.server.readApplicationData(), Array("after early data".utf8), message, line: line)
    }

    private func session() throws -> ClientSession {
        serverConfiguration.ticketCount = 1
        var configuration = clientConfiguration
        configuration.sessionStore = nil
        let pair = try ConnectionPair(clientConfiguration: configuration, serverConfiguration: serverConfiguration)
        try pair.exchange()
        while let event = pair.client.nextEvent() {
            if case .sessionTicketReceived(let session) = event { return session }
        }
        throw FixtureError("no ticket")
    }

    // MARK: RFC 8446 §4.2.10: early data the server does not accept

    func testEarlyDataIsSkippedInAFullHandshake() throws {
        let pair = try ConnectionPair(clientConfiguration: clientConfiguration, serverConfiguration: serverConfiguration)
        let hello = try rewriteHello(pair.client) { $0.extensions.earlyData = true }
        try pair.server.receive(hello + Self.changeCipherSpec + Self.earlyData(100) + Self.changeCipherSpec + Self.earlyData(2_000, 0))
        XCTAssertNil(pair.server.error)
        try assertCompletes(pair, resumed: false, "full handshake")
    }

    func testEarlyDataIsSkippedWhenTheTicketResumesWithout0RTT() throws {
        let session = try session()
        let client = try ClientConnection(configuration: clientConfiguration, serverName: "localhost", session: session)
        let pair = ConnectionPair(client: client, server: try ServerConnection(configuration: serverConfiguration))
        let hello = try rewriteHello(client) { $0.extensions.earlyData = true }
        // Early data split across records, in the same input as the hello and in later ones.
        try pair.server.receive(hello + Self.earlyData(1_000))
        try pair.server.receive(Self.earlyData(1_000))
        try assertCompletes(pair, resumed: true, "resumption")
    }

    func testEarlyDataIsSkippedWhenTheTicketDoesNotOpen() throws {
        let session = try session()
        serverConfiguration.ticketProtection = .stateless(SessionTicketKeyRing.makeDefault())
        let client = try ClientConnection(configuration: clientConfiguration, serverName: "localhost", session: session)
        let pair = ConnectionPair(client: client, server: try ServerConnection(configuration: serverConfiguration))
        let hello = try rewriteHello(client) { $0.extensions.earlyData = true }
        try pair.server.receive(hello + Self.earlyData(500, 500))
        try assertCompletes(pair, resumed: false, "unknown ticket key")
        XCTAssertEqual(serverConfiguration.statistics.snapshot().ticketsRejected[.unknownKey], 1)
    }

    func testEarlyDataPastTheSkippingLimitIsUnexpectedMessage() throws {
        serverConfiguration.limits.maximumSkippedEarlyData = 1_000
        let server = try ServerConnection(configuration: serverConfiguration)
        let client = try ClientConnection(configuration: clientConfiguration, serverName: "localhost")
        let hello = try rewriteHello(client) { $0.extensions.earlyData = true }
        try server.receive(hello + Self.earlyData(600))
        _ = server.takeOutput()
        XCTAssertThrowsError(try server.receive(Self.earlyData(600))) { error in
            XCTAssertEqual((error as? TLSError)?.alertSent, .unexpectedMessage)
        }
    }

    func testRecordsThatFailToOpenWithoutAnEarlyDataOfferAreBadRecordMAC() throws {
        let server = try ServerConnection(configuration: serverConfiguration)
        let client = try ClientConnection(configuration: clientConfiguration, serverName: "localhost")
        try server.receive(client.takeOutput())
        XCTAssertThrowsError(try server.receive(Self.earlyData(100))) { error in
            XCTAssertEqual((error as? TLSError)?.alertSent, .badRecordMAC)
        }
    }

    func testEarlyDataAfterTheClientsSecondFlightBeganIsBadRecordMAC() throws {
        let pair = try ConnectionPair(clientConfiguration: clientConfiguration, serverConfiguration: serverConfiguration)
        let hello = try rewriteHello(pair.client) { $0.extensions.earlyData = true }
        try pair.server.receive(hello + Self.earlyData(100))
        try pair.client.receive(pair.server.takeOutput())
        // The client's Finished opens: skipping ends there.
        try pair.server.receive(pair.client.takeOutput())
        XCTAssertThrowsError(try pair.server.receive(Self.earlyData(100))) { error in
            XCTAssertEqual((error as? TLSError)?.alertSent, .badRecordMAC)
        }
    }

    func testAfterAHelloRetryRequestProtectedRecordsAreSkippedUntilTheSecondHello() throws {
        serverConfiguration.groups = [.secp256r1]
        clientConfiguration.groups = [.x25519, .secp256r1]
        clientConfiguration.keyShareGroups = [.x25519]
        let pair = try ConnectionPair(clientConfiguration: clientConfiguration, serverConfiguration: serverConfiguration)
        let hello = try rewriteHello(pair.client) { $0.extensions.earlyData = true }
        try pair.server.receive(hello + Self.changeCipherSpec + Self.earlyData(100, 200))
        let retry = pair.server.takeOutput()
        // More early data, sent before the client read the HelloRetryRequest.
        try pair.server.receive(Self.earlyData(300))
        XCTAssertNil(pair.server.error)
        // TLSKit's client copies the offer into its second hello; RFC 8446 §4.1.2 forbids that.
        try pair.client.receive(retry)
        XCTAssertThrowsError(try pair.server.receive(pair.client.takeOutput())) { error in
            XCTAssertEqual((error as? TLSError)?.alertSent, .illegalParameter, "early_data in the second ClientHello")
        }
    }

    // MARK: legal sizes are accepted

    /// A ClientHello whose extension block is filled to its 65,535-byte maximum by one list of
    /// signature schemes (the other extensions as TLSKit's client sends them). Both lists cannot
    /// be that long at once: together they would pass the block's 2^16-1 bytes.
    private func assertLargestSchemeListCompletes(_ keyPath: WritableKeyPath<ClientHelloExtensions, [SignatureScheme]?>, _ name: String) throws {
        let pair = try ConnectionPair(clientConfiguration: clientConfiguration, serverConfiguration: serverConfiguration)
        var schemeCount = 0
        let hello = try rewriteHello(pair.client) { hello in
            // One scheme the server can sign with, so that the other list has the room.
            hello.extensions.signatureAlgorithms = [.ecdsa_secp256r1_sha256]
            let real = hello.extensions[keyPath: keyPath] ?? []
            hello.extensions[keyPath: keyPath] = real
            let used = hello.extensions.rawExtensions.reduce(0) { $0 + 4 + $1.data.count }
            // Unassigned code points (0xFE00 and up, private use) fill the rest.
            let filler = (65_535 - used) / 2
            hello.extensions[keyPath: keyPath] = real + (0..<filler).map { SignatureScheme(rawValue: 0xFE00 &+ UInt16($0 % 0x01FF)) }
            schemeCount = real.count + filler
        }
        XCTAssertGreaterThanOrEqual(schemeCount, 32_715, name)
        XCTAssertGreaterThan(hello.count, 65_536 + 5, "\(name): the hello is past the old 64 KiB message limit")
        try pair.server.receive(hello)
        XCTAssertTrue(pair.server.hasPendingOutput, "\(name): the server answers")
        try pair.exchange()
        XCTAssertTrue(pair.server.isHandshakeComplete, name)
    }

    func testClientHelloWithTheLargestSignatureAlgorithmsListCompletes() throws {
        try assertLargestSchemeListCompletes(\.signatureAlgorithms, "signature_algorithms")
    }

    func testClientHelloWithTheLargestSignatureAlgorithmsCertListCompletes() throws {
        try assertLargestSchemeListCompletes(\.signatureAlgorithmsCert, "signature_algorithms_cert")
    }
}
