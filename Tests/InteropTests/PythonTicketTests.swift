import Foundation
import XCTest

/// Session tickets and resumption between our peers and Python's `ssl` module (OpenSSL inside):
/// resumption with `session=`, tickets after post-handshake authentication that carry the
/// client's certificate, and `SSLContext.num_tickets` on a Python server.
final class PythonTicketTests: InteropTestCase {
    /// Makes CONNECTIONS connections to 127.0.0.1:PORT (TLS 1.3, verifying `localhost` against
    /// CAFILE), each resuming the session the previous one ended with, and echoes TEXT on each.
    /// With CERT KEY the client offers post-handshake authentication and echoes twice, so that
    /// the server's CertificateRequest is answered and the tickets after it are read before the
    /// session is taken.
    private static let clientScript = """
        import socket, ssl, sys

        port, cafile, text, connections = int(sys.argv[1]), sys.argv[2], sys.argv[3], int(sys.argv[4])
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.minimum_version = ssl.TLSVersion.TLSv1_3
        context.load_verify_locations(cafile)
        exchanges = 1
        if len(sys.argv) > 6:
            context.load_cert_chain(sys.argv[5], sys.argv[6])
            context.post_handshake_auth = True
            exchanges = 2

        def echo(tls, line):
            tls.sendall((line + "\\n").encode())
            received = b""
            while not received.endswith(b"\\n"):
                chunk = tls.recv(4096)
                if not chunk:
                    break
                received += chunk
            return received.decode().strip()

        session = None
        try:
            for index in range(connections):
                with socket.create_connection(("127.0.0.1", port), timeout=10) as raw:
                    with context.wrap_socket(raw, server_hostname="localhost", session=session) as tls:
                        print(f"connection {index}: version={tls.version()} reused={tls.session_reused}", flush=True)
                        # Tickets (and a post-handshake CertificateRequest) are processed while reading.
                        for exchange in range(exchanges):
                            print(f"connection {index}: echo={echo(tls, f'{text}-{index}-{exchange}')}", flush=True)
                        session = tls.session
                        print(f"connection {index}: ticket={session is not None and session.has_ticket}", flush=True)
                        tls.unwrap()
        except Exception as error:
            print("error:", error, file=sys.stderr, flush=True)
            sys.exit(1)

        """

    /// Serves CONNECTIONS TLS 1.3 connections in turn on 127.0.0.1 (port printed as `port: N`)
    /// with CERT KEY and `num_tickets = TICKETS`, echoing each until the client closes.
    private static let serverScript = """
        import socket, ssl, sys

        certfile, keyfile, tickets, connections = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.minimum_version = ssl.TLSVersion.TLSv1_3
        context.maximum_version = ssl.TLSVersion.TLSv1_3
        context.load_cert_chain(certfile, keyfile)
        context.num_tickets = tickets
        listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        listener.bind(("127.0.0.1", 0))
        listener.listen(connections)
        listener.settimeout(15)
        print("port:", listener.getsockname()[1], flush=True)
        try:
            for index in range(connections):
                connection, _ = listener.accept()
                connection.settimeout(15)
                with context.wrap_socket(connection, server_side=True) as tls:
                    print(f"connection {index}: version={tls.version()} reused={tls.session_reused}", flush=True)
                    try:
                        while True:
                            data = tls.recv(4096)
                            if not data:
                                break
                            tls.sendall(data)
                    except (ssl.SSLEOFError, ConnectionResetError) as error:
                        print(f"connection {index}: ended without close_notify: {error}", flush=True)
        except Exception as error:
            print("error:", error, file=sys.stderr, flush=True)
            sys.exit(1)

        """

    // MARK: Python client against our server

    /// Runs the Python client for `connections` connections against our server started with
    /// `serverArguments`, and returns our server with its `accepted:` fields per connection.
    private func runPythonClient(
        _ label: String, connections: Int, server serverArguments: [String] = [], client clientArguments: [String] = [],
        file: StaticString = #filePath, line: UInt = #line
    ) throws -> (client: PeerProcess, server: PeerProcess, accepted: [[String: String]]) {
        let python = try Peers.require("python3")
        let credential = try pki().server(.p256)
        let path = try script("ticket_client.py", Self.clientScript)
        let (server, port) = try startTLSKitServer(["--cert", credential.certificate, "--key", credential.key] + serverArguments)
        let text = token(label)
        let client = try start(python, [path, "\(port)", credential.root, text, "\(connections)"] + clientArguments, name: "python client")
        let status = client.waitForExit(timeout: Self.stepTimeout)
        try require(
            status == 0, "\(label): python client failed (status \(status.map(String.init) ?? "timeout")): \(client.standardError)", file: file,
            line: line)
        // With a client certificate the script echoes twice per connection.
        let exchanges = clientArguments.isEmpty ? 1 : 2
        for index in 0..<connections {
            for exchange in 0..<exchanges {
                XCTAssertTrue(
                    client.standardOutput.contains("connection \(index): echo=\(text)-\(index)-\(exchange)\n"),
                    "\(label): echo \(exchange) missing on connection \(index)", file: file, line: line)
            }
        }
        return (client, server, try acceptedConnections(server, count: connections, file: file, line: line))
    }

