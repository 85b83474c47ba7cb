import XCTest

/// Our client (`tlskit client`) against `openssl s_server -tls1_3 -rev` (which echoes each line
/// reversed) on loopback.
final class OpenSSLServerTests: InteropTestCase {
    /// The result of one connection of our client to s_server.
    private struct Connection {
        let client: PeerProcess
        let server: PeerProcess
        let summary: [String: String]
    }

    /// Starts s_server with the `type` certificate and `serverArguments`, connects our client with
    /// `clientArguments`, checks the summary and that a line comes back reversed, then closes our
    /// client's input so it sends close_notify, and waits for both to exit.
    @discardableResult
    private func connect(
        _ label: String, type: KeyType = .p256, server serverArguments: [String] = [], client clientArguments: [String] = [],
        file: StaticString = #filePath, line: UInt = #line
    ) throws -> Connection {
        let credential = try pki().server(type)
        let (server, port) = try startOpenSSLServer(
            ["-tls1_3", "-cert", credential.certificate, "-key", credential.key, "-rev"] + serverArguments, file: file, line: line)
        let client = try startTLSKitClient(port: port, ["--ca", credential.root, "--server-name", "localhost"] + clientArguments)
        let summary = try summaryFields(client, file: file, line: line)
        XCTAssertEqual(summary["protocol"], "TLSv1.3", "\(label): our client's protocol", file: file, line: line)
        XCTAssertTrue(
            summary["peer-certificate"]?.contains(credential.organization) ?? false,
            "\(label): our client did not see the \(type.rawValue) certificate: \(summary["peer-certificate"] ?? "nil")", file: file, line: line)
        let text = token(label)
        try echo(client, send: text, expect: String(text.reversed()), label, file: file, line: line)
        XCTAssertTrue(server.allOutput.contains("Protocol version: TLSv1.3"), "\(label): s_server's protocol", file: file, line: line)
        client.closeInput()
        XCTAssertEqual(client.waitForExit(timeout: Self.stepTimeout), 0, "\(label): our client did not finish cleanly", file: file, line: line)
        XCTAssertTrue(server.waitFor("CONNECTION CLOSED", timeout: Self.stepTimeout), "\(label): s_server did not see the close", file: file, line: line)
        return Connection(client: client, server: server, summary: summary)
    }

    // MARK: Cipher suites

    private func checkCipherSuite(_ suite: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let connection = try connect(suite, client: ["--ciphersuites", suite], file: file, line: line)
        XCTAssertEqual(connection.summary["cipher"], suite, "\(suite): our client's negotiated cipher", file: file, line: line)
        XCTAssertTrue(connection.server.allOutput.contains("Ciphersuite: \(suite)"), "\(suite): s_server's negotiated cipher", file: file, line: line)
    }

    func testCipherSuiteAES128GCMSHA256() throws { try checkCipherSuite("TLS_AES_128_GCM_SHA256") }
    func testCipherSuiteAES256GCMSHA384() throws { try checkCipherSuite("TLS_AES_256_GCM_SHA384") }
    func testCipherSuiteChaCha20Poly1305SHA256() throws { try checkCipherSuite("TLS_CHACHA20_POLY1305_SHA256") }

    // MARK: Groups

    private func checkGroup(_ group: String, opensslName: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let connection = try connect(group, client: ["--groups", group], file: file, line: line)
        XCTAssertEqual(connection.summary["group"], group, "\(group): our client's negotiated group", file: file, line: line)
        XCTAssertTrue(
            connection.server.allOutput.contains("Supported groups: \(opensslName)\n"), "\(group): s_server should see only \(opensslName)",
            file: file, line: line)
    }

    func testGroupX25519() throws { try checkGroup("x25519", opensslName: "x25519") }
    func testGroupSecp256r1() throws { try checkGroup("secp256r1", opensslName: "secp256r1") }
    func testGroupSecp384r1() throws { try checkGroup("secp384r1", opensslName: "secp384r1") }

    // MARK: Certificate types

    func testCertificateECDSAP256() throws { try connect(KeyType.p256.rawValue, type: .p256) }
    func testCertificateECDSAP384() throws { try connect(KeyType.p384.rawValue, type: .p384) }
    func testCertificateEd25519() throws { try connect(KeyType.ed25519.rawValue, type: .ed25519) }
    func testCertificateRSA2048() throws { try connect(KeyType.rsa.rawValue, type: .rsa) }

    // MARK: Mutual TLS

    func testMutualTLS() throws {
        let client = try pki().client()
        let connection = try connect(
            "mutual TLS", server: ["-Verify", "1", "-CAfile", client.root], client: ["--cert", client.certificate, "--key", client.key])
        XCTAssertTrue(
            connection.server.allOutput.contains("Peer certificate: O = TLSKit Interop Client, CN = interop-client"),
            "mutual TLS: s_server did not report our client certificate")
    }

    // MARK: HelloRetryRequest

