import Foundation
import XCTest

/// The key log is right when Wireshark can use it: `tshark` captures `tlskit client` asking
/// `tlskit server --www` for a page over loopback, then finds the request and the response in
/// the capture with nothing but the key log (the client's, and the server's) to decrypt it.
final class KeyLogTests: InteropTestCase {
    /// Where a key log's path comes from.
    private enum Source {
        /// `--keylog-file PATH`.
        case flag
        /// `SSLKEYLOGFILE=PATH` in the environment, without the flag.
        case environment
    }

    private var directory: URL!

    override func setUpWithError() throws {
        try super.setUpWithError()
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("tlskit-keylog-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDown() {
        // The peers (tshark included) stop first, so that nothing still writes into the directory.
        super.tearDown()
        try? FileManager.default.removeItem(at: directory)
    }

    private func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// Has `client` ask for `page` and waits until it has the response and has exited.
    ///
    /// Its input stays open, as an HTTP/1.0 client's connection does, until the server has
    /// answered and closed: a client that closed first would send close_notify to a socket that
    /// `--www` may already have closed, and the reset that comes back fails the client.
    private func request(_ page: String, through client: PeerProcess, _ label: String, file: StaticString = #filePath, line: UInt = #line)
        throws
    {
        client.send("GET \(page) HTTP/1.0\r\n\r\n")
        let status = client.waitForExit(timeout: Self.stepTimeout)
        client.closeInput()
        try require(
            status == 0, "\(label): tlskit client failed (status \(status.map(String.init) ?? "timeout")):\n\(client.standardError)", file: file,
            line: line)
        XCTAssertTrue(
            client.standardOutput.hasPrefix("HTTP/1.0 200 ok\r\n"), "\(label): no HTTP response:\n\(client.standardOutput)", file: file, line: line)
    }

    /// The arguments and environment that give a tlskit process the key log `path` from `source`.
    private func keyLog(_ path: String, from source: Source) -> (arguments: [String], environment: [String: String]) {
        switch source {
        case .flag: return (["--keylog-file", path], [:])
        case .environment: return ([], ["SSLKEYLOGFILE": path])
        }
    }

    /// Captures one connection (with `resumption`, a full one that saves its session and a second
    /// that resumes it, from another client process) negotiating `suite`, each asking for a page
    /// of its own, and checks that the key logs from `source` decrypt every one of them.
    private func checkKeyLogDecryptsCapture(
        _ label: String, suite: String, source: Source, resumption: Bool = false, file: StaticString = #filePath, line: UInt = #line
    ) throws {
        _ = try Peers.require("tshark")
        let serverKeyLog = path("server.keylog")
        let clientKeyLog = path("client.keylog")
        let server = keyLog(serverKeyLog, from: source)
        let client = keyLog(clientKeyLog, from: source)
        let (_, port) = try startTLSKitServer(
            ["--www", "--ciphersuites", suite] + server.arguments, environment: server.environment, file: file, line: line)
        let capture = try startCapture(port: port, file: path("capture.pcapng"))

        // Resumption runs the client twice, into one key log: the second run must add its
        // secrets after the first's, or the first connection cannot be decrypted.
        let session = path("session.pem")
        let runs: [(arguments: [String], resumed: String)] =
            resumption ? [(["--sess-out", session], "no"), (["--sess-in", session], "yes")] : [([], "no")]
        var paths: [String] = []
        for (index, run) in runs.enumerated() {
            let page = "/keylog-\(index)-\(UInt32.random(in: 0...UInt32.max))"
            paths.append(page)
            let process = try startTLSKitClient(
                port: port, ["--insecure", "--ciphersuites", suite] + client.arguments + run.arguments, environment: client.environment)
            try request(page, through: process, "\(label), connection \(index)", file: file, line: line)
            let summary = Summary.fields(ofClientOutput: process.standardError)
            XCTAssertEqual(summary["cipher"], suite, "\(label), connection \(index): negotiated cipher", file: file, line: line)
            XCTAssertEqual(summary["resumed"], run.resumed, "\(label), connection \(index): resumed", file: file, line: line)
        }

        // The server closes each connection right after its response, so its FIN, or its reset
        // of the client's late close_notify, comes after everything the checks below decrypt.
        let complete = try capture.waitForConnections(
            matching: "tcp.srcport == \(port) && (tcp.flags.fin == 1 || tcp.flags.reset == 1)", count: runs.count, timeout: Self.stepTimeout)
        try require(complete, "\(label): the capture never held the end of every connection:\n\(capture.transcript)", file: file, line: line)
        try require(
            capture.finish(timeout: Self.stepTimeout), "\(label): tshark did not close the capture:\n\(capture.transcript)", file: file, line: line)

        // Without a key log the requests are not there to find: what tshark finds below, it decrypted.
        let raw = try Data(contentsOf: URL(fileURLWithPath: capture.file))
        for page in paths {
            XCTAssertNil(raw.range(of: Data(page.utf8)), "\(label): \(page) crossed the wire in the clear", file: file, line: line)
        }

        for keyLog in [clientKeyLog, serverKeyLog] {
            let secrets = (try? String(contentsOfFile: keyLog, encoding: .utf8)) ?? ""
            XCTAssertEqual(
                secrets.split(separator: "\n").filter { $0.hasPrefix("CLIENT_TRAFFIC_SECRET_0 ") }.count, runs.count,
                "\(label): \(keyLog) should hold one set of secrets per connection", file: file, line: line)
            let messages = Set(try capture.httpMessages(keyLog: keyLog))
            print("\(label): tshark decrypted with \(URL(fileURLWithPath: keyLog).lastPathComponent): \(messages.sorted { "\($0)" < "\($1)" })")
            for (stream, page) in paths.enumerated() {
                let expected = [
                    PacketCapture.HTTPMessage(stream: stream, startLine: "GET \(page) HTTP/1.0"),
                    PacketCapture.HTTPMessage(stream: stream, startLine: "HTTP/1.0 200 ok"),
                ]
                for message in expected {
                    XCTAssertTrue(
                        messages.contains(message), "\(label): decrypting with \(keyLog) should reveal `\(message)`; tshark found \(messages)",
                        file: file, line: line)
                }
            }
        }

        // The page the server sent back names what it negotiated, so the decrypted stream proves
        // which handshake the key log belongs to.
        for (stream, page) in paths.enumerated() {
            let decrypted = try capture.decryptedStream(stream, keyLog: clientKeyLog)
            // `\r\n` is one Character in Swift: split on every kind of line break.
            let lines = decrypted.split(whereSeparator: \.isNewline).map { String($0).trimmingCharacters(in: .whitespaces) }
            let expected = ["GET \(page) HTTP/1.0", "HTTP/1.0 200 ok", "cipher: \(suite)", "resumed: \(runs[stream].resumed)"]
            print("\(label): stream \(stream) decrypted: \(lines.filter(expected.contains))")
            for text in expected {
                XCTAssertTrue(
                    lines.contains(text), "\(label): stream \(stream) decrypted lacks `\(text)`:\n\(decrypted)", file: file, line: line)
            }
        }
    }

    // MARK: Cipher suites

    func testKeyLogDecryptsAES128GCMSHA256() throws {
        try checkKeyLogDecryptsCapture("TLS_AES_128_GCM_SHA256", suite: "TLS_AES_128_GCM_SHA256", source: .flag)
    }

    func testKeyLogDecryptsAES256GCMSHA384() throws {
        try checkKeyLogDecryptsCapture("TLS_AES_256_GCM_SHA384", suite: "TLS_AES_256_GCM_SHA384", source: .flag)
    }

    /// The one case that names the key logs through `SSLKEYLOGFILE` alone.
    func testKeyLogFromSSLKEYLOGFILEDecryptsChaCha20Poly1305SHA256() throws {
        try checkKeyLogDecryptsCapture("SSLKEYLOGFILE, TLS_CHACHA20_POLY1305_SHA256", suite: "TLS_CHACHA20_POLY1305_SHA256", source: .environment)
    }

    // MARK: Resumption

    func testKeyLogDecryptsResumedConnection() throws {
        try checkKeyLogDecryptsCapture("resumption", suite: "TLS_AES_128_GCM_SHA256", source: .flag, resumption: true)
    }

    // MARK: Where the key log goes

    /// `--keylog-file` wins over `SSLKEYLOGFILE`, and an empty one turns key logging off.
    func testKeyLogFileFlagWinsOverSSLKEYLOGFILE() throws {
        let (_, port) = try startTLSKitServer(["--www"])
        let cases: [(label: String, flag: String, logged: String?)] = [
            ("--keylog-file FILE", path("flag.keylog"), path("flag.keylog")),
            ("--keylog-file ''", "", nil),
        ]
        for (index, testCase) in cases.enumerated() {
            let environmentKeyLog = path("environment-\(index).keylog")
            let client = try startTLSKitClient(
                port: port, ["--insecure", "--keylog-file", testCase.flag], environment: ["SSLKEYLOGFILE": environmentKeyLog])
            try request("/", through: client, testCase.label)
            XCTAssertFalse(
                FileManager.default.fileExists(atPath: environmentKeyLog), "\(testCase.label): SSLKEYLOGFILE should be ignored")
            if let logged = testCase.logged {
                let secrets = (try? String(contentsOfFile: logged, encoding: .utf8)) ?? ""
                XCTAssertTrue(secrets.hasPrefix("CLIENT_HANDSHAKE_TRAFFIC_SECRET "), "\(testCase.label): no secrets in \(logged): \(secrets)")
            }
        }
    }

    /// An empty `SSLKEYLOGFILE` is no key log, not a file without a name: the client runs.
    func testEmptySSLKEYLOGFILELogsNothing() throws {
        let (_, port) = try startTLSKitServer(["--www"])
        let client = try startTLSKitClient(port: port, ["--insecure"], environment: ["SSLKEYLOGFILE": ""])
        try request("/", through: client, "empty SSLKEYLOGFILE")
    }
}
