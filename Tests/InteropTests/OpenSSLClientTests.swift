import XCTest

/// Our server (`tlskit server`) against `openssl s_client -tls1_3` on loopback.
final class OpenSSLClientTests: InteropTestCase {
    /// The result of one s_client connection to our server.
    private struct Connection {
        let client: PeerProcess
        let server: PeerProcess
        let accepted: [String: String]
    }

    /// Starts our server with the `type` certificate and `serverArguments`, connects s_client
    /// with `clientArguments`, checks the handshake verified and a line echoes both ways, runs
    /// `exchange`, then closes s_client's input so it sends close_notify and exits.
    @discardableResult
    private func connect(
        _ label: String, type: KeyType = .p256, server serverArguments: [String] = [], client clientArguments: [String] = [],
        then exchange: (PeerProcess) throws -> Void = { _ in }, file: StaticString = #filePath, line: UInt = #line
    ) throws -> Connection {
        let credential = try pki().server(type)
        let (server, port) = try startTLSKitServer(["--cert", credential.certificate, "--key", credential.key] + serverArguments)
        let client = try startOpenSSLClient(port: port, root: credential.root, ["-tls1_3"] + clientArguments)
        try require(client.waitFor("Verify return code", timeout: Self.stepTimeout), "\(label): s_client did not complete the handshake", file: file, line: line)
        XCTAssertTrue(client.standardOutput.contains("Verify return code: 0 (ok)"), "\(label): s_client did not verify our certificate", file: file, line: line)
        XCTAssertTrue(client.standardOutput.contains(credential.organization), "\(label): s_client did not see the \(type.rawValue) certificate", file: file, line: line)
        let text = token(label)
        try echo(client, send: text, expect: text, label, file: file, line: line)
        let accepted = try acceptedFields(server, file: file, line: line)
        XCTAssertEqual(accepted["protocol"], "TLSv1.3", "\(label): protocol in our accepted line", file: file, line: line)
        try exchange(client)
        client.closeInput()
        XCTAssertEqual(client.waitForExit(timeout: Self.stepTimeout), 0, "\(label): s_client did not finish cleanly", file: file, line: line)
        return Connection(client: client, server: server, accepted: accepted)
    }

    // MARK: Cipher suites

    private func checkCipherSuite(_ suite: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let connection = try connect(suite, client: ["-ciphersuites", suite], file: file, line: line)
        XCTAssertTrue(connection.client.standardOutput.contains("TLSv1.3, Cipher is \(suite)"), "\(suite): s_client's negotiated cipher", file: file, line: line)
        XCTAssertEqual(connection.accepted["cipher"], suite, "\(suite): our server's negotiated cipher", file: file, line: line)
    }

    func testCipherSuiteAES128GCMSHA256() throws { try checkCipherSuite("TLS_AES_128_GCM_SHA256") }
    func testCipherSuiteAES256GCMSHA384() throws { try checkCipherSuite("TLS_AES_256_GCM_SHA384") }
    func testCipherSuiteChaCha20Poly1305SHA256() throws { try checkCipherSuite("TLS_CHACHA20_POLY1305_SHA256") }

    // MARK: Groups

    private func checkGroup(_ opensslName: String, ours: String, temporaryKey: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let connection = try connect(opensslName, client: ["-groups", opensslName], file: file, line: line)
        XCTAssertEqual(connection.accepted["group"], ours, "\(opensslName): our server's negotiated group", file: file, line: line)
        XCTAssertTrue(
            connection.client.standardOutput.contains("Server Temp Key: \(temporaryKey)"), "\(opensslName): s_client's key exchange", file: file,
            line: line)
    }

    func testGroupX25519() throws { try checkGroup("X25519", ours: "x25519", temporaryKey: "X25519") }
    func testGroupP256() throws { try checkGroup("P-256", ours: "secp256r1", temporaryKey: "ECDH, prime256v1") }
    func testGroupP384() throws { try checkGroup("P-384", ours: "secp384r1", temporaryKey: "ECDH, secp384r1") }

