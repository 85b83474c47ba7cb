import Foundation
import XCTest

/// Helpers for the session ticket interop tests: counting NewSessionTickets in `openssl s_client
/// -msg` output, reading the per-connection summaries of `tlskit client`, and running Python peers.
extension InteropTestCase {
    /// The ticket counts the issue asks for: none, one, the default and more than the default.
    static let ticketCounts = [0, 1, 2, 5]

    /// NewSessionTicket messages that `openssl s_client -msg` reports having received.
    static func receivedTicketCount(inOpenSSLOutput output: String) -> Int {
        output.split(separator: "\n").filter { $0.hasPrefix("<<< TLS 1.3, Handshake [length") && $0.hasSuffix("], NewSessionTicket") }.count
    }

    /// What our server logged on stderr about its `index`-th connection, in order: its
    /// `accepted:` line, then the `ticket-issued` (one per NewSessionTicket) and
    /// `client-authenticated:` lines up to the next connection's `accepted:` line.
    func serverLog(_ server: PeerProcess, connection index: Int) -> [String] {
        var connection = -1
        var lines: [String] = []
        for line in server.standardError.split(separator: "\n").map(String.init) {
            if line.hasPrefix("accepted:") { connection += 1 }
            if connection == index && (line.hasPrefix("accepted:") || line == "ticket-issued" || line.hasPrefix("client-authenticated:")) {
                lines.append(line)
            }
        }
        return lines
    }

    /// The `ticket-issued` lines our server logged for its `index`-th connection.
    func ticketsIssued(by server: PeerProcess, onConnection index: Int) -> Int {
        serverLog(server, connection: index).filter { $0 == "ticket-issued" }.count
    }

    /// Waits until our server has logged `count` `accepted:` lines, and returns the fields of each.
    func acceptedConnections(_ server: PeerProcess, count: Int, file: StaticString = #filePath, line: UInt = #line) throws -> [[String: String]] {
        server.wait(timeout: Self.stepTimeout) { $0.standardErrorLines(startingWith: "accepted:").count >= count }
        let lines = server.standardErrorLines(startingWith: "accepted:")
        try require(lines.count >= count, "tlskit server logged \(lines.count) `accepted:` lines, expected \(count)", file: file, line: line)
        return lines.map(Summary.fields(ofAcceptedLine:))
    }

    /// Runs `tlskit client` to completion with stdin closed (for `--reconnect`, which pipes no
    /// input) and returns one summary per connection, each with its `tickets` count.
    func runTLSKitClient(port: Int, _ arguments: [String], _ label: String, file: StaticString = #filePath, line: UInt = #line) throws
        -> [[String: String]]
    {
        let client = try startTLSKitClient(port: port, arguments)
        client.closeInput()
        let status = client.waitForExit(timeout: Self.stepTimeout)
        try require(
            status == 0, "\(label): tlskit client failed (status \(status.map(String.init) ?? "timeout")):\n\(client.standardError)", file: file,
            line: line)
        return Summary.connections(ofClientOutput: client.standardError)
    }

    /// Connects `tlskit client` with stdin piped, checks that a line echoes (reversed with
    /// `reversedEcho`, as `s_server -rev` answers), then closes its input and waits for it to exit.
    /// Tickets that the server sends right after the handshake arrive before the echo.
    func echoThroughTLSKitClient(
        port: Int, _ arguments: [String], _ label: String, reversedEcho: Bool = false, file: StaticString = #filePath, line: UInt = #line
    ) throws -> [String: String] {
        let client = try startTLSKitClient(port: port, arguments)
        let text = token(label)
        try echo(client, send: text, expect: reversedEcho ? String(text.reversed()) : text, label, file: file, line: line)
        client.closeInput()
        let status = client.waitForExit(timeout: Self.stepTimeout)
        try require(
            status == 0, "\(label): tlskit client did not finish cleanly (status \(status.map(String.init) ?? "timeout"))", file: file, line: line)
        let connections = Summary.connections(ofClientOutput: client.standardError)
        try require(connections.count == 1, "\(label): expected one connection summary:\n\(client.standardError)", file: file, line: line)
        return connections[0]
    }

    /// Starts a Python script that prints `port: N` once it listens, and returns it with the port.
    func startPythonServer(_ path: String, _ arguments: [String], file: StaticString = #filePath, line: UInt = #line) throws -> (PeerProcess, Int) {
        let python = try Peers.require("python3")
        let server = try start(python, [path] + arguments, name: "python server")
        server.wait(timeout: Self.stepTimeout) { $0.standardOutput.contains("port: ") && $0.standardOutput.contains("\n") }
        guard let portLine = server.standardOutput.split(separator: "\n").first(where: { $0.hasPrefix("port: ") }),
            let port = Int(portLine.dropFirst("port: ".count))
        else {
            XCTFail("python server printed no port:\n\(server.transcript)", file: file, line: line)
            throw XCTSkip("python server did not start")
        }
        return (server, port)
    }
}

extension Summary {
    /// The summaries of each connection `tlskit client` made, in order: each starts at its
    /// `protocol:` line and holds the ``keys`` plus `tickets` (printed when the connection ends).
    static func connections(ofClientOutput output: String) -> [[String: String]] {
        var connections: [[String: String]] = []
        for line in output.split(separator: "\n") {
            guard let separator = line.range(of: ": ") else { continue }
            let key = String(line[..<separator.lowerBound])
            guard keys.contains(key) || key == "tickets" || key == "early-data" else { continue }
            if key == "protocol" { connections.append([:]) }
            guard !connections.isEmpty else { continue }
            connections[connections.count - 1][key] = String(line[separator.upperBound...])
        }
        return connections
    }
}
