import Foundation
import TLSKit
import XCTest

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Early data (0-RTT) accepted end to end: `openssl s_client -early_data` against our server,
/// our client's `--early-data` against `openssl s_server -early_data`, and a captured first
/// flight replayed byte for byte on a new connection, whose early data must not be delivered twice.
final class ZeroRTTTests: InteropTestCase {
    /// Our server accepting early data. `--ticket-age-tolerance 3`: OpenSSL reports ticket ages
    /// from a session time in whole seconds, so a second of tolerance is too tight; the replay
    /// window of stateless tickets is as long, and the server rejects 0-RTT during the first one.
    private func startEarlyDataServer(_ credential: Credential, _ extra: [String] = []) throws -> (PeerProcess, Int) {
        try startTLSKitServer(
            ["--cert", credential.certificate, "--key", credential.key, "--max-early-data", "16384", "--ticket-age-tolerance", "3"] + extra)
    }

    /// Waits out the replay guard's start-up window (3 s) of a server started just now, with a
    /// margin for OpenSSL's ticket ages, which may be a second short: the attempt's time (the
    /// ticket's creation plus the age the client reports) must fall after that window too.
    private func waitOutStartUpWindow() { Thread.sleep(forTimeInterval: 4.5) }

    /// A session from our server, saved by `openssl s_client -sess_out`.
    private func openSSLSession(port: Int, root: String, _ label: String) throws -> String {
        let sessionFile = try pki().path("zero-rtt-session-\(UUID().uuidString).pem")
        let client = try startOpenSSLClient(port: port, root: root, ["-tls1_3", "-sess_out", sessionFile])
        _ = client.wait(timeout: Self.stepTimeout) { _ in FileManager.default.fileExists(atPath: sessionFile) }
        client.closeInput()
        _ = client.waitForExit(timeout: Self.stepTimeout)
        try require(FileManager.default.fileExists(atPath: sessionFile), "\(label): s_client saved no session:\n\(client.transcript)")
        return sessionFile
    }

    private func writeEarlyData(_ text: String) throws -> String {
        let file = try pki().path("early-\(UUID().uuidString).txt")
        try (text + "\n").write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }

    private func occurrences(of text: String, in output: String) -> Int { output.components(separatedBy: text).count - 1 }

    func testOpenSSLClientEarlyDataIsAcceptedAndDeliveredOnce() throws {
        let label = "s_client -early_data"
        let credential = try pki().server(.p256)
        let (server, port) = try startEarlyDataServer(credential)
        let session = try openSSLSession(port: port, root: credential.root, label)
        waitOutStartUpWindow()
        let early = token("\(label) early")
        let client = try startOpenSSLClient(
            port: port, root: credential.root, ["-tls1_3", "-sess_in", session, "-early_data", try writeEarlyData(early)])
        try require(client.waitFor("Verify return code", timeout: Self.stepTimeout), "\(label): s_client did not complete the handshake")
        XCTAssertTrue(client.standardOutput.contains("Reused, TLSv1.3"), "\(label): resumed")
        XCTAssertTrue(client.standardOutput.contains("Early data was accepted"), "\(label): OpenSSL reports the early data accepted")
        let text = token(label)
        try echo(client, send: text, expect: text, label)
        // Our server echoes what it receives: the early data comes back once.
        XCTAssertEqual(occurrences(of: early, in: client.standardOutput), 1, "\(label): the early data was delivered once")
        client.closeInput()
        XCTAssertEqual(client.waitForExit(timeout: Self.stepTimeout), 0, "\(label): s_client did not finish cleanly")
        let accepted = try acceptedConnections(server, count: 2)
        XCTAssertEqual(accepted[1]["resumed"], "yes")
        XCTAssertEqual(
            server.standardErrorLines(startingWith: "early-data:"), ["early-data: accepted \(early.utf8.count + 1) bytes"],
            "\(label): the server accepted it")
    }

    func testTLSKitClientEarlyDataIsAcceptedByOpenSSL() throws {
        let label = "tlskit client --early-data"
        let credential = try pki().server(.p256)
        let (server, port) = try startOpenSSLServer(
            ["-cert", credential.certificate, "-key", credential.key, "-tls1_3", "-early_data", "-naccept", "2"])
        let early = token("\(label) early")
        let connections = try runTLSKitClient(
            port: port, ["--ca", credential.root, "--server-name", "localhost", "--reconnect", "1", "--early-data", try writeEarlyData(early)], label)
        try require(connections.count == 2, "\(label): two connections")
        XCTAssertEqual(connections[1]["resumed"], "yes")
        XCTAssertEqual(connections.map { $0["early-data"] }, ["not sent", "accepted"], "\(label): the second connection's early data was accepted")
        server.wait(timeout: Self.stepTimeout) { $0.standardOutput.contains(early) }
        XCTAssertTrue(server.standardOutput.contains("Early data received"), "\(label): s_server read early data")
        XCTAssertEqual(occurrences(of: early, in: server.standardOutput), 1, "\(label): s_server printed the early data once")
    }

    // MARK: Replay

