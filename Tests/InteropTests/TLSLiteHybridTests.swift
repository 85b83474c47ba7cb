import XCTest

/// The post-quantum hybrids against tlslite-ng, a TLS stack in pure Python whose ML-KEM comes
/// from kyber-py: for each group, our client against its server and its client against our
/// server, each checking the group both sides name and an echo through the connection.
final class TLSLiteHybridTests: InteropTestCase {
    /// One tlslite-ng peer. `server GROUPS SHARES CERT KEY` serves one connection on 127.0.0.1
    /// (port printed as `port: N`) and echoes until the client closes; `client GROUPS SHARES PORT
    /// TOKEN` sends TOKEN and a newline and prints the echo. GROUPS and SHARES are tlslite's names,
    /// comma-separated; `default` keeps tlslite's own. Both print the negotiated group.
    private static let peerScript = """
        import socket, sys
        from tlslite.api import TLSConnection, HandshakeSettings, X509CertChain, parsePEMKey
        from tlslite.constants import GroupName

        role, groups, shares = sys.argv[1:4]
        settings = HandshakeSettings()
        settings.minVersion = (3, 4)
        settings.maxVersion = (3, 4)
        if groups != "default":
            settings.eccCurves = groups.split(",")
        if shares != "default":
            settings.keyShares = shares.split(",")

        def report(tls):
            print("version:", tls.version, flush=True)
            print("group:", GroupName.toRepr(tls.ecdhCurve), flush=True)

        try:
            if role == "server":
                chain = X509CertChain()
                chain.parsePemList(open(sys.argv[4]).read())
                key = parsePEMKey(open(sys.argv[5]).read(), private=True)
                listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
                listener.bind(("127.0.0.1", 0))
                listener.listen(1)
                listener.settimeout(15)
                print("port:", listener.getsockname()[1], flush=True)
                connection, _ = listener.accept()
                connection.settimeout(15)
                tls = TLSConnection(connection)
                tls.handshakeServer(certChain=chain, privateKey=key, settings=settings)
                report(tls)
                while True:
                    data = tls.recv(4096)
                    if not data:
                        break
                    tls.write(data)
                tls.close()
                print("closed", flush=True)
            else:
                connection = socket.create_connection(("127.0.0.1", int(sys.argv[4])), timeout=15)
                tls = TLSConnection(connection)
                tls.handshakeClientCert(settings=settings, serverName="localhost")
                report(tls)
                tls.write(sys.argv[5].encode() + b"\\n")
                received = b""
                while not received.endswith(b"\\n"):
                    data = tls.recv(4096)
                    if not data:
                        break
                    received += data
                print("echo:", received.decode().strip(), flush=True)
                tls.close()
        except Exception as error:
            print("error:", repr(error), file=sys.stderr, flush=True)
            sys.exit(1)

        """

    private func peer() throws -> (python: String, script: String) {
        let python = try Peers.requirePython(importing: ["tlslite", "kyber_py"])
        return (python, try script("tlslite_peer.py", Self.peerScript))
    }

    // MARK: Our client, tlslite-ng's server

    /// Runs `tlskit client ARGUMENTS` against a tlslite-ng server offering `groups` and checks
    /// that both name `expected` (ours, tlslite's).
    private func ourClient(
        _ arguments: [String], serverGroups groups: String, expected: (ours: String, tlslite: String),
        file: StaticString = #filePath, line: UInt = #line
    ) throws {
        let (python, path) = try peer()
        let credential = try pki().server(.p256)
        let server = try start(python, [path, "server", groups, groups, credential.certificate, credential.key], name: "tlslite-ng server")
        server.wait(timeout: Self.stepTimeout) { $0.standardOutput.contains("port: ") && $0.standardOutput.contains("\n") }
        guard let portLine = server.standardOutput.split(separator: "\n").first(where: { $0.hasPrefix("port: ") }),
            let port = Int(portLine.dropFirst("port: ".count))
        else {
            XCTFail("tlslite-ng server printed no port", file: file, line: line)
            throw XCTSkip("tlslite-ng server did not start")
        }
        let client = try startTLSKitClient(port: port, ["--ca", credential.root, "--server-name", "localhost"] + arguments)
        let summary = try summaryFields(client, file: file, line: line)
        XCTAssertEqual(summary["protocol"], "TLSv1.3", file: file, line: line)
        XCTAssertEqual(summary["group"], expected.ours, "our client's group", file: file, line: line)
        let text = token(expected.ours)
        try echo(client, send: text, expect: text, "echo through tlslite-ng", file: file, line: line)
        client.closeInput()
        XCTAssertEqual(client.waitForExit(timeout: Self.stepTimeout), 0, "our client did not finish cleanly", file: file, line: line)
        XCTAssertEqual(server.waitForExit(timeout: Self.stepTimeout), 0, "tlslite-ng server did not finish cleanly", file: file, line: line)
        XCTAssertTrue(server.standardOutput.contains("group: \(expected.tlslite)\n"), "tlslite-ng's group", file: file, line: line)
    }

