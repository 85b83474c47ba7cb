import Foundation
import XCTest

/// Two `tlskit server` processes and one session: stateless tickets resume on any server that
/// shares the key file (`--ticket-keys`, made by `tlskit ticket-keys`); stateful tickets name a
/// session that only the server that issued them holds. Our client carries the session from
/// one process to the next (`--sess-out`, then `--sess-in`).
final class SharedTicketKeyTests: InteropTestCase {
    /// Starts server A with `first` and server B with `second`, saves a session from A, and
    /// resumes it against `target`s in turn. Returns our client's summary for each target and
    /// the servers' `accepted:` fields.
    private func carrySession(
        _ label: String, first: [String], second: [String], to targets: [Target], file: StaticString = #filePath, line: UInt = #line
    ) throws -> [(summary: [String: String], accepted: [String: String])] {
        let credential = try pki().server(.p256)
        let serverArguments = ["--cert", credential.certificate, "--key", credential.key]
        let (serverA, portA) = try startTLSKitServer(serverArguments + first, file: file, line: line)
        let (serverB, portB) = try startTLSKitServer(serverArguments + second, file: file, line: line)
        let clientArguments = ["--ca", credential.root, "--server-name", "localhost"]
        let sessionFile = try pki().path("shared-session-\(UUID().uuidString).pem")
        let made = try echoThroughTLSKitClient(
            port: portA, clientArguments + ["--sess-out", sessionFile], "\(label): session from A", file: file, line: line)
        XCTAssertEqual(made["resumed"], "no", "\(label): first connection to A", file: file, line: line)
        try require(FileManager.default.fileExists(atPath: sessionFile), "\(label): --sess-out wrote no session", file: file, line: line)
        var acceptedCount = [Target.a: 1, Target.b: 0]
        var results: [(summary: [String: String], accepted: [String: String])] = []
        for target in targets {
            let (server, port) = target == .a ? (serverA, portA) : (serverB, portB)
            let summary = try echoThroughTLSKitClient(
                port: port, clientArguments + ["--sess-in", sessionFile], "\(label): session offered to \(target)", file: file, line: line)
            acceptedCount[target, default: 0] += 1
            let accepted = try acceptedConnections(server, count: acceptedCount[target]!, file: file, line: line).last ?? [:]
            results.append((summary, accepted))
        }
        return results
    }

    private enum Target: String, CustomStringConvertible {
        case a = "server A"
        case b = "server B"
        var description: String { rawValue }
    }

    func testStatelessTicketResumesOnAnotherServerSharingTheKeyFile() throws {
        let keys = try makeTicketKeyFile()
        let shared = ["--ticket-keys", keys]
        let results = try carrySession("shared ticket keys", first: shared, second: shared, to: [.b])
        XCTAssertEqual(results[0].summary["resumed"], "yes", "shared ticket keys: our client did not resume on server B")
        XCTAssertEqual(results[0].accepted["resumed"], "yes", "shared ticket keys: server B did not resume")
        XCTAssertEqual(results[0].summary["tickets"], "1", "shared ticket keys: one ticket after a resumption")
    }

    func testStatelessTicketFallsBackToAFullHandshakeUnderOtherKeys() throws {
        // Server B makes its own keys: the ticket does not open there, which is not an error.
        let results = try carrySession("unshared ticket keys", first: ["--ticket-keys", try makeTicketKeyFile()], second: [], to: [.b])
        XCTAssertEqual(results[0].summary["resumed"], "no", "unshared ticket keys: our client's view")
        XCTAssertEqual(results[0].accepted["resumed"], "no", "unshared ticket keys: server B's view")
        XCTAssertEqual(results[0].summary["tickets"], "2", "unshared ticket keys: a full handshake brings the default two tickets")
    }

    func testStatefulTicketResumesOnlyOnTheServerThatIssuedIt() throws {
        let stateful = ["--ticket-mode", "stateful"]
        let results = try carrySession("stateful tickets", first: stateful, second: stateful, to: [.b, .a])
        XCTAssertEqual(results[0].summary["resumed"], "no", "stateful tickets: server B does not hold A's session")
        XCTAssertEqual(results[0].accepted["resumed"], "no", "stateful tickets: server B's view")
        XCTAssertEqual(results[0].summary["tickets"], "2", "stateful tickets: server B made a full handshake")
        XCTAssertEqual(results[1].summary["resumed"], "yes", "stateful tickets: server A should resume its own session")
        XCTAssertEqual(results[1].accepted["resumed"], "yes", "stateful tickets: server A's view")
    }
}