    func testPythonClientResumesWithTheSessionOfItsFirstConnection() throws {
        let (client, server, accepted) = try runPythonClient("python resumption", connections: 2)
        XCTAssertTrue(client.standardOutput.contains("connection 0: version=TLSv1.3 reused=False"), "python resumption: first connection")
        XCTAssertTrue(client.standardOutput.contains("connection 0: ticket=True"), "python resumption: python kept no ticket")
        XCTAssertTrue(
            client.standardOutput.contains("connection 1: version=TLSv1.3 reused=True"), "python resumption: session_reused on the second connection")
        XCTAssertEqual(accepted.map { $0["resumed"] }, ["no", "yes"], "python resumption: our server's view")
        XCTAssertEqual(ticketsIssued(by: server, onConnection: 0), 2, "python resumption: default ticket count")
        XCTAssertEqual(ticketsIssued(by: server, onConnection: 1), 1, "python resumption: one ticket after a resumption")
    }

    func testTicketsAfterPostHandshakeAuthenticationResumeWithTheClientCertificate() throws {
        let label = "post-handshake authentication"
        let identity = try pki().client()
        let (client, server, accepted) = try runPythonClient(
            label, connections: 2, server: ["--request-cert-after-handshake", "--ca", identity.root], client: [identity.certificate, identity.key])
        // The second connection resumes with a ticket Python received after authenticating; its
        // `accepted:` line is logged when the resumed handshake completes, before any new request.
        XCTAssertEqual(accepted[0]["peer-certificate"], "none", "\(label): no certificate in the first handshake")
        XCTAssertTrue(client.standardOutput.contains("connection 1: version=TLSv1.3 reused=True"), "\(label): python did not resume")
        XCTAssertEqual(accepted[1]["resumed"], "yes", "\(label): our server did not resume")
        XCTAssertTrue(
            accepted[1]["peer-certificate"]?.contains("CN=interop-client") ?? false,
            "\(label): the resumed session lost the client certificate: \(accepted[1]["peer-certificate"] ?? "nil")")
        // Our server's log of the first connection: the handshake's tickets, the client's
        // certificate, then as many tickets again, bound to it.
        let firstConnection = serverLog(server, connection: 0)
        guard let authenticated = firstConnection.firstIndex(where: { $0.hasPrefix("client-authenticated:") }) else {
            return XCTFail("\(label): our server logged no `client-authenticated:` line:\n\(server.standardError)")
        }
        XCTAssertTrue(firstConnection[authenticated].contains("CN=interop-client"), "\(label): \(firstConnection[authenticated])")
        XCTAssertEqual(firstConnection[..<authenticated].filter { $0 == "ticket-issued" }.count, 2, "\(label): tickets after the handshake")
        XCTAssertEqual(
            firstConnection[authenticated...].filter { $0 == "ticket-issued" }.count, 2, "\(label): tickets after the client's certificate")
    }

    func testClientWithoutPostHandshakeAuthenticationKeepsItsConnection() throws {
        // RFC 8446 §4.6.2: no CertificateRequest to a client that did not offer post_handshake_auth;
        // the server's request is refused and the connection carries on.
        let (_, server, accepted) = try runPythonClient(
            "no post_handshake_auth", connections: 2, server: ["--request-cert-after-handshake", "--ca", try pki().client().root])
        XCTAssertEqual(accepted.map { $0["resumed"] }, ["no", "yes"], "no post_handshake_auth: our server's view")
        XCTAssertTrue(server.standardErrorLines(startingWith: "client-authenticated:").isEmpty, "no post_handshake_auth: nobody authenticated")
        XCTAssertTrue(server.standardErrorLines(startingWith: "connection error:").isEmpty, "no post_handshake_auth:\n\(server.standardError)")
    }

    // MARK: Our client against a Python server

    /// `SSLContext.num_tickets = N` on a Python server and `tlskit client --reconnect 1`: N
    /// tickets, and the second connection resumes (Python reports `session_reused`) when N ≥ 1.
    private func checkPythonServer(ticketCount count: Int, file: StaticString = #filePath, line: UInt = #line) throws {
        let label = "python server num_tickets = \(count)"
        let credential = try pki().server(.p256)
        let path = try script("ticket_server.py", Self.serverScript)
        let (server, port) = try startPythonServer(path, [credential.certificate, credential.key, "\(count)", "2"], file: file, line: line)
        let connections = try runTLSKitClient(
            port: port, ["--ca", credential.root, "--server-name", "localhost", "--reconnect", "1"], label, file: file, line: line)
        try require(connections.count == 2, "\(label): expected two connection summaries, got \(connections)", file: file, line: line)
        XCTAssertEqual(connections[0]["resumed"], "no", "\(label): first connection", file: file, line: line)
        XCTAssertEqual(connections[0]["tickets"], "\(count)", "\(label): tickets after the full handshake", file: file, line: line)
        XCTAssertEqual(connections[1]["resumed"], count > 0 ? "yes" : "no", "\(label): second connection", file: file, line: line)
        XCTAssertEqual(connections[1]["tickets"], count > 0 ? "1" : "0", "\(label): tickets on the second connection", file: file, line: line)
        XCTAssertEqual(server.waitForExit(timeout: Self.stepTimeout), 0, "\(label): python server did not finish cleanly", file: file, line: line)
        XCTAssertTrue(
            server.standardOutput.contains("connection 1: version=TLSv1.3 reused=\(count > 0 ? "True" : "False")"),
            "\(label): python's session_reused",
            file: file, line: line)
    }

    func testPythonServerWithNoTickets() throws { try checkPythonServer(ticketCount: 0) }
    func testPythonServerWithOneTicket() throws { try checkPythonServer(ticketCount: 1) }
    func testPythonServerWithTwoTickets() throws { try checkPythonServer(ticketCount: 2) }
    func testPythonServerWithFiveTickets() throws { try checkPythonServer(ticketCount: 5) }
}
