import Foundation
import XCTest

/// `tlskit server --metrics HOST:PORT` serves the handlers' counters in Prometheus' text format,
/// scraped here with curl, and `--log-level info` logs one structured line per handshake.
final class MonitoringTests: InteropTestCase {
    private func startServer(_ arguments: [String]) throws -> (server: PeerProcess, port: Int, metrics: String) {
        let (server, port) = try startTLSKitServer(["--metrics", "127.0.0.1:0"] + arguments)
        let line = server.standardOutput.split(separator: "\n").first { $0.hasPrefix("metrics: ") }
        try require(line != nil, "tlskit server printed no `metrics:` line")
        return (server, port, String(line?.dropFirst("metrics: ".count) ?? ""))
    }

    /// The scrape's samples without comments: `name{labels}` → value.
    private func scrape(_ address: String) throws -> [String: String] {
        let curl = try Peers.require("curl")
        let result = try Peers.run(curl, ["-sS", "--max-time", "10", "-D", "-", "http://\(address)/metrics"])
        XCTAssertEqual(result.status, 0, result.output)
        XCTAssertTrue(result.output.contains("Content-Type: text/plain; version=0.0.4"), result.output)
        var samples: [String: String] = [:]
        for line in result.output.split(separator: "\n") where line.hasPrefix("tlskit_") {
            guard let space = line.lastIndex(of: " ") else { continue }
            samples[String(line[..<space])] = String(line[line.index(after: space)...]).trimmingCharacters(in: .whitespacesAndNewlines)
        }
        return samples
    }

    func testMetricsScrapeCountsHandshakesTicketsAndAlerts() throws {
        let (_, port, metrics) = try startServer([])
        // A full handshake and a resumption.
        let client = try startTLSKitClient(port: port, ["--insecure", "--reconnect", "1"])
        client.closeInput()
        XCTAssertEqual(client.waitForExit(timeout: Self.stepTimeout), 0, client.transcript)
        XCTAssertEqual(client.standardErrorLines(startingWith: "resumed: yes").count, 1)
        // A client that does not trust the server's certificate: it sends an alert.
        let openssl = try Peers.require("openssl")
        _ = try Peers.run(openssl, ["s_client", "-connect", "127.0.0.1:\(port)", "-verify_return_error"], timeout: Self.stepTimeout)

        let samples = try scrape(metrics)
        XCTAssertEqual(samples[#"tlskit_handshakes_full_total{role="server"}"#], "1", "\(samples)")
        XCTAssertEqual(samples[#"tlskit_handshakes_resumed_total{role="server"}"#], "1", "\(samples)")
        XCTAssertEqual(samples[#"tlskit_tickets_issued_total{role="server"}"#], "3", "\(samples)")
        XCTAssertEqual(samples[#"tlskit_handshake_failures_total{role="server"}"#], "1", "\(samples)")
        XCTAssertEqual(samples[#"tlskit_alerts_received_total{role="server",description="unknown_ca"}"#], "1", "\(samples)")
        XCTAssertEqual(samples[#"tlskit_handshake_duration_seconds_count{role="server"}"#], "2", "\(samples)")
    }

    func testTicketRejectionsAreCountedByReason() throws {
        let (_, firstPort, _) = try startServer([])
        let sessionFile = try pki().path("session-\(UUID().uuidString).pem")
        let first = try startTLSKitClient(port: firstPort, ["--insecure", "--sess-out", sessionFile])
        first.closeInput()
        XCTAssertEqual(first.waitForExit(timeout: Self.stepTimeout), 0, first.transcript)
        // Another server, other ticket keys: the ticket does not open there.
        let (_, port, metrics) = try startServer([])
        let second = try startTLSKitClient(port: port, ["--insecure", "--sess-in", sessionFile])
        second.closeInput()
        XCTAssertEqual(second.waitForExit(timeout: Self.stepTimeout), 0, second.transcript)
        let samples = try scrape(metrics)
        XCTAssertEqual(samples[#"tlskit_tickets_rejected_total{role="server",reason="unknownKey"}"#], "1", "\(samples)")
        XCTAssertEqual(samples[#"tlskit_handshakes_full_total{role="server"}"#], "1", "\(samples)")
    }

    func testLogLevelInfoLogsOneLinePerHandshake() throws {
        let (server, port) = try startTLSKitServer(["--log-level", "info"])
        let client = try startTLSKitClient(port: port, ["--insecure", "--reconnect", "1", "--log-level", "info"])
        client.closeInput()
        XCTAssertEqual(client.waitForExit(timeout: Self.stepTimeout), 0, client.transcript)
        server.wait(timeout: Self.stepTimeout) { $0.standardError.components(separatedBy: "TLS handshake completed").count == 3 }
        let lines = server.standardError.split(separator: "\n").filter { $0.contains("TLS handshake completed") }
        XCTAssertEqual(lines.count, 2, server.standardError)
        XCTAssertTrue(lines.allSatisfy { $0.contains("tls.role=server") && $0.contains("tls.version=TLSv1.3") && $0.contains("tls.suite=") }, "\(lines)")
        XCTAssertEqual(lines.filter { $0.contains("tls.resumed=true") }.count, 1, "\(lines)")
        XCTAssertEqual(client.standardError.components(separatedBy: "TLS handshake completed").count - 1, 2, client.standardError)
        // Without the flag, nothing of the kind.
        let (quiet, quietPort) = try startTLSKitServer([])
        let plain = try startTLSKitClient(port: quietPort, ["--insecure"])
        plain.closeInput()
        XCTAssertEqual(plain.waitForExit(timeout: Self.stepTimeout), 0)
        XCTAssertFalse(quiet.standardError.contains("TLS handshake completed"))
    }
}
