import NIOSSL
import TLSKit
import XCTest

/// swift-nio-ssl's server (`NIOSSLServerHandler`, BoringSSL) and TLSKit's client (`TLSHandler`)
/// over loopback: the handshake, data both ways, and what TLSKit reports it negotiated.
final class TLSKitClientTests: XCTestCase {
    // MARK: Key exchange groups, one line each; both ends offer only the group under test.

    func testX25519() async throws { try await assertHandshake(group: .x25519) }
    func testSecp256r1() async throws { try await assertHandshake(group: .secp256r1) }
    func testSecp384r1() async throws { try await assertHandshake(group: .secp384r1) }
    // The post-quantum hybrid. BoringSSL has no SecP256r1MLKEM768 or SecP384r1MLKEM1024, so
    // TLSKit's other two hybrids have no case against it.
    func testX25519MLKEM768() async throws { try await assertHandshake(group: .X25519MLKEM768) }

    // MARK: Cipher suites: TLSKit's client offers one, so BoringSSL's server must take it.

    func testAES128GCM() async throws { try await assertHandshake(suite: .TLS_AES_128_GCM_SHA256) }
    func testAES256GCM() async throws { try await assertHandshake(suite: .TLS_AES_256_GCM_SHA384) }
    func testChaCha20Poly1305() async throws { try await assertHandshake(suite: .TLS_CHACHA20_POLY1305_SHA256) }

    /// TLSKit's client sends X25519MLKEM768 and X25519 shares by default; a server that takes
    /// only P-256 asks for it with a HelloRetryRequest (RFC 8446 §4.1.4), which TLSKit answers.
    func testHelloRetryRequestFromTheServer() async throws {
        try await assertHandshake(
            group: .secp256r1, clientGroups: .defaults, serverGroups: .these([.secp256r1]), usesHelloRetryRequest: true)
    }

    /// The same for the hybrid, whose share is 1,216 bytes: a TLSKit client that sends only an
    /// X25519 share is asked for X25519MLKEM768 by a server that takes nothing else.
    func testHelloRetryRequestForX25519MLKEM768() async throws {
        try await assertHandshake(
            group: .X25519MLKEM768, clientGroups: .these([.x25519, .X25519MLKEM768]), serverGroups: .these([.x25519_MLKEM768]),
            usesHelloRetryRequest: true)
    }

    /// Both libraries' defaults: both put X25519MLKEM768 first and TLSKit's client sends a share
    /// for it, so BoringSSL's server takes the hybrid at once.
    func testDefaultGroups() async throws {
        try await assertHandshake(group: .X25519MLKEM768, clientGroups: .defaults, serverGroups: .defaults)
    }

    /// A swift-nio-ssl server configured without the hybrid takes the X25519 share that TLSKit's
    /// client sends beside the hybrid one, without a HelloRetryRequest.
    func testClassicalServerTakesTheX25519Share() async throws {
        try await assertHandshake(group: .x25519, clientGroups: .defaults, serverGroups: .these([.x25519, .secp256r1, .secp384r1]))
    }

    // MARK: The case

    /// Runs one connection and checks both ends. `group` is the group expected; unless told
    /// otherwise, it is the only one either end offers.
    private func assertHandshake(
        group: NamedGroup = .x25519, suite: CipherSuite? = nil, clientGroups: TLSKitGroups = .expected,
        serverGroups: NIOSSLGroups = .expected, usesHelloRetryRequest: Bool = false,
        file: StaticString = #filePath, line: UInt = #line
    ) async throws {
        let pki = try InteropPKI()
        var server = try pki.niosslServerConfiguration()
        server.curves = serverGroups.curves(expecting: group)
        var client = pki.tlskitClientConfiguration()
        clientGroups.apply(expecting: group, to: &client)
        if let suite { client.cipherSuites = [suite] }

        let connections = try await Loopback.run(
            server: try Handlers.niosslServer(server), client: Handlers.tlskitClient(client))
        let connection = try XCTUnwrap(connections.first)

        assertExchanged(connection, file: file, line: line)
        let negotiated = try XCTUnwrap(connection.client.negotiated, "TLSKit reported no completed handshake", file: file, line: line)
        XCTAssertEqual(negotiated.group, group, file: file, line: line)
        if let suite {
            XCTAssertEqual(negotiated.cipherSuite, suite, file: file, line: line)
        } else {
            // BoringSSL's server picks by the client's order and its own AES hardware.
            XCTAssertTrue(CipherSuite.supported.contains(negotiated.cipherSuite), "\(negotiated.cipherSuite)", file: file, line: line)
        }
        XCTAssertEqual(negotiated.applicationProtocol, "http/1.1", file: file, line: line)
        XCTAssertEqual(negotiated.serverSignatureScheme, .ecdsa_secp256r1_sha256, file: file, line: line)
        XCTAssertEqual(negotiated.peerCertificates, [pki.serverLeaf], file: file, line: line)
        XCTAssertEqual(negotiated.usedHelloRetryRequest, usesHelloRetryRequest, file: file, line: line)
        XCTAssertFalse(negotiated.isResumed, file: file, line: line)
        // BoringSSL issues TLS 1.3 tickets by default; TLSKit turns each into a session.
        XCTAssertFalse(connection.client.ticketsReceived.isEmpty, "BoringSSL sent no ticket", file: file, line: line)

        let niossl = try XCTUnwrap(connection.server.niossl, "swift-nio-ssl reported no completed handshake", file: file, line: line)
        XCTAssertEqual(niossl.tlsVersion, .tlsv13, file: file, line: line)
        XCTAssertEqual(niossl.applicationProtocol, "http/1.1", file: file, line: line)
        XCTAssertNil(niossl.peerCertificate, "no client certificate was asked for", file: file, line: line)
    }
}
