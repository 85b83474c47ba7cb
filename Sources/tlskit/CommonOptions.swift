import ArgumentParser
import Foundation
import Logging
import TLSKit

/// Options both `server` and `client` take.
struct CommonOptions: ParsableArguments {
    @Option(help: "Certificate chain, PEM (leaf first).")
    var cert: String?

    @Option(help: "Private key for --cert, PEM.")
    var key: String?

    @Option(help: "Trust roots, PEM: the server's roots for a client, client roots for a server.")
    var ca: String?

    @Option(help: "ALPN protocols in preference order, comma-separated.")
    var alpn: String?

    @Option(
        help: """
            Key exchange groups in preference order, comma-separated (X25519MLKEM768, SecP256r1MLKEM768, \
            SecP384r1MLKEM1024, x25519, secp256r1, secp384r1).
            """)
    var groups: String?

    @Option(help: "TLS 1.3 cipher suites in preference order, comma-separated IANA names.")
    var ciphersuites: String?

    @Option(
        name: .customLong("keylog-file"),
        help: """
            Append secrets to this file in the NSS key log format (debugging only). Without this flag, \
            the SSLKEYLOGFILE environment variable names the file, as for curl and browsers; an empty name \
            (either way) logs nothing.
            """)
    var keylogFile: String?

    @Option(
        name: .customLong("log-level"),
        help: """
            Log each handshake (info) and each failed connection (notice) on stderr through swift-log, at \
            this level or above: trace, debug, info, notice, warning, error, critical. Off by default.
            """)
    var logLevel: String?

    /// The logger the handlers report to, when `--log-level` asks for one.
    func logger(label: String) throws -> Logger? {
        guard let logLevel else { return nil }
        guard let level = Logger.Level(rawValue: logLevel) else {
            throw ValidationError("--log-level must be one of \(Logger.Level.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        var logger = Logger(label: label) { StreamLogHandler.standardError(label: $0) }
        logger.logLevel = level
        return logger
    }

    func certifiedKey() throws -> CertifiedKey? {
        try certificateFiles().map { try CertifiedKey(chainPEMFile: $0.chainPEMFile, privateKeyPEMFile: $0.privateKeyPEMFile) }
    }

    func certificateFiles() throws -> ReloadableCertificates.Files? {
        switch (cert, key) {
        case (nil, nil): return nil
        case (let cert?, let key?): return ReloadableCertificates.Files(chainPEMFile: cert, privateKeyPEMFile: key)
        default: throw ValidationError("--cert and --key go together")
        }
    }

    func trustRoots() throws -> TrustRoots? {
        try ca.map { try TrustRoots(pemFile: $0) }
    }

    func applicationProtocols() -> [String] {
        alpn.map(Self.list) ?? []
    }

    func namedGroups() throws -> [NamedGroup]? {
        try groups.map {
            try Self.list($0).map { name in
                guard let group = NamedGroup(name: name) else { throw ValidationError("unknown group \(name)") }
                return group
            }
        }
    }

    func cipherSuites() throws -> [CipherSuite]? {
        try ciphersuites.map {
            try Self.list($0).map { name in
                guard let suite = CipherSuite(name: name) else { throw ValidationError("unknown cipher suite \(name)") }
                return suite
            }
        }
    }

    /// The environment variable that curl, browsers and other TLS tools read the key log path from.
    static let keyLogEnvironmentVariable = "SSLKEYLOGFILE"

    /// The key log file: `--keylog-file`, else `SSLKEYLOGFILE`. The flag wins so that one run can
    /// log elsewhere, or nowhere with an empty name, without changing the environment.
    func keyLogPath(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
        guard let path = keylogFile ?? environment[Self.keyLogEnvironmentVariable], !path.isEmpty else { return nil }
        return path
    }

    func keyLog() throws -> KeyLogCallback? {
        guard let path = keyLogPath() else { return nil }
        // O_APPEND, not a seek to the end: several processes (a client run after run, a client and
        // a server) share one key log, and each line must land whole after the others. Permissions
        // are the usual 0666 less the umask, as curl's and NSS's fopen(path, "a").
        let descriptor = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0o666)
        guard descriptor >= 0 else {
            let source = keylogFile == nil ? " (from \(Self.keyLogEnvironmentVariable))" : ""
            throw ValidationError("cannot write key log \(path)\(source): \(String(cString: strerror(errno)))")
        }
        let writer = LineWriter(handle: FileHandle(fileDescriptor: descriptor, closeOnDealloc: true))
        return { writer.write($0) }
    }

    private static func list(_ text: String) -> [String] {
        text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}

/// Writes whole lines to a file handle from any thread.
final class LineWriter: @unchecked Sendable {
    private let handle: FileHandle
    private let lock = NSLock()

    init(handle: FileHandle) { self.handle = handle }

    func write(_ line: String) {
        lock.withLock { handle.write(Data((line + "\n").utf8)) }
    }
}

/// stderr output, one line at a time.
enum Console {
    static let standardError = LineWriter(handle: FileHandle.standardError)
    static let standardOutput = LineWriter(handle: FileHandle.standardOutput)

    static func error(_ line: String) { standardError.write(line) }

    /// The `key: value` lines describing a completed handshake.
    static func summary(_ parameters: NegotiatedParameters) -> [String] {
        [
            "protocol: TLSv1.3",
            "cipher: \(parameters.cipherSuite)",
            "group: \(parameters.group.map(String.init(describing:)) ?? "none")",
            "alpn: \(parameters.applicationProtocol ?? "none")",
            "peer-certificate: \(parameters.peerCertificates.first.map { String(describing: $0.subject) } ?? "none")",
            "resumed: \(parameters.isResumed ? "yes" : "no")",
        ]
    }

    /// One line for a failure, naming the alert if one crossed the wire.
    static func describe(_ error: Error) -> String {
        if let error = error as? TLSError {
            if let alert = error.alertReceived { return "handshake failed: peer sent alert \(alert)" }
            return "\(error)"
        }
        return "\(error)"
    }
}
