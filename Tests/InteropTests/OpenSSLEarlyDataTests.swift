import Foundation
import XCTest

/// `openssl s_client -early_data` against our server, which never accepts 0-RTT: the client
/// resumes a session from an OpenSSL server that allows early data, so it sends 0-RTT records
/// our server cannot open (the ticket is not ours). RFC 8446 §4.2.10: the server must skip them
/// and complete the handshake, after a ServerHello or after a HelloRetryRequest.
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
}