    func testHelloRetryRequestForP384() throws {
        // Our client sends a key share for its first group only, so s_server must ask for P-384.
        let connection = try connect("HelloRetryRequest", server: ["-groups", "P-384", "-msg"], client: ["--groups", "x25519,secp384r1"])
        XCTAssertEqual(connection.summary["group"], "secp384r1", "HelloRetryRequest: negotiated group")
        let clientHellos = connection.server.allOutput.split(separator: "\n").filter { $0.hasPrefix("<<<") && $0.hasSuffix("ClientHello") }
        XCTAssertEqual(clientHellos.count, 2, "HelloRetryRequest: s_server should have received a second ClientHello")
    }

    // MARK: ALPN

    func testALPN() throws {
        let connection = try connect("ALPN", server: ["-alpn", "http/1.1"], client: ["--alpn", "h2,http/1.1"])
        XCTAssertEqual(connection.summary["alpn"], "http/1.1", "ALPN: our client's negotiated protocol")
        XCTAssertTrue(connection.server.allOutput.contains("ALPN protocols advertised by the client: h2, http/1.1"), "ALPN: s_server's view of our offer")
        XCTAssertTrue(connection.server.allOutput.contains("ALPN protocols selected: http/1.1"), "ALPN: s_server's choice")
    }

    // MARK: Record layer and fragmentation

    func testStatelessHelloRetryRequestWithCookie() throws {
        // -stateless makes s_server put its state in a cookie that our second ClientHello must echo.
        let connection = try connect("stateless HelloRetryRequest", server: ["-stateless", "-groups", "P-384"], client: ["--groups", "x25519,secp384r1"])
        XCTAssertEqual(connection.summary["group"], "secp384r1", "stateless HelloRetryRequest: negotiated group")
    }

    func testServerFlightFragmentedByOpenSSL() throws {
        // 512-byte records split the RSA Certificate and CertificateVerify across records.
        try connect("fragmented server flight", type: .rsa, server: ["-max_send_frag", "512"])
    }

    func testRecordPaddingFromOpenSSL() throws {
        try connect("record padding", server: ["-record_padding", "512"])
    }

    // MARK: Failures

    /// Starts s_server with `serverArguments`, connects our client with `clientArguments`, and
    /// checks that it exits non-zero with a last line on stderr naming `alert`.
    private func checkClientFails(
        _ label: String, server serverArguments: [String], client clientArguments: [String] = [], alert: String,
        file: StaticString = #filePath, line: UInt = #line
    ) throws {
        let credential = try pki().server(.p256)
        let (_, port) = try startOpenSSLServer(["-tls1_3", "-cert", credential.certificate, "-key", credential.key, "-rev"] + serverArguments)
        let client = try startTLSKitClient(port: port, ["--ca", credential.root, "--server-name", "localhost"] + clientArguments)
        client.send(token(label) + "\n")
        let status = client.waitForExit(timeout: Self.stepTimeout)
        try require(status != nil, "\(label): our client did not exit", file: file, line: line)
        XCTAssertNotEqual(status, 0, "\(label): our client should fail", file: file, line: line)
        let last = client.standardError.split(separator: "\n").last.map(String.init) ?? ""
        XCTAssertTrue(last.hasPrefix("error: ") && last.contains(alert), "\(label): last line should name \(alert): \(last)", file: file, line: line)
    }

    func testNoCommonCipherSuiteFails() throws {
        try checkClientFails(
            "no common cipher suite", server: ["-ciphersuites", "TLS_AES_256_GCM_SHA384"], client: ["--ciphersuites", "TLS_AES_128_GCM_SHA256"],
            alert: "handshake_failure")
    }

    func testMissingClientCertificateFails() throws {
        try checkClientFails("missing client certificate", server: ["-Verify", "1", "-CAfile", try pki().client().root], alert: "certificate_required")
    }

    func testWrongCertificateAuthorityIsRefused() throws {
        let credential = try pki().server(.p256)
        let otherRoot = try pki().client().root
        let (server, port) = try startOpenSSLServer(["-tls1_3", "-cert", credential.certificate, "-key", credential.key, "-rev"])
        let client = try startTLSKitClient(port: port, ["--ca", otherRoot, "--server-name", "localhost"])
        let status = client.waitForExit(timeout: Self.stepTimeout)
        XCTAssertNotNil(status, "wrong CA: our client did not exit")
        XCTAssertNotEqual(status, 0, "wrong CA: our client should fail")
        let lines = client.standardError.split(separator: "\n")
        XCTAssertEqual(lines.count, 1, "wrong CA: expected one error line, got \(lines)")
        XCTAssertTrue(client.standardError.contains("unknown_ca"), "wrong CA: error should name unknown_ca: \(client.standardError)")
        XCTAssertTrue(server.waitFor("alert unknown ca", timeout: Self.stepTimeout), "wrong CA: s_server should receive unknown_ca")
    }
}
