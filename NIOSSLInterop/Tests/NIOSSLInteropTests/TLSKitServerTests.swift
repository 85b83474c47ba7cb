import NIOSSL
import TLSKit
import XCTest

/// TLSKit's server (`TLSHandler`) and swift-nio-ssl's client (`NIOSSLClientHandler`, BoringSSL)
/// over loopback: the handshake, data both ways, and what TLSKit reports it negotiated.
final class TLSKitServerTests: XCTestCase {
    // MARK: Key exchange groups, one line each; both ends offer only the group under test.

    func testX25519() async throws { try await assertHandshake(group: .x25519) }
    func testSecp256r1() async throws { try await assertHandshake(group: .secp256r1) }
    func testSecp384r1() async throws { try await assertHandshake(group: .secp384r1) }
    // The post-quantum hybrid. BoringSSL has no SecP256r1MLKEM768 or SecP384r1MLKEM1024, so
    // TLSKit's other two hybrids have no case against it.
    func testX25519MLKEM768() async throws { try await assertHandshake(group: .X25519MLKEM768) }

    // MARK: Cipher suites: TLSKit's server offers one, BoringSSL's client offers all three.

    func testAES128GCM() async throws { try await assertHandshake(suite: .TLS_AES_128_GCM_SHA256) }
    func testAES256GCM() async throws { try await assertHandshake(suite: .TLS_AES_256_GCM_SHA384) }
    func testChaCha20Poly1305() async throws { try await assertHandshake(suite: .TLS_CHACHA20_POLY1305_SHA256) }

    /// BoringSSL sends a key share for its first group only; a server that takes only the
    /// second asks for it with a HelloRetryRequest (RFC 8446 §4.1.4), which BoringSSL answers.
    func testHelloRetryRequestForTheClientsSecondGroup() async throws {
        try await assertHandshake(
            group: .secp256r1, clientGroups: .these([.x25519, .secp256r1]), serverGroups: .these([.secp256r1]), usesHelloRetryRequest: true)
    }

    /// BoringSSL sends one post-quantum and one classical key share whatever their order in its
    /// list, so it cannot be made to need a HelloRetryRequest for the hybrid (TLSKitClientTests
    /// covers that from the other side). Listing X25519 first puts the hybrid in the second share,
    /// which a server that takes only the hybrid must find.
    func testX25519MLKEM768FromTheSecondKeyShare() async throws {
        try await assertHandshake(
            group: .X25519MLKEM768, clientGroups: .these([.x25519, .x25519_MLKEM768]), serverGroups: .these([.X25519MLKEM768]))
    }

    /// Both libraries' defaults: swift-nio-ssl's client sends key shares for X25519MLKEM768 and
    /// X25519, and TLSKit's server, preferring the hybrids, takes X25519MLKEM768 at once.
    func testDefaultGroups() async throws {
        try await assertHandshake(group: .X25519MLKEM768, clientGroups: .defaults, serverGroups: .defaults)
    }

    /// A TLSKit server configured without the hybrids skips swift-nio-ssl's hybrid share and takes
    /// its X25519 share, without a HelloRetryRequest.
    func testClassicalServerTakesTheX25519Share() async throws {
        try await assertHandshake(group: .x25519, clientGroups: .defaults, serverGroups: .these([.x25519, .secp256r1, .secp384r1]))
    }

    // MARK: The case

    /// Runs one connection and checks both ends. `group` is the group expected; unless told
    /// otherwise, it is the only one either end offers.
    private func assertHandshake(
        group: NamedGroup = .x25519, suite: CipherSuite? = nil, clientGroups: NIOSSLGroups = .expected,
        serverGroups: TLSKitGroups = .expected, usesHelloRetryRequest: Bool = false,
        file: StaticString = #filePath, line: UInt = #line
    ) async throws {
        let pki = try InteropPKI()
        var server = try pki.tlskitServerConfiguration()
        serverGroups.apply(expecting: group, to: &server)
        if let suite { server.cipherSuites = [suite] }
        var client = try pki.niosslClientConfiguration()
        client.curves = clientGroups.curves(expecting: group)

        let connections = try await Loopback.run(
            server: Handlers.tlskitServer(server), client: try Handlers.niosslClient(client))
        let connection = try XCTUnwrap(connections.first)

        assertExchanged(connection, file: file, line: line)
        let negotiated = try XCTUnwrap(connection.server.negotiated, "TLSKit reported no completed handshake", file: file, line: line)
        XCTAssertEqual(negotiated.group, group, file: file, line: line)
        // The server's order wins, and TLSKit's lists AES-128-GCM first.
        XCTAssertEqual(negotiated.cipherSuite, suite ?? .TLS_AES_128_GCM_SHA256, file: file, line: line)
        XCTAssertEqual(negotiated.applicationProtocol, "http/1.1", file: file, line: line)
        // NIO's own event, which NIO's ALPN helpers wait for, carries the same protocol.
        XCTAssertEqual(connection.server.nioHandshakeProtocol, .some("http/1.1"), file: file, line: line)
        XCTAssertEqual(negotiated.serverName, InteropPKI.serverName, file: file, line: line)
        XCTAssertEqual(negotiated.usedHelloRetryRequest, usesHelloRetryRequest, file: file, line: line)
        XCTAssertFalse(negotiated.isResumed, file: file, line: line)
        XCTAssertEqual(negotiated.peerCertificates, [], "no client certificate was asked for", file: file, line: line)
        // BoringSSL's client takes TLSKit's default two tickets without complaint (it cannot
        // be asked to use them: swift-nio-ssl's client has no resumption API).
        XCTAssertEqual(connection.server.ticketsIssued, 2, file: file, line: line)
        XCTAssertTrue(connection.server.completedShutdown, "the client's close_notify was answered", file: file, line: line)

        let niossl = try XCTUnwrap(connection.client.niossl, "swift-nio-ssl reported no completed handshake", file: file, line: line)
        XCTAssertEqual(niossl.tlsVersion, .tlsv13, file: file, line: line)
        XCTAssertEqual(niossl.applicationProtocol, "http/1.1", file: file, line: line)
        XCTAssertEqual(niossl.peerCertificate, try InteropPKI.der(pki.serverLeaf), file: file, line: line)
    }
}