    /// The first flight (ClientHello, change_cipher_spec, early data) of a client resuming a
    /// session from our server: made by TLSKit in this process from the session file our client saved.
    private func firstFlight(port: Int, credential: Credential, early: String, _ label: String) throws -> [UInt8] {
        let sessionFile = try pki().path("tlskit-session-\(UUID().uuidString).pem")
        _ = try runTLSKitClient(port: port, ["--ca", credential.root, "--server-name", "localhost", "--sess-out", sessionFile], label)
        let session = try ClientSession(pemEncoded: try String(contentsOfFile: sessionFile, encoding: .utf8))
        try require(session.maximumEarlyDataSize == 16_384, "\(label): the ticket allows early data")
        // The flight carries the ticket's age when it is made: made after the wait, it is fresh.
        waitOutStartUpWindow()
        var configuration = ClientConfiguration()
        configuration.certificateVerification = .insecureNoVerification
        configuration.sessionStore = nil
        let client = try ClientConnection(configuration: configuration, serverName: "localhost", session: session, earlyData: Array(early.utf8))
        return client.takeOutput()
    }

    /// Sends `bytes` on a new TCP connection to `port`, reads whatever comes back until nothing
    /// has come for `quiet` microseconds, and closes.
    private func sendRaw(_ bytes: [UInt8], port: Int, quiet: Int = 1_000_000) throws {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        try require(descriptor >= 0, "socket() failed")
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        try require(connected == 0, "connect() failed")
        let sent = bytes.withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, 0) }
        try require(sent == bytes.count, "send() sent \(sent) of \(bytes.count) bytes")
        var timeout = timeval(tv_sec: quiet / 1_000_000, tv_usec: suseconds_t(quiet % 1_000_000))
        setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var buffer = [UInt8](repeating: 0, count: 16_384)
        // The server's flight (under keys we do not hold), then nothing: it waits for a Finished that never comes.
        while recv(descriptor, &buffer, buffer.count, 0) > 0 {}
    }

    private func checkReplayIsNotDeliveredTwice(_ serverArguments: [String], _ label: String) throws {
        let credential = try pki().server(.p256)
        let (server, port) = try startEarlyDataServer(credential, serverArguments)
        let early = token("\(label) early")
        let flight = try firstFlight(port: port, credential: credential, early: early, label)
        try sendRaw(flight, port: port)
        try sendRaw(flight, port: port)
        server.wait(timeout: Self.stepTimeout) { $0.standardErrorLines(startingWith: "early-data:").count >= 2 }
        let lines = server.standardErrorLines(startingWith: "early-data:")
        XCTAssertEqual(lines.first, "early-data: accepted \(early.utf8.count) bytes", "\(label): the first flight's early data is accepted")
        XCTAssertEqual(lines.dropFirst().first, "early-data: rejected replay", "\(label): its replay is rejected")
        XCTAssertEqual(lines.count, 2, "\(label): \(lines)")
    }

    func testReplayedFirstFlightWithStatelessTicketIsNotDeliveredTwice() throws {
        try checkReplayIsNotDeliveredTwice([], "replay, stateless ticket")
    }

    func testReplayedFirstFlightWithStatefulTicketIsNotDeliveredTwice() throws {
        try checkReplayIsNotDeliveredTwice(["--ticket-mode", "stateful"], "replay, stateful ticket")
    }

    /// RFC 8446 §8.2: a freshly started server "SHOULD reject 0-RTT as long as any portion of
    /// their recording window overlaps the startup time". Server A accepts a first flight's early
    /// data, stops, and server B starts with the same ticket key file (so A's stateless ticket
    /// opens there) and gets the same bytes: B knows nothing of what A accepted, so it must not
    /// deliver them again. Its replay guard rejects them as starting up (`rejected replay`, the
    /// reason every guard rejection is counted under; a ticket that did not open, or a stale
    /// age, would give another reason). The handshake then goes on in 1-RTT and waits for a
    /// Finished that never comes.
    func testRestartedServerDoesNotDeliverEarlyDataItsPredecessorAccepted() throws {
        let label = "replay after a restart"
        let credential = try pki().server(.p256)
        let shared = ["--ticket-keys", try makeTicketKeyFile()]
        let (serverA, portA) = try startEarlyDataServer(credential, shared)
        let early = token("\(label) early")
        let flight = try firstFlight(port: portA, credential: credential, early: early, label)
        let made = Date()
        // A short read: the flight's ticket age must stay within the 3 s tolerance for server B.
        try sendRaw(flight, port: portA, quiet: 200_000)
        serverA.wait(timeout: Self.stepTimeout) { !$0.standardErrorLines(startingWith: "early-data:").isEmpty }
        XCTAssertEqual(
            serverA.standardErrorLines(startingWith: "early-data:"), ["early-data: accepted \(early.utf8.count) bytes"],
            "\(label): server A accepts the first flight's early data:\n\(serverA.transcript)")
        serverA.stop()
        try require(serverA.waitForExit(timeout: Self.stepTimeout) != nil, "\(label): server A did not stop")

        let (serverB, portB) = try startEarlyDataServer(credential, shared)
        let delay = Date().timeIntervalSince(made)
        try sendRaw(flight, port: portB, quiet: 200_000)
        serverB.wait(timeout: Self.stepTimeout) { !$0.standardErrorLines(startingWith: "early-data:").isEmpty }
        XCTAssertEqual(
            serverB.standardErrorLines(startingWith: "early-data:"), ["early-data: rejected replay"],
            "\(label): server B, started \(String(format: "%.1f", delay)) s after the flight was made, "
                + "must not accept it again:\n\(serverB.transcript)")
        serverB.stop()
    }
}
