import Foundation
import XCTest

/// Shared set-up for interop tests: one ``TestPKI`` per test class (removed when the class
/// finishes), the peers each test starts (stopped by process id when it ends, and their output
/// attached when it fails), and starting our `tlskit` and OpenSSL peers on loopback.
class InteropTestCase: XCTestCase {
    /// How long any single step (a handshake, an echo, an exit) may take.
    static let stepTimeout: TimeInterval = 10

    /// Guarded by `pkiLock`.
    nonisolated(unsafe) private static var pkis: [ObjectIdentifier: TestPKI] = [:]
    private static let pkiLock = NSLock()
    private var peers: [PeerProcess] = []

    override class func tearDown() {
        let pki = pkiLock.withLock { pkis.removeValue(forKey: ObjectIdentifier(self)) }
        pki?.remove()
        super.tearDown()
    }

    override func tearDown() {
        for peer in peers { peer.stop() }
        if let run = testRun, run.totalFailureCount > 0 {
            for peer in peers { print(peer.transcript) }
        }
        peers = []
        super.tearDown()
    }

    /// This class's certificates (made on first use).
    func pki() throws -> TestPKI {
        let openssl = try Peers.require("openssl")
        let key = ObjectIdentifier(type(of: self))
        if let existing = Self.pkiLock.withLock({ Self.pkis[key] }) { return existing }
        let pki = try TestPKI(openssl: openssl)
        Self.pkiLock.withLock { Self.pkis[key] = pki }
        return pki
    }

    /// Starts a peer that ``tearDown()`` will stop.
    func start(_ executable: String, _ arguments: [String], name: String? = nil, environment: [String: String]? = nil) throws -> PeerProcess {
        let peer = try PeerProcess(executable, arguments, name: name, environment: environment)
        peers.append(peer)
        return peer
    }

    // MARK: Our tlskit

    /// Starts `tlskit server --port 0` with `arguments` and returns it with the port it printed.
    func startTLSKitServer(
        _ arguments: [String], environment: [String: String]? = nil, file: StaticString = #filePath, line: UInt = #line
    ) throws -> (PeerProcess, Int) {
        let server = try start(
            try Peers.tlskit(), ["server", "--host", "127.0.0.1", "--port", "0"] + arguments, name: "tlskit server", environment: environment)
        let prefix = "listening: 127.0.0.1:"
        server.wait(timeout: Self.stepTimeout) { $0.standardOutput.contains(prefix) && $0.standardOutput.contains("\n") }
        guard let line = server.standardOutput.split(separator: "\n").first(where: { $0.hasPrefix(prefix) }),
            let port = Int(line.dropFirst(prefix.count))
        else {
            XCTFail("tlskit server did not print `\(prefix)PORT`:\n\(server.transcript)", file: file, line: line)
            throw XCTSkip("server did not start")
        }
        return (server, port)
    }

    /// Waits for the server's `accepted:` line and returns its fields (`cipher`, `group`, ...).
    func acceptedFields(_ server: PeerProcess, file: StaticString = #filePath, line: UInt = #line) throws -> [String: String] {
        server.wait(timeout: Self.stepTimeout) { !$0.standardErrorLines(startingWith: "accepted:").isEmpty }
        let accepted = server.standardErrorLines(startingWith: "accepted:").first
        try require(accepted != nil, "tlskit server logged no `accepted:` line", file: file, line: line)
        return Summary.fields(ofAcceptedLine: accepted ?? "")
    }

