import XCTest

/// Our server (`tlskit server`) against a client built on Python's `ssl` module.
final class PythonClientTests: InteropTestCase {
    /// Connects to 127.0.0.1:PORT verifying `localhost` against CAFILE, TLS 1.3 only, sends
    /// TEXT, prints what was negotiated and the echoed line. Optional CERT KEY for mutual TLS.
    private static let clientScript = """
        import socket, ssl, sys

        port, cafile, text = int(sys.argv[1]), sys.argv[2], sys.argv[3]
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.minimum_version = ssl.TLSVersion.TLSv1_3
        context.load_verify_locations(cafile)
        if len(sys.argv) > 5:
            context.load_cert_chain(sys.argv[4], sys.argv[5])
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
                with context.wrap_socket(raw, server_hostname="localhost") as tls:
                    print("version:", tls.version(), flush=True)
                    print("cipher:", tls.cipher()[0], flush=True)
                    tls.sendall((text + "\\n").encode())
                    received = b""
                    while not received.endswith(b"\\n"):
                        chunk = tls.recv(4096)
                        if not chunk:
                            break
                        received += chunk
                    print("echo:", received.decode().strip(), flush=True)
        except Exception as error:
            print("error:", error, file=sys.stderr, flush=True)
            sys.exit(1)

        """

    private func runPythonClient(
        _ label: String, server serverArguments: [String] = [], client clientArguments: [String] = [],
        file: StaticString = #filePath, line: UInt = #line
    ) throws -> (client: PeerProcess, accepted: [String: String]) {
        let python = try Peers.require("python3")
        let credential = try pki().server(.p256)
        let path = try script("tls_client.py", Self.clientScript)
        let (server, port) = try startTLSKitServer(["--cert", credential.certificate, "--key", credential.key] + serverArguments)
        let text = token(label)
        let client = try start(python, [path, "\(port)", credential.root, text] + clientArguments, name: "python client")
        let status = client.waitForExit(timeout: Self.stepTimeout)
        try require(status == 0, "\(label): python client failed (status \(status.map(String.init) ?? "timeout")): \(client.standardError)", file: file, line: line)
        XCTAssertTrue(client.standardOutput.contains("version: TLSv1.3"), "\(label): python's negotiated version", file: file, line: line)
        XCTAssertTrue(client.standardOutput.contains("echo: \(text)"), "\(label): `\(text)` did not come back", file: file, line: line)
        let accepted = try acceptedFields(server, file: file, line: line)
        XCTAssertEqual(accepted["protocol"], "TLSv1.3", "\(label): our server's protocol", file: file, line: line)
        let pythonCipher = client.standardOutput.split(separator: "\n").first { $0.hasPrefix("cipher: ") }?.dropFirst("cipher: ".count)
        XCTAssertNotNil(pythonCipher, "\(label): python printed no cipher", file: file, line: line)
        XCTAssertEqual(pythonCipher.map(String.init), accepted["cipher"], "\(label): both sides should name the same cipher", file: file, line: line)
        return (client, accepted)
    }

    func testPythonClientEcho() throws {
        let (_, accepted) = try runPythonClient("python client")
        XCTAssertEqual(accepted["peer-certificate"], "none", "python client: no client certificate was sent")
    }

    func testPythonClientMutualTLS() throws {
        let client = try pki().client()
        let (_, accepted) = try runPythonClient(
            "python mutual TLS", server: ["--verify-client", "required", "--ca", client.root], client: [client.certificate, client.key])
        XCTAssertTrue(
            accepted["peer-certificate"]?.contains("interop-client") ?? false, "python mutual TLS: our server did not report the client certificate")
    }
}