    // MARK: Certificate types

    private func checkCertificate(
        _ type: KeyType, signatureType: String, digest: String?, file: StaticString = #filePath, line: UInt = #line
    ) throws {
        let connection = try connect(type.rawValue, type: type, file: file, line: line)
        XCTAssertTrue(
            connection.client.standardOutput.contains("Peer signature type: \(signatureType)\n"),
            "\(type.rawValue): s_client's view of our CertificateVerify", file: file, line: line)
        if let digest {
            XCTAssertTrue(
                connection.client.standardOutput.contains("Peer signing digest: \(digest)\n"),
                "\(type.rawValue): s_client's view of our CertificateVerify digest", file: file, line: line)
        }
    }

    func testCertificateECDSAP256() throws { try checkCertificate(.p256, signatureType: "ECDSA", digest: "SHA256") }
    func testCertificateECDSAP384() throws { try checkCertificate(.p384, signatureType: "ECDSA", digest: "SHA384") }
    func testCertificateEd25519() throws { try checkCertificate(.ed25519, signatureType: "ed25519", digest: nil) }
    func testCertificateRSA2048() throws { try checkCertificate(.rsa, signatureType: "RSA-PSS", digest: "SHA256") }

    // MARK: Mutual TLS

    func testMutualTLS() throws {
        let client = try pki().client()
        let connection = try connect(
            "mutual TLS", server: ["--verify-client", "required", "--ca", client.root], client: ["-cert", client.certificate, "-key", client.key])
        XCTAssertTrue(
            connection.accepted["peer-certificate"]?.contains("interop-client") ?? false,
            "mutual TLS: our server did not report the client certificate: \(connection.accepted)")
    }

    private func checkClientCertificate(_ type: KeyType, file: StaticString = #filePath, line: UInt = #line) throws {
        let client = try pki().client(type)
        let label = "mutual TLS with a \(type.rawValue) client certificate"
        let connection = try connect(
            label, server: ["--verify-client", "required", "--ca", client.root], client: ["-cert", client.certificate, "-key", client.key],
            file: file, line: line)
        XCTAssertTrue(
            connection.accepted["peer-certificate"]?.contains("interop-client-\(type.slug)") ?? false,
            "\(label): our server did not report the client certificate: \(connection.accepted)", file: file, line: line)
    }

    func testMutualTLSClientCertificateECDSAP384() throws { try checkClientCertificate(.p384) }
    func testMutualTLSClientCertificateEd25519() throws { try checkClientCertificate(.ed25519) }
    func testMutualTLSClientCertificateRSA2048() throws { try checkClientCertificate(.rsa) }

    func testOptionalClientAuthenticationWithoutCertificate() throws {
        let connection = try connect("optional client certificate", server: ["--verify-client", "optional", "--ca", try pki().client().root])
        XCTAssertEqual(connection.accepted["peer-certificate"], "none", "optional client certificate: none was sent")
    }

    /// Starts our server requiring client certificates issued by `clientRoot` (the client CA by
    /// default), connects s_client with `clientArguments`, and checks that s_client receives
    /// `alert` and our server logs `reason` and accepts nothing.
    private func checkClientRefused(
        _ label: String, trusting clientRoot: String? = nil, client clientArguments: [String], alert: String, reason: String,
        file: StaticString = #filePath, line: UInt = #line
    ) throws {
        let credential = try pki().server(.p256)
        let clientRoot = try clientRoot ?? pki().client().root
        let (server, port) = try startTLSKitServer(
            ["--cert", credential.certificate, "--key", credential.key, "--verify-client", "required", "--ca", clientRoot])
        let client = try startOpenSSLClient(port: port, root: credential.root, ["-tls1_3"] + clientArguments)
        XCTAssertTrue(client.waitFor("alert \(alert)", timeout: Self.stepTimeout), "\(label): s_client did not receive \(alert)", file: file, line: line)
        let logged = server.wait(timeout: Self.stepTimeout) {
            $0.standardErrorLines(startingWith: "connection error:").contains { $0.contains(reason) }
        }
        XCTAssertTrue(logged, "\(label): our server logged no connection error naming \(reason)", file: file, line: line)
        XCTAssertTrue(server.standardErrorLines(startingWith: "accepted:").isEmpty, "\(label): our server accepted", file: file, line: line)
        client.closeInput()
        XCTAssertNotNil(client.waitForExit(timeout: Self.stepTimeout), "\(label): s_client did not exit after the alert", file: file, line: line)
    }

