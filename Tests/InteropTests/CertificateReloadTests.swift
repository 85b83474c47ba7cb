import Foundation
import XCTest

/// `tlskit server` replaces its certificate while it runs (on SIGHUP, and when the files
/// change), seen by `openssl s_client -showcerts`: new connections get the new serial, a
/// connection made before keeps working, and a broken replacement leaves the old one serving.
final class CertificateReloadTests: InteropTestCase {
    /// `serial=...` of a PEM certificate file, as openssl prints it.
    private func serial(ofFile path: String) throws -> String {
        let result = try Peers.run(try Peers.require("openssl"), ["x509", "-noout", "-serial", "-in", path])
        XCTAssertEqual(result.status, 0, result.output)
        return result.output.split(separator: "\n").first { $0.hasPrefix("serial=") }.map { String($0.dropFirst(7)) } ?? ""
    }

    /// The serial of the leaf a new s_client connection is shown.
    private func servedSerial(port: Int, root: String, file: StaticString = #filePath, line: UInt = #line) throws -> String {
        let openssl = try Peers.require("openssl")
        let result = try Peers.run(
            openssl,
            ["s_client", "-connect", "127.0.0.1:\(port)", "-servername", "localhost", "-CAfile", root, "-verify_return_error", "-showcerts"],
            timeout: Self.stepTimeout)
        XCTAssertTrue(result.output.contains("Verify return code: 0 (ok)"), result.output, file: file, line: line)
        guard let begin = result.output.range(of: "-----BEGIN CERTIFICATE-----"),
            let end = result.output.range(of: "-----END CERTIFICATE-----", range: begin.upperBound..<result.output.endIndex)
        else {
            XCTFail("s_client showed no certificate:\n\(result.output)", file: file, line: line)
            return ""
        }
        let leaf = try pki().path("served-\(UUID().uuidString).pem")
        try String(result.output[begin.lowerBound..<end.upperBound]).appending("\n").write(toFile: leaf, atomically: true, encoding: .utf8)
        return try serial(ofFile: leaf)
    }

    /// Puts `source` at `target` with a rename, as deployment tools do.
    private func install(_ source: String, at target: String) throws {
        let temporary = target + ".new"
        try? FileManager.default.removeItem(atPath: temporary)
        try FileManager.default.copyItem(atPath: source, toPath: temporary)
        XCTAssertEqual(rename(temporary, target), 0)
    }

    func testReloadServesTheNewCertificateAndKeepsEstablishedConnections() throws {
        let pki = try pki()
        let original = try pki.server(.p256)
        let renewed = try pki.renewedServer(.p256)
        let (originalSerial, renewedSerial) = (try serial(ofFile: original.certificate), try serial(ofFile: renewed.certificate))
        XCTAssertNotEqual(originalSerial, renewedSerial)
        let chain = pki.path("live-\(UUID().uuidString).pem")
        let key = pki.path("live-\(UUID().uuidString).key")
        try install(original.certificate, at: chain)
        try install(original.key, at: key)

        let (server, port) = try startTLSKitServer(["--cert", chain, "--key", key])
        XCTAssertEqual(try servedSerial(port: port, root: original.root), originalSerial)
        let established = try startOpenSSLClient(port: port, root: original.root, ["-tls1_3"])
        try echo(established, send: "before-reload", expect: "before-reload", "established connection")

        // Renewal: both files replaced, then SIGHUP.
        try install(renewed.certificate, at: chain)
        try install(renewed.key, at: key)
        kill(server.processIdentifier, SIGHUP)
        let reloaded = "certificates-reloaded: serial \(renewedSerial)"
        try require(server.wait(timeout: Self.stepTimeout) { $0.standardError.contains(reloaded) }, "no `\(reloaded)` line")
        XCTAssertEqual(try servedSerial(port: port, root: original.root), renewedSerial, "new connections get the renewed certificate")
        try echo(established, send: "after-reload", expect: "after-reload", "connection made before the reload")

        // A corrupt replacement, found by the change check: one error line, old chain stays.
        try "-----BEGIN CERTIFICATE-----\ncorrupt\n-----END CERTIFICATE-----\n".write(toFile: chain + ".bad", atomically: true, encoding: .utf8)
        try install(chain + ".bad", at: chain)
        try require(
            server.wait(timeout: Self.stepTimeout) { !$0.standardErrorLines(startingWith: "error: certificate reload refused").isEmpty },
            "no error line for the corrupt certificate file")
        Thread.sleep(forTimeInterval: 2.5)
        let errors = server.standardErrorLines(startingWith: "error:")
        XCTAssertEqual(errors.count, 1, "one error line: \(errors)")
        XCTAssertTrue(errors.first?.contains("still serving serial \(renewedSerial)") == true, "\(errors)")
        XCTAssertEqual(try servedSerial(port: port, root: original.root), renewedSerial, "the renewed certificate still serves")
        XCTAssertTrue(server.isRunning, "the server keeps running")
        try echo(established, send: "after-corrupt", expect: "after-corrupt", "connection made before the reloads")
        established.closeInput()
        XCTAssertEqual(established.waitForExit(timeout: Self.stepTimeout), 0)
    }

    func testKeyThatDoesNotMatchIsRefused() throws {
        let pki = try pki()
        let original = try pki.server(.p256)
        let renewed = try pki.renewedServer(.p256)
        let chain = pki.path("live-\(UUID().uuidString).pem")
        let key = pki.path("live-\(UUID().uuidString).key")
        try install(original.certificate, at: chain)
        try install(original.key, at: key)
        let (server, port) = try startTLSKitServer(["--cert", chain, "--key", key])
        // The renewed certificate deployed without its key.
        try install(renewed.certificate, at: chain)
        kill(server.processIdentifier, SIGHUP)
        try require(
            server.wait(timeout: Self.stepTimeout) { !$0.standardErrorLines(startingWith: "error: certificate reload refused").isEmpty },
            "no error line for the mismatched key")
        XCTAssertTrue(server.standardError.contains("does not match"), server.standardError)
        XCTAssertEqual(try servedSerial(port: port, root: original.root), try serial(ofFile: original.certificate))
    }
}
