import Dispatch
import Foundation
import NIOConcurrencyHelpers
import XCTest

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The system's curl (built with nghttp2, as Debian's is), the real HTTP/2 client these tests
/// drive.
struct Curl: Sendable {
    let path: String

    /// curl's own bound on a request; the wait for its exit allows for a little more.
    static let maxTime = 10
    static let exitTimeout: TimeInterval = 20

    /// curl from PATH, or a skip; with TLSKIT_REQUIRE_PEERS=1 (set by CI) a missing curl fails.
    static func require() throws -> Curl {
        let directories = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        for directory in directories {
            let candidate = "\(directory)/curl"
            if FileManager.default.isExecutableFile(atPath: candidate) { return Curl(path: candidate) }
        }
        let reason = "curl not found on PATH: test skipped"
        if ProcessInfo.processInfo.environment["TLSKIT_REQUIRE_PEERS"] == "1" {
            XCTFail(reason + " (TLSKIT_REQUIRE_PEERS=1)")
        }
        throw XCTSkip(reason)
    }

    /// `GET https://127.0.0.1:port/` with `options` (`--http2`, `--http1.1`, ...), verbose so that
    /// the ALPN outcome is in standard error, and the HTTP version curl used written after the body.
    func get(port: Int, _ options: [String]) async -> CurlResult {
        let arguments =
            options + [
                "-sk", "-v", "--max-time", String(Self.maxTime),
                "-w", "\n%{http_version}",
                "https://127.0.0.1:\(port)/",
            ]
        let path = self.path
        // Off the cooperative pool: waiting for a process blocks its thread.
        return await withCheckedContinuation { continuation in
            DispatchQueue.global().async {
                continuation.resume(returning: Self.run(path, arguments, options: options))
            }
        }
    }

    private static func run(_ path: String, _ arguments: [String], options: [String]) -> CurlResult {
        let commandLine = ([path] + arguments.map { $0.contains(" ") || $0.contains("\n") ? "'\($0)'" : $0 })
            .joined(separator: " ")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        let output = PipeReader()
        let errors = PipeReader()
        process.standardOutput = output.pipe
        process.standardError = errors.pipe
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        do {
            try process.run()
        } catch {
            return CurlResult(
                options: options, commandLine: commandLine, exitStatus: nil, standardOutput: "", standardError: "\(error)")
        }
        output.startReading()
        errors.startReading()
        var status: Int32?
        if exited.wait(timeout: .now() + exitTimeout) == .timedOut {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        } else {
            status = process.terminationStatus
        }
        return CurlResult(
            options: options, commandLine: commandLine, exitStatus: status, standardOutput: output.text(), standardError: errors.text())
    }
}

/// Reads a pipe to its end on a thread of its own, so that a full pipe never stalls the child.
private final class PipeReader: Sendable {
    let pipe = Pipe()
    private let data = NIOLockedValueBox(Data())
    private let done = DispatchGroup()

    func startReading() {
        let handle = pipe.fileHandleForReading
        done.enter()
        DispatchQueue.global().async { [data, done] in
            let read = handle.readDataToEndOfFile()
            data.withLockedValue { $0 = read }
            done.leave()
        }
    }

    /// What was read; bounded, since a grandchild holding the pipe open would keep it from ending.
    func text() -> String {
        _ = done.wait(timeout: .now() + 5)
        return String(decoding: data.withLockedValue { $0 }, as: UTF8.self)
    }
}

/// What one curl run printed.
struct CurlResult: Sendable {
    /// The options the test chose, without those every run has.
    let options: [String]
    let commandLine: String
    /// `nil` if curl had to be killed.
    let exitStatus: Int32?
    let standardOutput: String
    let standardError: String

    /// The response body: standard output up to the line `-w` appends.
    var body: String {
        guard let newline = standardOutput.lastIndex(of: "\n") else { return standardOutput }
        return String(standardOutput[..<newline])
    }

    /// `%{http_version}`: `2` or `1.1`.
    var httpVersion: String {
        guard let newline = standardOutput.lastIndex(of: "\n") else { return "" }
        return String(standardOutput[standardOutput.index(after: newline)...])
    }

    /// The protocol the server accepted in ALPN as curl's `-v` reports it (`* ALPN: server
    /// accepted h2`, older curls `* ALPN, server accepted to use h2`); `nil` if none was.
    var acceptedALPN: String? {
        for line in standardError.split(separator: "\n") where line.contains("ALPN") {
            guard let accepted = line.range(of: "accepted ") else { continue }
            var rest = line[accepted.upperBound...]
            if rest.hasPrefix("to use ") { rest = rest.dropFirst("to use ".count) }
            return rest.trimmingCharacters(in: .whitespaces)
        }
        return nil
    }

    /// Everything curl printed, for failure messages.
    var transcript: String {
        "--- \(commandLine)\nexit status: \(exitStatus.map(String.init) ?? "killed")\n[stdout]\n\(standardOutput)\n[stderr]\n\(standardError)"
    }

    /// One line for the test log: what the client negotiated and got.
    var summary: String {
        "curl \(options.joined(separator: " ")): ALPN \(acceptedALPN ?? "none"), HTTP \(httpVersion), body \"\(body)\""
    }
}