    /// A fresh key file from `tlskit ticket-keys`.
    func makeTicketKeyFile() throws -> String {
        let generator = try start(try Peers.tlskit(), ["ticket-keys"], name: "tlskit ticket-keys")
        generator.closeInput()
        let status = generator.waitForExit(timeout: Self.stepTimeout)
        try require(status == 0, "tlskit ticket-keys failed:\n\(generator.transcript)")
        XCTAssertTrue(generator.standardOutput.contains("tlskit-ticket-key-v1 "), "tlskit ticket-keys wrote no key line:\n\(generator.transcript)")
        let path = try pki().path("ticket-keys-\(UUID().uuidString).txt")
        try generator.standardOutput.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Starts `tlskit client 127.0.0.1:PORT` with `arguments`.
    func startTLSKitClient(port: Int, _ arguments: [String], environment: [String: String]? = nil) throws -> PeerProcess {
        try start(try Peers.tlskit(), ["client", "127.0.0.1:\(port)"] + arguments, name: "tlskit client", environment: environment)
    }

    /// Waits for the client's summary (its `resumed:` line comes last) and returns its fields.
    func summaryFields(_ client: PeerProcess, file: StaticString = #filePath, line: UInt = #line) throws -> [String: String] {
        client.wait(timeout: Self.stepTimeout) { !$0.standardErrorLines(startingWith: "resumed:").isEmpty }
        let fields = Summary.fields(ofClientOutput: client.standardError)
        try require(fields["resumed"] != nil, "tlskit client printed no handshake summary", file: file, line: line)
        return fields
    }

    // MARK: OpenSSL

    /// Starts `openssl s_server -accept 127.0.0.1:PORT` on a free port and waits for `ACCEPT`.
    /// A port taken between picking and binding is retried with another.
    func startOpenSSLServer(_ arguments: [String], file: StaticString = #filePath, line: UInt = #line) throws -> (PeerProcess, Int) {
        let openssl = try Peers.require("openssl")
        var last: PeerProcess?
        for _ in 0..<3 {
            let port = Peers.freePort()
            let server = try start(openssl, ["s_server", "-accept", "127.0.0.1:\(port)", "-naccept", "1"] + arguments, name: "openssl s_server")
            if server.waitFor("ACCEPT", timeout: Self.stepTimeout) { return (server, port) }
            server.stop()
            last = server
        }
        XCTFail("openssl s_server did not start:\n\(last?.transcript ?? "")", file: file, line: line)
        throw XCTSkip("s_server did not start")
    }

    /// Starts `openssl s_client -connect 127.0.0.1:PORT -servername localhost` verifying against `root`.
    func startOpenSSLClient(port: Int, root: String, _ arguments: [String]) throws -> PeerProcess {
        let openssl = try Peers.require("openssl")
        return try start(
            openssl,
            ["s_client", "-connect", "127.0.0.1:\(port)", "-servername", "localhost", "-CAfile", root, "-verify_return_error"] + arguments,
            name: "openssl s_client")
    }

    // MARK: Python

    /// Writes `source` as `name` into this class's temporary directory and returns its path.
    func script(_ name: String, _ source: String) throws -> String {
        let path = try pki().path(name)
        if !FileManager.default.fileExists(atPath: path) {
            try source.write(toFile: path, atomically: true, encoding: .utf8)
        }
        return path
    }

    // MARK: Echo

    /// A line unique to the running test, so that echoes cannot be confused with other output.
    func token(_ label: String) -> String {
        "ping-\(label)-\(UInt32.random(in: 0...UInt32.max))"
    }

    /// Sends `line` to `peer`'s stdin and waits until `expected` appears on its stdout.
    func echo(
        _ peer: PeerProcess, send line: String, expect expected: String, _ label: String,
        file: StaticString = #filePath, line sourceLine: UInt = #line
    ) throws {
        peer.send(line + "\n")
        let echoed = peer.wait(timeout: Self.stepTimeout) { $0.standardOutput.contains(expected) }
        try require(echoed, "\(label): `\(expected)` did not come back through \(peer.name)", file: file, line: sourceLine)
    }

    /// Fails and ends the test when a step the rest depends on did not happen, so that one
    /// stuck peer costs one timeout and one clear message rather than a cascade.
    func require(_ condition: Bool, _ message: @autoclosure () -> String, file: StaticString = #filePath, line: UInt = #line) throws {
        guard !condition else { return }
        let text = message()
        XCTFail(text, file: file, line: line)
        throw StepFailed(step: text)
    }

    /// Thrown by ``require(_:_:file:line:)`` after it has recorded the failure.
    struct StepFailed: Error, CustomStringConvertible {
        let step: String
        var description: String { "stopped after: \(step)" }
    }
}

/// Parses the `key: value` summaries tlskit prints.
enum Summary {
    static let keys = ["protocol", "cipher", "group", "alpn", "peer-certificate", "resumed"]

    /// The fields of the client's `key: value` lines on stderr.
    static func fields(ofClientOutput output: String) -> [String: String] {
        var fields: [String: String] = [:]
        for line in output.split(separator: "\n") {
            guard let separator = line.range(of: ": ") else { continue }
            let key = String(line[..<separator.lowerBound])
            if keys.contains(key) && fields[key] == nil { fields[key] = String(line[separator.upperBound...]) }
        }
        return fields
    }

    /// The fields of a server's `accepted: PEER protocol=... cipher=... ... resumed=...` line.
    /// Values may contain spaces (a certificate subject), so each runs to the next known key.
    static func fields(ofAcceptedLine line: String) -> [String: String] {
        var starts: [(key: String, range: Range<String.Index>)] = []
        for key in keys {
            if let range = line.range(of: " \(key)=") { starts.append((key, range)) }
        }
        starts.sort { $0.range.lowerBound < $1.range.lowerBound }
        var fields: [String: String] = [:]
        for (index, start) in starts.enumerated() {
            let end = index + 1 < starts.count ? starts[index + 1].range.lowerBound : line.endIndex
            fields[start.key] = String(line[start.range.upperBound..<end])
        }
        return fields
    }
}

/// Recognisable text for bulk transfers: numbered lines of 64 bytes.
enum BulkText {
    static func lines(count: Int) -> [String] {
        (0..<count).map { "bulk-\($0)-" + String(repeating: "x", count: 58 - String($0).count) }
    }
}
