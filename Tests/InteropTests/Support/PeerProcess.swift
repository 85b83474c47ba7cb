import Foundation
import XCTest

/// A child process (a real TLS peer, or our own `tlskit`) whose output is collected as it
/// arrives, with bounded waits and a guaranteed stop.
final class PeerProcess: @unchecked Sendable {
    let name: String
    private let process = Process()
    private let stdinPipe = Pipe()
    private let stdoutPipe = Pipe()
    private let stderrPipe = Pipe()
    private let lock = NSLock()
    private var stdoutData = Data()
    private var stderrData = Data()
    private var stdoutEnded = false
    private var stderrEnded = false
    /// The command line, for failure messages.
    let commandLine: String

    init(_ executable: String, _ arguments: [String], name: String? = nil, environment: [String: String]? = nil) throws {
        _ = Peers.ignoreBrokenPipes
        self.name = name ?? URL(fileURLWithPath: executable).lastPathComponent
        self.commandLine = ([executable] + arguments).joined(separator: " ")
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        if let environment { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        process.standardInput = stdinPipe
        process.standardOutput = stdoutPipe
        process.standardError = stderrPipe
        // An empty read is the end of the stream: stop watching it, or the handler spins.
        stdoutPipe.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            if data.isEmpty { handle.readabilityHandler = nil }
            self?.lock.withLock {
                if data.isEmpty { self?.stdoutEnded = true } else { self?.stdoutData.append(data) }
            }
        }
        stderrPipe.fileHandleForReading.readabilityHandler = { [weak self] handle in
            let data = handle.availableData
            if data.isEmpty { handle.readabilityHandler = nil }
            self?.lock.withLock {
                if data.isEmpty { self?.stderrEnded = true } else { self?.stderrData.append(data) }
            }
        }
        try process.run()
    }

    deinit { stop() }

    var standardOutput: String { lock.withLock { String(decoding: stdoutData, as: UTF8.self) } }
    var standardError: String { lock.withLock { String(decoding: stderrData, as: UTF8.self) } }
    /// Both streams, for assertions that do not care which one a peer prints to.
    var allOutput: String { standardOutput + "\n" + standardError }
    var isRunning: Bool { process.isRunning }
    var processIdentifier: Int32 { process.processIdentifier }

    func send(_ text: String) {
        try? stdinPipe.fileHandleForWriting.write(contentsOf: Data(text.utf8))
    }

    func closeInput() {
        try? stdinPipe.fileHandleForWriting.close()
    }

    /// Waits until `predicate` holds for the collected output, the process exits, or the timeout passes.
    @discardableResult
    func wait(timeout: TimeInterval = 15, until predicate: (PeerProcess) -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if predicate(self) { return true }
            if !process.isRunning { return predicate(self) }
            Thread.sleep(forTimeInterval: 0.02)
        }
        return predicate(self)
    }

    /// Waits for `text` to appear on either stream.
    @discardableResult
    func waitFor(_ text: String, timeout: TimeInterval = 15) -> Bool {
        wait(timeout: timeout) { $0.allOutput.contains(text) }
    }

    /// Waits for the process to exit; stops it if it does not within the timeout.
    @discardableResult
    func waitForExit(timeout: TimeInterval = 15) -> Int32? {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        if process.isRunning {
            stop()
            return nil
        }
        drainOutput()
        return process.terminationStatus
    }

    /// Lets the readers collect what is left in the pipes of an exited process (bounded).
    private func drainOutput() {
        let deadline = Date().addingTimeInterval(1)
        while Date() < deadline && !lock.withLock({ stdoutEnded && stderrEnded }) { Thread.sleep(forTimeInterval: 0.01) }
    }

    /// Everything the process printed, labelled, for failure messages.
    var transcript: String {
        "--- \(name): \(commandLine)\n[stdout]\n\(standardOutput)\n[stderr]\n\(standardError)"
    }

    /// The lines of standard error that start with `prefix`.
    func standardErrorLines(startingWith prefix: String) -> [String] {
        standardError.split(separator: "\n").map(String.init).filter { $0.hasPrefix(prefix) }
    }

    /// Sends SIGINT, for peers that finish their work on it (tshark closes its capture file), and
    /// waits for the exit; stops the process if it does not exit within the timeout.
    @discardableResult
    func interrupt(timeout: TimeInterval = 15) -> Int32? {
        guard process.isRunning else { return waitForExit(timeout: 0) }
        kill(process.processIdentifier, SIGINT)
        return waitForExit(timeout: timeout)
    }

    /// Stops the process by its id: SIGTERM, then SIGKILL.
    func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGTERM)
        let deadline = Date().addingTimeInterval(2)
        while process.isRunning && Date() < deadline { Thread.sleep(forTimeInterval: 0.02) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        drainOutput()
    }
}