    func testUntrustedClientCertificateIsRefused() throws {
        // Our server trusts only the P-384 server root, which did not issue the client certificate.
        let client = try pki().client()
        try checkClientRefused(
            "untrusted client certificate", trusting: try pki().server(.p384).root, client: ["-cert", client.certificate, "-key", client.key],
            alert: "unknown ca", reason: "unknown_ca")
    }

    func testMutualTLSRequiredWithoutCertificateFails() throws {
        try checkClientRefused("required client certificate missing", client: [], alert: "certificate required", reason: "certificate_required")
    }

    // MARK: HelloRetryRequest

    func testHelloRetryRequestForP384() throws {
        let connection = try connect("HelloRetryRequest", server: ["--groups", "secp384r1"], client: ["-groups", "X25519:P-384", "-msg"])
        XCTAssertEqual(connection.accepted["group"], "secp384r1", "HelloRetryRequest: negotiated group")
        let clientHellos = connection.client.standardOutput.split(separator: "\n").filter { $0.hasPrefix(">>>") && $0.hasSuffix("ClientHello") }
        XCTAssertEqual(clientHellos.count, 2, "HelloRetryRequest: s_client should have sent a second ClientHello")
    }

    // MARK: ALPN

    func testALPN() throws {
        let connection = try connect("ALPN", server: ["--alpn", "h2,http/1.1"], client: ["-alpn", "http/1.1"])
        XCTAssertTrue(connection.client.standardOutput.contains("ALPN protocol: http/1.1"), "ALPN: s_client's negotiated protocol")
        XCTAssertEqual(connection.accepted["alpn"], "http/1.1", "ALPN: our server's negotiated protocol")
    }

    // MARK: Record layer and fragmentation

    func testRecordPaddingFromOpenSSL() throws {
        try connect("record padding", client: ["-record_padding", "256"])
    }

    func testHandshakeMessagesFragmentedByOpenSSL() throws {
        // 512-byte records split s_client's RSA Certificate and CertificateVerify across records.
        let client = try pki().client(.rsa)
        try connect(
            "fragmented client flight", server: ["--verify-client", "required", "--ca", client.root],
            client: ["-cert", client.certificate, "-key", client.key, "-max_send_frag", "512"])
    }

    // MARK: Beyond the handshake

    func testKeyUpdateRequestedByOpenSSL() throws {
        try connect("KeyUpdate", client: ["-msg"]) { client in
            // A line `K` makes s_client send KeyUpdate(update_requested); we must answer with ours.
            client.send("K\n")
            let answered = client.wait(timeout: Self.stepTimeout) { $0.standardOutput.contains("<<< TLS 1.3, Handshake [length 0005], KeyUpdate") }
            try self.require(answered, "KeyUpdate: our server did not answer update_requested with its own KeyUpdate")
            let text = self.token("after-key-update")
            try self.echo(client, send: text, expect: text, "KeyUpdate: echo under the new keys")
        }
    }

    func testBulkEchoAcrossManyRecords() throws {
        // 256 KiB: many full 16 KiB records in both directions.
        let lines = BulkText.lines(count: 4096)
        let blob = lines.joined(separator: "\n")
        try connect("bulk echo") { client in
            client.send(blob + "\n")
            let echoed = client.wait(timeout: Self.stepTimeout) { $0.standardOutput.contains(lines.last!) }
            try self.require(echoed, "bulk echo: the last line did not come back")
            XCTAssertTrue(client.standardOutput.contains(blob), "bulk echo: the echoed bytes differ from what was sent")
        }
    }
}
