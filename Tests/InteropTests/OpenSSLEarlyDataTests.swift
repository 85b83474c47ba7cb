import Foundation
import XCTest

/// `openssl s_client -early_data` against our server, which declines the 0-RTT here: the client
/// resumes a session from an OpenSSL server that allows early data, so it sends 0-RTT records
/// our server cannot open (the ticket is not ours). RFC 8446 §4.2.10: the server must skip them
/// and complete the handshake, after a ServerHello or after a HelloRetryRequest.
///
/// Our server's own tickets advertise early data with `--max-early-data N`: OpenSSL keeps the
/// limit in its session. Early data our server accepts is in ZeroRTTTests.
final class OpenSSLEarlyDataTests: InteropTestCase {
    /// A session from `openssl s_server -early_data`, whose ticket allows 16,384 bytes of early data.
    private func earlyDataSession(_ credential: Credential) throws -> String {
        let (_, port) = try startOpenSSLServer(["-cert", credential.certificate, "-key", credential.key, "-tls1_3", "-early_data"])
        let sessionFile = try pki().path("early-data-session-\(UUID().uuidString).pem")
        let client = try startOpenSSLClient(port: port, root: credential.root, ["-tls1_3", "-sess_out", sessionFile])
        // s_client writes the file when the ticket arrives, after the handshake.
        _ = client.wait(timeout: Self.stepTimeout) { _ in FileManager.default.fileExists(atPath: sessionFile) }
        client.closeInput()
        _ = client.waitForExit(timeout: Self.stepTimeout)
        try require(
            FileManager.default.fileExists(atPath: sessionFile) && client.standardOutput.contains("Max Early Data: 16384"),
            "s_server issued no early-data ticket:\n\(client.transcript)")
        return sessionFile
    }

    private func checkEarlyDataIsSkipped(serverArguments: [String], _ label: String) throws {
        let credential = try pki().server(.p256)
        let session = try earlyDataSession(credential)
        let (server, port) = try startTLSKitServer(["--cert", credential.certificate, "--key", credential.key] + serverArguments)
        let early = token("\(label) early")
        let earlyFile = try pki().path("early-\(UUID().uuidString).txt")
        try (early + "\n").write(toFile: earlyFile, atomically: true, encoding: .utf8)

        let client = try startOpenSSLClient(port: port, root: credential.root, ["-tls1_3", "-msg", "-sess_in", session, "-early_data", earlyFile])
        try require(client.waitFor("Verify return code", timeout: Self.stepTimeout), "\(label): s_client did not complete the handshake:\n\(client.transcript)")
        XCTAssertTrue(client.standardOutput.contains("Early data was rejected"), "\(label): s_client sent early data and saw it rejected")
        let text = token(label)
        try echo(client, send: text, expect: text, label)
        XCTAssertFalse(client.standardOutput.contains(early), "\(label): the skipped early data must not reach the application")
        client.closeInput()
        XCTAssertEqual(client.waitForExit(timeout: Self.stepTimeout), 0, "\(label): s_client did not finish cleanly")
        XCTAssertEqual(try acceptedConnections(server, count: 1).first?["resumed"], "no", "\(label): the ticket is not ours")
    }

    func testEarlyDataIsSkippedAfterAServerHello() throws {
        try checkEarlyDataIsSkipped(serverArguments: [], "early data, 1-RTT answer")
    }

    func testEarlyDataIsSkippedAfterAHelloRetryRequest() throws {
        // s_client shares X25519 only: a server that takes secp256r1 alone must ask again.
        try checkEarlyDataIsSkipped(serverArguments: ["--groups", "secp256r1"], "early data, HelloRetryRequest")
    }

    // MARK: our tickets' max_early_data_size

    /// Saves the session s_client gets from our server (started with `serverArguments`) and
    /// returns the file with `openssl sess_id -text` of it.
    private func sessionFromOurServer(port: Int, root: String, _ label: String) throws -> (file: String, text: String) {
        let sessionFile = try pki().path("tlskit-session-\(UUID().uuidString).pem")
        let client = try startOpenSSLClient(port: port, root: root, ["-tls1_3", "-sess_out", sessionFile])
        // s_client writes the file when the ticket arrives, after the handshake.
        _ = client.wait(timeout: Self.stepTimeout) { _ in FileManager.default.fileExists(atPath: sessionFile) }
        client.closeInput()
        _ = client.waitForExit(timeout: Self.stepTimeout)
        try require(FileManager.default.fileExists(atPath: sessionFile), "\(label): s_client saved no session:\n\(client.transcript)")
        let sessID = try start(try Peers.require("openssl"), ["sess_id", "-in", sessionFile, "-text", "-noout"], name: "openssl sess_id")
        try require(sessID.waitForExit(timeout: Self.stepTimeout) == 0, "\(label): openssl sess_id failed:\n\(sessID.transcript)")
        return (sessionFile, sessID.standardOutput)
    }

    func testOpenSSLSessionShowsNoEarlyDataByDefault() throws {
        let credential = try pki().server(.p256)
        let (_, port) = try startTLSKitServer(["--cert", credential.certificate, "--key", credential.key])
        let session = try sessionFromOurServer(port: port, root: credential.root, "default")
        XCTAssertTrue(session.text.contains("Max Early Data: 0"), "a ticket without early_data:\n\(session.text)")
    }

    /// `--max-early-data 4096`: OpenSSL reads max_early_data_size from our NewSessionTicket
    /// (`SSL_SESSION_get_max_early_data`), and a resumption that sends early data with our own
    /// ticket resumes, with the early data rejected and skipped.
    func testOpenSSLSessionShowsOurMaximumEarlyData() throws {
        let label = "--max-early-data 4096"
        let credential = try pki().server(.p256)
        let (server, port) = try startTLSKitServer(["--cert", credential.certificate, "--key", credential.key, "--max-early-data", "4096"])
        let session = try sessionFromOurServer(port: port, root: credential.root, label)
        XCTAssertTrue(session.text.contains("Max Early Data: 4096"), "\(label): our ticket's limit:\n\(session.text)")

        let early = token("\(label) early")
        let earlyFile = try pki().path("early-\(UUID().uuidString).txt")
        try (early + "\n").write(toFile: earlyFile, atomically: true, encoding: .utf8)
        let client = try startOpenSSLClient(port: port, root: credential.root, ["-tls1_3", "-sess_in", session.file, "-early_data", earlyFile])
        try require(client.waitFor("Verify return code", timeout: Self.stepTimeout), "\(label): s_client did not complete the handshake")
        XCTAssertTrue(client.standardOutput.contains("Reused, TLSv1.3"), "\(label): s_client resumed with our ticket")
        // The replay guard of stateless tickets rejects 0-RTT during its first window (10 s)
        // after the server starts: a restart must not reopen a replay window.
        XCTAssertTrue(client.standardOutput.contains("Early data was rejected"), "\(label): rejected in the start-up window")
        let text = token(label)
        try echo(client, send: text, expect: text, label)
        XCTAssertFalse(client.standardOutput.contains(early), "\(label): the skipped early data must not reach the application")
        client.closeInput()
        XCTAssertEqual(client.waitForExit(timeout: Self.stepTimeout), 0, "\(label): s_client did not finish cleanly")
        let accepted = try acceptedConnections(server, count: 2)
        XCTAssertEqual(accepted[1]["resumed"], "yes", "\(label): our server resumed the session")
        XCTAssertEqual(server.standardErrorLines(startingWith: "early-data:"), ["early-data: rejected replay"], label)
    }
}
