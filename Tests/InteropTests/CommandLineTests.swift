import Foundation
import XCTest

/// Numbers on `tlskit`'s command line are checked before anything starts: a value out of range
/// is one `error:` line on standard error and exit status 2, never a wrapped port or a silent
/// default.
final class CommandLineTests: XCTestCase {
    private func assertRefused(
        _ arguments: [String], mentioning flag: String, file: StaticString = #filePath, line: UInt = #line
    ) throws {
        let process = try PeerProcess(try Peers.tlskit(), arguments)
        process.closeInput()
        let status = process.waitForExit(timeout: 15)
        XCTAssertEqual(status, 2, "exit status\n\(process.transcript)", file: file, line: line)
        let lines = process.standardError.split(separator: "\n", omittingEmptySubsequences: true)
        XCTAssertEqual(lines.count, 1, "one line on standard error\n\(process.transcript)", file: file, line: line)
        XCTAssertTrue(lines.first?.hasPrefix("error: ") == true, process.transcript, file: file, line: line)
        XCTAssertTrue(lines.first?.contains(flag) == true, "names \(flag)\n\(process.transcript)", file: file, line: line)
        XCTAssertEqual(process.standardOutput, "", "nothing on standard output", file: file, line: line)
    }

    func testServerPortAboveRange() throws {
        try assertRefused(["server", "--port", "99999"], mentioning: "--port")
    }

    func testServerNegativePort() throws {
        try assertRefused(["server", "--port", "-1"], mentioning: "--port")
    }

    func testServerTicketCountOutOfRange() throws {
        try assertRefused(["server", "--num-tickets", "-1"], mentioning: "--num-tickets")
        try assertRefused(["server", "--num-tickets", "100000"], mentioning: "--num-tickets")
    }

    func testServerTicketLifetimeOutOfRange() throws {
        try assertRefused(["server", "--ticket-lifetime", "0"], mentioning: "--ticket-lifetime")
        try assertRefused(["server", "--ticket-lifetime", "604801"], mentioning: "--ticket-lifetime")
        try assertRefused(["server", "--ticket-lifetime", "-5"], mentioning: "--ticket-lifetime")
    }

    /// The server skips at most 16384 bytes of early data, so its tickets may not allow more.
    func testServerMaxEarlyDataOutOfRange() throws {
        try assertRefused(["server", "--max-early-data", "-1"], mentioning: "--max-early-data")
        try assertRefused(["server", "--max-early-data", "16385"], mentioning: "--max-early-data")
    }

    func testServerHandshakeTimeoutOutOfRange() throws {
        try assertRefused(["server", "--handshake-timeout", "0"], mentioning: "--handshake-timeout")
        try assertRefused(["server", "--handshake-timeout", "-3"], mentioning: "--handshake-timeout")
    }

    func testClientPortAboveRange() throws {
        try assertRefused(["client", "127.0.0.1:70000"], mentioning: "HOST:PORT")
    }

    func testClientPortZero() throws {
        try assertRefused(["client", "127.0.0.1:0"], mentioning: "HOST:PORT")
    }

    func testClientNegativeReconnect() throws {
        try assertRefused(["client", "127.0.0.1:4433", "--reconnect", "-1"], mentioning: "--reconnect")
    }

    func testTicketKeysCountOutOfRange() throws {
        try assertRefused(["ticket-keys", "--count", "0"], mentioning: "--count")
        try assertRefused(["ticket-keys", "--count", "-2"], mentioning: "--count")
    }

    func testNonNumericValue() throws {
        try assertRefused(["server", "--port", "https"], mentioning: "--port")
    }

    /// The edges of each range are accepted: `ticket-keys` does its work and exits 0.
    func testTicketKeysCountAtTheEdgeWorks() throws {
        let result = try Peers.run(try Peers.tlskit(), ["ticket-keys", "--count", "1"])
        XCTAssertEqual(result.status, 0, result.output)
    }
}
