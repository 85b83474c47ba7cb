import XCTest

/// Our client (`tlskit client`) against a server built on Python's `ssl` module.
final class PythonServerTests: InteropTestCase {
    /// Serves one TLS 1.3 connection on 127.0.0.1 (port printed as `port: N`) with CERT KEY,
    /// echoing until the client closes. Optional CAFILE requires a client certificate.
    private static let serverScript = """
        import socket, ssl, sys

        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.minimum_version = ssl.TLSVersion.TLSv1_3
        context.maximum_version = ssl.TLSVersion.TLSv1_3
        context.load_cert_chain(sys.argv[1], sys.argv[2])
        if len(sys.argv) > 3:
            context.verify_mode = ssl.CERT_REQUIRED
            context.load_verify_locations(sys.argv[3])
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.bind(("127.0.0.1", 0))
        listener.listen(1)
        listener.settimeout(15)
        print("port:", listener.getsockname()[1], flush=True)
        try:
            connection, _ = listener.accept()
            connection.settimeout(15)
            with context.wrap_socket(connection, server_side=True) as tls:
                print("version:", tls.version(), flush=True)
                print("cipher:", tls.cipher()[0], flush=True)
                peer = tls.getpeercert()
                if peer:
                    print("peer:", dict(item[0] for item in peer["subject"]).get("commonName"), flush=True)
                while True:
                    data = tls.recv(4096)
                    if not data:
                        break
                    tls.sendall(data)
            print("closed", flush=True)
        except Exception as error:
            print("error:", error, file=sys.stderr, flush=True)
            sys.exit(1)

        """

    @discardableResult
    private func runAgainstPythonServer(
        _ label: String, server serverArguments: [String] = [], client clientArguments: [String] = [],
        then exchange: (PeerProcess) throws -> Void = { _ in }, file: StaticString = #filePath, line: UInt = #line
    ) throws -> (server: PeerProcess, summary: [String: String]) {
        let python = try Peers.require("python3")
        let credential = try pki().server(.p256)
        let path = try script("tls_server.py", Self.serverScript)
        let server = try start(python, [path, credential.certificate, credential.key] + serverArguments, name: "python server")
        server.wait(timeout: Self.stepTimeout) { $0.standardOutput.contains("port: ") && $0.standardOutput.contains("\n") }
        guard let portLine = server.standardOutput.split(separator: "\n").first(where: { $0.hasPrefix("port: ") }),
            let port = Int(portLine.dropFirst("port: ".count))
        else {
            XCTFail("\(label): python server printed no port", file: file, line: line)
            throw XCTSkip("python server did not start")
        }
        let client = try startTLSKitClient(port: port, ["--ca", credential.root, "--server-name", "localhost"] + clientArguments)
        let summary = try summaryFields(client, file: file, line: line)
        XCTAssertEqual(summary["protocol"], "TLSv1.3", "\(label): our client's protocol", file: file, line: line)
        XCTAssertTrue(summary["peer-certificate"]?.contains(credential.organization) ?? false, "\(label): server certificate", file: file, line: line)
        let text = token(label)
        try echo(client, send: text, expect: text, label, file: file, line: line)
        try exchange(client)
        client.closeInput()
        XCTAssertEqual(client.waitForExit(timeout: Self.stepTimeout), 0, "\(label): our client did not finish cleanly", file: file, line: line)
        XCTAssertEqual(server.waitForExit(timeout: Self.stepTimeout), 0, "\(label): python server did not finish cleanly", file: file, line: line)
        XCTAssertTrue(server.standardOutput.contains("version: TLSv1.3"), "\(label): python's negotiated version", file: file, line: line)
        XCTAssertTrue(server.standardOutput.contains("cipher: \(summary["cipher"] ?? "?")"), "\(label): both sides should name the same cipher", file: file, line: line)
        return (server, summary)
    }

    func testTLSKitClientAgainstPythonServer() throws {
        try runAgainstPythonServer("python server")
    }

    func testTLSKitClientMutualTLSAgainstPythonServer() throws {
        let client = try pki().client()
        let (server, _) = try runAgainstPythonServer(
            "python server mutual TLS", server: [client.root], client: ["--cert", client.certificate, "--key", client.key])
        XCTAssertTrue(server.standardOutput.contains("peer: interop-client"), "python server mutual TLS: python did not see our client certificate")
    }

    func testBulkEchoThroughOurClient() throws {
        // 256 KiB: many full 16 KiB records in both directions.
        let lines = BulkText.lines(count: 4096)
        let blob = lines.joined(separator: "\n")
        try runAgainstPythonServer("bulk echo") { client in
            client.send(blob + "\n")
            let echoed = client.wait(timeout: Self.stepTimeout) { $0.standardOutput.contains(lines.last!) }
            try self.require(echoed, "bulk echo: the last line did not come back")
            XCTAssertTrue(client.standardOutput.contains(blob), "bulk echo: the echoed bytes differ from what was sent")
        }
    }
}
