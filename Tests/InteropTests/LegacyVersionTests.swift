import XCTest

/// TLSKit speaks TLS 1.3 only: TLS 1.2-only peers are refused with protocol_version.
final class LegacyVersionTests: InteropTestCase {
    func testOpenSSLTLS12ClientIsRefusedByOurServer() throws {
        let credential = try pki().server(.p256)
        let (server, port) = try startTLSKitServer(["--cert", credential.certificate, "--key", credential.key])
        let client = try startOpenSSLClient(port: port, root: credential.root, ["-tls1_2"])
        XCTAssertTrue(client.waitFor("alert protocol version", timeout: Self.stepTimeout), "TLS 1.2 client: s_client should receive protocol_version")
        XCTAssertNotEqual(client.waitForExit(timeout: Self.stepTimeout), 0, "TLS 1.2 client: s_client should fail")
        XCTAssertTrue(
            server.wait(timeout: Self.stepTimeout) { $0.standardErrorLines(startingWith: "connection error:").contains { $0.contains("protocol_version") } },
            "TLS 1.2 client: our server should log a connection error naming protocol_version")
        XCTAssertTrue(server.standardErrorLines(startingWith: "accepted:").isEmpty, "TLS 1.2 client: our server accepted")
    }

    func testOurClientRefusesOpenSSLTLS12Server() throws {
        let credential = try pki().server(.p256)
        let (_, port) = try startOpenSSLServer(["-tls1_2", "-cert", credential.certificate, "-key", credential.key, "-rev"])
        let client = try startTLSKitClient(port: port, ["--ca", credential.root, "--server-name", "localhost"])
        let status = client.waitForExit(timeout: Self.stepTimeout)
        XCTAssertNotNil(status, "TLS 1.2 server: our client did not exit")
        XCTAssertNotEqual(status, 0, "TLS 1.2 server: our client should fail")
        let lines = client.standardError.split(separator: "\n")
        XCTAssertEqual(lines.count, 1, "TLS 1.2 server: expected one error line, got \(lines)")
        XCTAssertTrue(client.standardError.contains("protocol_version"), "TLS 1.2 server: error should name protocol_version: \(client.standardError)")
    }
}
