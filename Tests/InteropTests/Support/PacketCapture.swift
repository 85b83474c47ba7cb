import Foundation
import XCTest

/// A `tshark` capture of one TCP port on the loopback interface, written to a file, and what
/// tshark can read back out of that file with a key log.
final class PacketCapture {
    /// The capture file (pcapng).
    let file: String
    private let tshark: String
    private let process: PeerProcess

    fileprivate init(tshark: String, file: String, process: PeerProcess) {
        self.tshark = tshark
        self.file = file
        self.process = process
    }

    /// Waits until the file holds packets that match the display filter `filter` on `count`
    /// different TCP connections. dumpcap hands packets over from the kernel in blocks, some time
    /// after they crossed the interface, and drops a block still in flight when it is stopped:
    /// so the last packet a test needs must be in the file before ``finish()``.
    @discardableResult
    func waitForConnections(matching filter: String, count: Int, timeout: TimeInterval) throws -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        repeat {
            // The file is still being written: a read may end in a torn packet, and says so on stderr.
            if Set(try read(["-Y", filter, "-T", "fields", "-e", "tcp.stream"])).count >= count { return true }
            Thread.sleep(forTimeInterval: 0.1)
        } while Date() < deadline
        return false
    }

    /// Stops the capture (SIGINT, so that tshark closes the file) and returns whether tshark
    /// exited cleanly and reported the packets it wrote.
    func finish(timeout: TimeInterval) -> Bool {
        let status = process.interrupt(timeout: timeout)
        return status == 0 && process.standardError.contains("captured")
    }

    /// tshark's own report, for failure messages.
    var transcript: String { process.transcript }

    /// One HTTP message that tshark dissected: the TCP stream it travelled on (0 for the first
    /// connection in the capture) and its start line.
    struct HTTPMessage: Hashable, CustomStringConvertible {
        let stream: Int
        let startLine: String
        var description: String { "stream \(stream): \(startLine)" }
    }

    /// The HTTP messages tshark finds in the capture when it decrypts it with `keyLog`: only
    /// records it could decrypt reach its HTTP dissector.
    func httpMessages(keyLog: String) throws -> [HTTPMessage] {
        let fields =
            ["tcp.stream", "http.request.method", "http.request.uri", "http.request.version"]
            + ["http.response.version", "http.response.code", "http.response.phrase"]
        let lines = try read(["-o", "tls.keylog_file:\(keyLog)", "-Y", "http", "-T", "fields"] + fields.flatMap { ["-e", $0] })
        return lines.compactMap { line in
            let values = line.split(separator: "\t", omittingEmptySubsequences: false).map(String.init)
            guard values.count == fields.count, let stream = Int(values[0]) else { return nil }
            let request = values[1...3].filter { !$0.isEmpty }
            let response = values[4...6].filter { !$0.isEmpty }
            return HTTPMessage(stream: stream, startLine: (request.isEmpty ? response : request).joined(separator: " "))
        }
    }

    /// The application data of TCP stream `stream`, decrypted with `keyLog`, both directions in
    /// order, as `tshark -z follow,tls,ascii` prints it.
    func decryptedStream(_ stream: Int, keyLog: String) throws -> String {
        try read(["-o", "tls.keylog_file:\(keyLog)", "-q", "-z", "follow,tls,ascii,\(stream)"]).joined(separator: "\n")
    }

    /// Runs `tshark -r FILE` with `arguments` and returns the lines of its standard output
    /// (its standard error carries warnings such as the one about running as root).
    private func read(_ arguments: [String]) throws -> [String] {
        let reader = try PeerProcess(tshark, ["-r", file] + arguments, name: "tshark -r")
        reader.closeInput()
        guard reader.waitForExit(timeout: InteropTestCase.stepTimeout) != nil else {
            throw InteropTestCase.StepFailed(step: "tshark did not finish reading \(file):\n\(reader.transcript)")
        }
        return reader.standardOutput.split(separator: "\n").map(String.init)
    }
}

extension InteropTestCase {
    /// Starts `tshark` capturing TCP port `port` on `lo` into `file`, and returns once it is
    /// capturing, so that the first packet of the connection that follows is in the file.
    ///
    /// tshark missing, or unable to capture here (no permission, no loopback interface), skips
    /// the test with the reason; with TLSKIT_REQUIRE_PEERS=1 it fails instead.
    func startCapture(port: Int, file: String) throws -> PacketCapture {
        let tshark = try Peers.require("tshark")
        let process = try start(tshark, ["-i", "lo", "-f", "tcp port \(port)", "-w", file], name: "tshark capture")
        // tshark says so on stderr once dumpcap has opened the interface with the filter applied.
        let capturing = process.wait(timeout: Self.stepTimeout) { $0.standardError.contains("Capturing on") }
        guard capturing, process.isRunning else {
            process.stop()
            let reason = process.standardError.split(separator: "\n").filter { !$0.contains("Running as user") }.joined(separator: " ")
            throw Peers.unavailable("tshark cannot capture on lo (\(reason.isEmpty ? "no `Capturing on` within \(Self.stepTimeout) s" : reason))")
        }
        return PacketCapture(tshark: tshark, file: file, process: process)
    }
}
