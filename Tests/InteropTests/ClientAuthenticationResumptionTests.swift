import Foundation
import XCTest

/// Two `tlskit server` processes sharing one ticket key file, one with `--verify-client optional`
/// and one with `--verify-client required`: a session made without a client certificate on the
/// first must not let a client past the second without one. A client with a certificate still
/// gets through, by a full handshake or by resuming a session whose certificate was verified.
final class ClientAuthenticationResumptionTests: InteropTestCase {
    func testStrictServerDoesNotResumeASessionWithoutAClientCertificate() throws {
        let pki = try pki()
        let server = try pki.server(.p256)
        let client = try pki.client()
        let keys = pki.path("ticket-keys-\(UUID().uuidString).txt")
        let generator = try start(try Peers.tlskit(), ["ticket-keys"], name: "tlskit ticket-keys")
        generator.closeInput()
        try require(generator.waitForExit(timeout: Self.stepTimeout) == 0, "tlskit ticket-keys failed:\n\(generator.transcript)")
        try generator.standardOutput.write(toFile: keys, atomically: true, encoding: .utf8)

        let common = ["--cert", server.certificate, "--key", server.key, "--ca", client.root, "--ticket-keys", keys]
        let (_, lenientPort) = try startTLSKitServer(common + ["--verify-client", "optional"])
        let (strict, strictPort) = try startTLSKitServer(common + ["--verify-client", "required"])
        let clientArguments = ["--ca", server.root, "--server-name", "localhost"]

        // A session without a client certificate, from the lenient server.
        let anonymousSession = pki.path("anonymous-\(UUID().uuidString).pem")
        let made = try echoThroughTLSKitClient(port: lenientPort, clientArguments + ["--sess-out", anonymousSession], "session from optional")
        XCTAssertEqual(made["resumed"], "no")
        try require(FileManager.default.fileExists(atPath: anonymousSession), "--sess-out wrote no session")

        // Offered to the strict server without a certificate: no resumption, no answer.
        let refused = try startTLSKitClient(port: strictPort, clientArguments + ["--sess-in", anonymousSession])
        let request = token("cert-less resumption")
        refused.send(request + "\n")
        let status = refused.waitForExit(timeout: Self.stepTimeout)
        XCTAssertNotNil(status, "the cert-less client should be disconnected")
        XCTAssertNotEqual(status, 0, "the cert-less client must fail:\n\(refused.transcript)")
        XCTAssertFalse(refused.standardOutput.contains(request), "the strict server answered a client without a certificate")
        XCTAssertTrue(refused.standardError.contains("certificate_required"), "alert seen by the client:\n\(refused.standardError)")
        XCTAssertTrue(
            strict.wait(timeout: Self.stepTimeout) { $0.standardError.contains("connection error:") },
            "the strict server logs the refused client:\n\(strict.standardError)")
        XCTAssertEqual(strict.standardErrorLines(startingWith: "accepted:"), [], "the strict server accepted no connection")

        // A client with a certificate gets through, offering the same session (full handshake) ...
        let certified = clientArguments + ["--cert", client.certificate, "--key", client.key]
        let full = try echoThroughTLSKitClient(port: strictPort, certified + ["--sess-in", anonymousSession], "certificate, old session")
        XCTAssertEqual(full["resumed"], "no")
        XCTAssertEqual(try acceptedConnections(strict, count: 1).last?["peer-certificate"]?.contains("interop-client"), true)

        // ... and a session whose certificate the lenient server verified resumes on the strict one.
        let verifiedSession = pki.path("verified-\(UUID().uuidString).pem")
        _ = try echoThroughTLSKitClient(port: lenientPort, certified + ["--sess-out", verifiedSession], "session with a certificate")
        let resumed = try echoThroughTLSKitClient(port: strictPort, certified + ["--sess-in", verifiedSession], "verified session")
        XCTAssertEqual(resumed["resumed"], "yes")
        XCTAssertEqual(try acceptedConnections(strict, count: 2).last?["resumed"], "yes")
    }
}
