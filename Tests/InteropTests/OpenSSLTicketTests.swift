import Foundation
import XCTest

/// Session tickets and resumption between our peers and OpenSSL's, as SSL_CTX_set_num_tickets(3)
/// describes them: N tickets after a full handshake, at most one after a resumption, none at all
/// for N = 0, and one more for each ticket the server application asks for.
final class OpenSSLTicketTests: InteropTestCase {
    // MARK: openssl s_client against our server

    /// Connects `openssl s_client -tls1_3 -msg` to our server, waits for its handshake, echoes a
    /// line (tickets sent after the handshake arrive before it), runs `exchange`, then closes
    /// s_client's input so that it sends close_notify and exits on its own (which also leaves
    /// its `-sess_out` file complete).
    private func runOpenSSLClient(
        port: Int, root: String, _ arguments: [String], _ label: String, file: StaticString = #filePath, line: UInt = #line,
        then exchange: (PeerProcess) throws -> Void = { _ in }
    ) throws -> PeerProcess {
        let client = try startOpenSSLClient(port: port, root: root, ["-tls1_3", "-msg"] + arguments)
        try require(
            client.waitFor("Verify return code", timeout: Self.stepTimeout), "\(label): s_client did not complete the handshake", file: file,
            line: line)
        XCTAssertTrue(
            client.standardOutput.contains("Verify return code: 0 (ok)"), "\(label): s_client did not verify our certificate", file: file, line: line)
        let text = token(label)
        try echo(client, send: text, expect: text, label, file: file, line: line)
        try exchange(client)
        client.closeInput()
        XCTAssertEqual(client.waitForExit(timeout: Self.stepTimeout), 0, "\(label): s_client did not finish cleanly", file: file, line: line)
        return client
    }

    /// `tlskit server --num-tickets N`: s_client counts N tickets after the full handshake; with
    /// the session it saved it resumes ("Reused") and gets exactly one more. With N = 0 there is
    /// no session to save, and the next connection is a full handshake with no ticket either.
    private func checkOpenSSLClientResumption(ticketCount count: Int, file: StaticString = #filePath, line: UInt = #line) throws {
        let label = "s_client, --num-tickets \(count)"
        let credential = try pki().server(.p256)
        let (server, port) = try startTLSKitServer(["--cert", credential.certificate, "--key", credential.key, "--num-tickets", "\(count)"])
        let sessionFile = try pki().path("s_client-session-\(count)-\(UUID().uuidString).pem")

        let first = try runOpenSSLClient(
            port: port, root: credential.root, ["-sess_out", sessionFile], "\(label), first connection", file: file, line: line)
        XCTAssertTrue(
            first.standardOutput.contains("New, TLSv1.3"), "\(label): the first connection should be a full handshake", file: file, line: line)
        XCTAssertEqual(
            Self.receivedTicketCount(inOpenSSLOutput: first.standardOutput), count, "\(label): NewSessionTickets after the full handshake",
            file: file, line: line)
        let sessionSaved = FileManager.default.fileExists(atPath: sessionFile)
        XCTAssertEqual(sessionSaved, count > 0, "\(label): s_client saves a session exactly when it got a ticket", file: file, line: line)

        let second = try runOpenSSLClient(
            port: port, root: credential.root, sessionSaved ? ["-sess_in", sessionFile] : [], "\(label), second connection", file: file, line: line)
        let accepted = try acceptedConnections(server, count: 2, file: file, line: line)
        XCTAssertEqual(accepted[0]["resumed"], "no", "\(label): our server's first connection", file: file, line: line)
        XCTAssertEqual(
            ticketsIssued(by: server, onConnection: 0), count, "\(label): `ticket-issued` lines for the full handshake", file: file, line: line)
        let expectedAfterResumption = count > 0 ? 1 : 0
        XCTAssertEqual(
            Self.receivedTicketCount(inOpenSSLOutput: second.standardOutput), expectedAfterResumption,
            "\(label): NewSessionTickets on the second connection", file: file, line: line)
        XCTAssertEqual(
            ticketsIssued(by: server, onConnection: 1), expectedAfterResumption, "\(label): `ticket-issued` lines for the second connection",
            file: file, line: line)
        if count > 0 {
            XCTAssertTrue(second.standardOutput.contains("Reused, TLSv1.3"), "\(label): s_client did not resume", file: file, line: line)
            XCTAssertEqual(accepted[1]["resumed"], "yes", "\(label): our server's second connection", file: file, line: line)
        } else {
            XCTAssertTrue(
                second.standardOutput.contains("New, TLSv1.3"), "\(label): without a ticket s_client makes a full handshake", file: file, line: line)
            XCTAssertEqual(accepted[1]["resumed"], "no", "\(label): our server's second connection", file: file, line: line)
        }
    }