/// Finding peers and our own binary, and skipping (or failing in CI) when a peer is missing.
enum Peers {
    /// Writing to a peer that has exited must fail with EPIPE, not kill the test process.
    static let ignoreBrokenPipes: Void = { _ = signal(SIGPIPE, SIG_IGN) }()

    /// Runs a short command to completion (bounded by `timeout`) and returns its status and output.
    @discardableResult
    static func run(_ executable: String, _ arguments: [String], timeout: TimeInterval = 30) throws -> (status: Int32?, output: String) {
        let process = try PeerProcess(executable, arguments)
        process.closeInput()
        let status = process.waitForExit(timeout: timeout)
        return (status, process.allOutput)
    }

    /// The absolute path of `command` on PATH, if any.
    static func find(_ command: String) -> String? {
        let paths = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        for directory in paths {
            let candidate = "\(directory)/\(command)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// Returns the peer's path, or skips the test with a clear reason. With
    /// TLSKIT_REQUIRE_PEERS=1 (set by CI) a missing peer fails instead.
    static func require(_ command: String) throws -> String {
        if let path = find(command) { return path }
        throw unavailable("\(command) not found on PATH")
    }

    /// Returns python3's path if it can import `modules`; otherwise skips (fails with
    /// TLSKIT_REQUIRE_PEERS=1) like ``require(_:)``.
    static func requirePython(importing modules: [String]) throws -> String {
        let python = try require("python3")
        let list = modules.joined(separator: ", ")
        guard try run(python, ["-c", "import \(list)"]).status == 0 else { throw unavailable("python3 cannot import \(list)") }
        return python
    }

    /// The skip for a peer that cannot run here; with TLSKIT_REQUIRE_PEERS=1 it records a failure first.
    static func unavailable(_ what: String) -> XCTSkip {
        let reason = "\(what): interop test skipped"
        if ProcessInfo.processInfo.environment["TLSKIT_REQUIRE_PEERS"] == "1" {
            XCTFail(reason + " (TLSKIT_REQUIRE_PEERS=1)")
        }
        return XCTSkip(reason)
    }

    /// The `tlskit` executable built next to the test bundle (`TLSKIT_BINARY` overrides).
    /// On Linux the bundle is a plain file in the build directory; on macOS a directory in it.
    static func tlskit() throws -> String {
        if let given = ProcessInfo.processInfo.environment["TLSKIT_BINARY"], FileManager.default.isExecutableFile(atPath: given) {
            return given
        }
        let starts = [Bundle(for: PeerProcess.self).bundleURL, Bundle.main.bundleURL, URL(fileURLWithPath: CommandLine.arguments[0])]
        for start in starts {
            var directory = start
            for _ in 0..<4 {
                let candidate = directory.appendingPathComponent("tlskit").path
                if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
                directory = directory.deletingLastPathComponent()
            }
        }
        XCTFail("the tlskit executable was not built next to the tests (run `swift build` first)")
        throw XCTSkip("tlskit executable missing")
    }

    /// A port that was free a moment ago on 127.0.0.1.
    static func freePort() -> Int {
        let socketDescriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(socketDescriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socketDescriptor, $0, length) } }
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socketDescriptor, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