    func testOurClientAgainstTLSLiteServerX25519MLKEM768() throws {
        try ourClient(["--groups", "X25519MLKEM768"], serverGroups: "x25519mlkem768", expected: ("X25519MLKEM768", "x25519mlkem768"))
    }

    func testOurClientAgainstTLSLiteServerSecP256r1MLKEM768() throws {
        try ourClient(
            ["--groups", "SecP256r1MLKEM768"], serverGroups: "secp256r1mlkem768", expected: ("SecP256r1MLKEM768", "secp256r1mlkem768"))
    }

    func testOurClientAgainstTLSLiteServerSecP384r1MLKEM1024() throws {
        try ourClient(
            ["--groups", "SecP384r1MLKEM1024"], serverGroups: "secp384r1mlkem1024", expected: ("SecP384r1MLKEM1024", "secp384r1mlkem1024"))
    }

    func testOurDefaultClientAgainstTLSLiteDefaultsUsesX25519MLKEM768() throws {
        try ourClient([], serverGroups: "default", expected: ("X25519MLKEM768", "x25519mlkem768"))
    }

    // MARK: tlslite-ng's client, our server

    /// Runs a tlslite-ng client offering `groups` with shares for `shares` against
    /// `tlskit server ARGUMENTS` and checks that both name `expected` (ours, tlslite's).
    @discardableResult
    private func tlsliteClient(
        groups: String, shares: String, server arguments: [String], expected: (ours: String, tlslite: String),
        file: StaticString = #filePath, line: UInt = #line
    ) throws -> [String: String] {
        let (python, path) = try peer()
        let credential = try pki().server(.p256)
        let (server, port) = try startTLSKitServer(["--cert", credential.certificate, "--key", credential.key] + arguments, file: file, line: line)
        let text = token(expected.tlslite)
        let client = try start(python, [path, "client", groups, shares, String(port), text], name: "tlslite-ng client")
        XCTAssertEqual(client.waitForExit(timeout: Self.stepTimeout), 0, "tlslite-ng client did not finish cleanly", file: file, line: line)
        XCTAssertTrue(client.standardOutput.contains("version: (3, 4)"), "tlslite-ng's version", file: file, line: line)
        XCTAssertTrue(client.standardOutput.contains("group: \(expected.tlslite)\n"), "tlslite-ng's group", file: file, line: line)
        XCTAssertTrue(client.standardOutput.contains("echo: \(text)"), "the echo through our server", file: file, line: line)
        let fields = try acceptedFields(server, file: file, line: line)
        XCTAssertEqual(fields["protocol"], "TLSv1.3", file: file, line: line)
        XCTAssertEqual(fields["group"], expected.ours, "our server's group", file: file, line: line)
        return fields
    }

    func testTLSLiteClientAgainstOurServerX25519MLKEM768() throws {
        try tlsliteClient(
            groups: "x25519mlkem768", shares: "x25519mlkem768", server: ["--groups", "X25519MLKEM768"],
            expected: ("X25519MLKEM768", "x25519mlkem768"))
    }

    func testTLSLiteClientAgainstOurServerSecP256r1MLKEM768() throws {
        try tlsliteClient(
            groups: "secp256r1mlkem768", shares: "secp256r1mlkem768", server: ["--groups", "SecP256r1MLKEM768"],
            expected: ("SecP256r1MLKEM768", "secp256r1mlkem768"))
    }

    func testTLSLiteClientAgainstOurServerSecP384r1MLKEM1024() throws {
        try tlsliteClient(
            groups: "secp384r1mlkem1024", shares: "secp384r1mlkem1024", server: ["--groups", "SecP384r1MLKEM1024"],
            expected: ("SecP384r1MLKEM1024", "secp384r1mlkem1024"))
    }

    func testTLSLiteDefaultsAgainstOurDefaultServerUseX25519MLKEM768() throws {
        try tlsliteClient(groups: "default", shares: "default", server: [], expected: ("X25519MLKEM768", "x25519mlkem768"))
    }

    /// A client that shares only X25519 gets X25519 from our default server, and is asked for the
    /// hybrid (HelloRetryRequest) by one told to require its preferred group.
    func testTLSLiteClientSharingX25519IsAskedForTheHybridOnlyWhenOurServerRequiresIt() throws {
        try tlsliteClient(groups: "x25519mlkem768,x25519", shares: "x25519", server: [], expected: ("x25519", "x25519"))
        try tlsliteClient(
            groups: "x25519mlkem768,x25519", shares: "x25519", server: ["--require-preferred-group"],
            expected: ("X25519MLKEM768", "x25519mlkem768"))
    }
}