    func testOpenSSLClientWithNoTickets() throws { try checkOpenSSLClientResumption(ticketCount: 0) }
    func testOpenSSLClientWithOneTicket() throws { try checkOpenSSLClientResumption(ticketCount: 1) }
    func testOpenSSLClientWithTwoTickets() throws { try checkOpenSSLClientResumption(ticketCount: 2) }
    func testOpenSSLClientWithFiveTickets() throws { try checkOpenSSLClientResumption(ticketCount: 5) }

    /// `ticket` typed on our server's stdin sends one NewSessionTicket per command to the live
    /// s_client (like `SSL_new_session_ticket` then `SSL_do_handshake`), without any data written.
    private func checkTicketCommand(ticketCount count: Int, commands: Int, file: StaticString = #filePath, line: UInt = #line) throws -> (
        server: PeerProcess, root: String, port: Int, sessionFile: String
    ) {
        let label = "`ticket` command, --num-tickets \(count)"
        let credential = try pki().server(.p256)
        let (server, port) = try startTLSKitServer(["--cert", credential.certificate, "--key", credential.key, "--num-tickets", "\(count)"])
        let sessionFile = try pki().path("command-session-\(count)-\(UUID().uuidString).pem")
        _ = try runOpenSSLClient(port: port, root: credential.root, ["-sess_out", sessionFile], label, file: file, line: line) { client in
            XCTAssertEqual(
                Self.receivedTicketCount(inOpenSSLOutput: client.standardOutput), count, "\(label): tickets after the handshake", file: file,
                line: line)
            for index in 1...commands {
                server.send("ticket\n")
                let arrived = client.wait(timeout: Self.stepTimeout) { Self.receivedTicketCount(inOpenSSLOutput: $0.standardOutput) >= count + index }
                try self.require(arrived, "\(label): command \(index) brought no NewSessionTicket", file: file, line: line)
            }
            let text = self.token("after-ticket-command")
            try self.echo(client, send: text, expect: text, "\(label): echo after the commands", file: file, line: line)
            XCTAssertEqual(
                Self.receivedTicketCount(inOpenSSLOutput: client.standardOutput), count + commands, "\(label): one ticket per command",
                file: file, line: line)
        }
        XCTAssertEqual(
            server.standardErrorLines(startingWith: "command: ticket sent to 1 connection(s)").count, commands, "\(label): commands logged",
            file: file, line: line)
        XCTAssertEqual(ticketsIssued(by: server, onConnection: 0), count + commands, "\(label): `ticket-issued` lines", file: file, line: line)
        return (server, credential.root, port, sessionFile)
    }

    func testTicketCommandSendsATicketThatResumes() throws {
        // With --num-tickets 0 the only ticket is the one the command sends: s_client resumes with it.
        let (server, root, port, sessionFile) = try checkTicketCommand(ticketCount: 0, commands: 1)
        let resumed = try runOpenSSLClient(port: port, root: root, ["-sess_in", sessionFile], "resumption with the commanded ticket")
        XCTAssertTrue(resumed.standardOutput.contains("Reused, TLSv1.3"), "s_client did not resume with the ticket the command sent")
        XCTAssertEqual(try acceptedConnections(server, count: 2)[1]["resumed"], "yes", "our server's second connection")
        XCTAssertEqual(Self.receivedTicketCount(inOpenSSLOutput: resumed.standardOutput), 0, "--num-tickets 0: no ticket after a resumption either")
    }

    func testTicketCommandsAddToTheConfiguredTickets() throws {
        _ = try checkTicketCommand(ticketCount: 2, commands: 2)
    }

    // MARK: Our client against openssl s_server

    /// Starts `openssl s_server -tls1_3 -rev` for two connections with `arguments`.
    private func startTwoConnectionServer(_ arguments: [String], file: StaticString = #filePath, line: UInt = #line) throws -> (
        server: PeerProcess, port: Int, credential: Credential
    ) {
        let credential = try pki().server(.p256)
        // The later -naccept replaces the single connection startOpenSSLServer asks for.
        let (server, port) = try startOpenSSLServer(
            ["-tls1_3", "-cert", credential.certificate, "-key", credential.key, "-rev", "-naccept", "2"] + arguments, file: file, line: line)
        return (server, port, credential)
    }

    /// Waits for s_server to exit after its two connections and returns its session cache hits
    /// (resumptions), from the statistics it prints.
    private func sessionCacheHits(_ server: PeerProcess, _ label: String, file: StaticString = #filePath, line: UInt = #line) throws -> Int? {
        XCTAssertEqual(
            server.waitForExit(timeout: Self.stepTimeout), 0, "\(label): s_server did not exit after two connections", file: file, line: line)
        let hits = server.standardOutput.split(separator: "\n").first { $0.hasSuffix(" session cache hits") }
        return hits.flatMap { Int($0.split(separator: " ").first ?? "") }
    }

    /// `openssl s_server -num_tickets N` and `tlskit client --reconnect 1`: N tickets on the first
    /// connection; the second resumes with one of them and gets one (OpenSSL sends at most one
    /// after a resumption), or for N = 0 is a full handshake with no ticket.
    private func checkOurClientResumption(ticketCount count: Int, file: StaticString = #filePath, line: UInt = #line) throws {
        let label = "s_server -num_tickets \(count)"
        let (server, port, credential) = try startTwoConnectionServer(["-num_tickets", "\(count)"], file: file, line: line)
        let connections = try runTLSKitClient(
            port: port, ["--ca", credential.root, "--server-name", "localhost", "--reconnect", "1"], label, file: file, line: line)
        try require(connections.count == 2, "\(label): expected two connection summaries, got \(connections)", file: file, line: line)
        XCTAssertEqual(connections[0]["resumed"], "no", "\(label): first connection", file: file, line: line)
        XCTAssertEqual(connections[0]["tickets"], "\(count)", "\(label): tickets after the full handshake", file: file, line: line)
        XCTAssertEqual(connections[1]["resumed"], count > 0 ? "yes" : "no", "\(label): second connection", file: file, line: line)
        XCTAssertEqual(connections[1]["tickets"], count > 0 ? "1" : "0", "\(label): tickets on the second connection", file: file, line: line)
        XCTAssertEqual(
            try sessionCacheHits(server, label, file: file, line: line), count > 0 ? 1 : 0, "\(label): s_server's resumptions", file: file, line: line
        )
    }

    func testOurClientWithNoTicketsFromOpenSSL() throws { try checkOurClientResumption(ticketCount: 0) }
    func testOurClientWithOneTicketFromOpenSSL() throws { try checkOurClientResumption(ticketCount: 1) }
    func testOurClientWithTwoTicketsFromOpenSSL() throws { try checkOurClientResumption(ticketCount: 2) }
    func testOurClientWithFiveTicketsFromOpenSSL() throws { try checkOurClientResumption(ticketCount: 5) }

    func testOurClientSessionFileResumesInANewProcess() throws {
        let label = "--sess-out / --sess-in against s_server"
        let (server, port, credential) = try startTwoConnectionServer([])
        let sessionFile = try pki().path("tlskit-session-\(UUID().uuidString).pem")
        let arguments = ["--ca", credential.root, "--server-name", "localhost"]
        let first = try echoThroughTLSKitClient(port: port, arguments + ["--sess-out", sessionFile], "\(label), first", reversedEcho: true)
        XCTAssertEqual(first["resumed"], "no", "\(label): first connection")
        XCTAssertEqual(first["tickets"], "2", "\(label): s_server's default is two tickets")
        let pem = try String(contentsOfFile: sessionFile, encoding: .utf8)
        XCTAssertTrue(pem.hasPrefix("-----BEGIN "), "\(label): --sess-out did not write a PEM session: \(pem.prefix(40))")
        let second = try echoThroughTLSKitClient(port: port, arguments + ["--sess-in", sessionFile], "\(label), second", reversedEcho: true)
        XCTAssertEqual(second["resumed"], "yes", "\(label): the saved session did not resume")
        XCTAssertEqual(second["tickets"], "1", "\(label): one ticket after a resumption")
        XCTAssertEqual(try sessionCacheHits(server, label), 1, "\(label): s_server's resumptions")
    }
}
