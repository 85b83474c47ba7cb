import ArgumentParser
import Foundation
import NIOCore
import NIOPosix
import TLSKit
import TLSKitNIO

struct ClientCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "client",
        abstract: "Connect with TLS 1.3, print what was negotiated on stderr, then pipe stdin to the server and its data to stdout.")

    @Argument(help: "HOST:PORT to connect to.")
    var address: String

    @Option(name: .customLong("server-name"), help: "Name to verify the certificate against and send in SNI (default: HOST).")
    var serverName: String?

    @Flag(help: "Accept any server certificate. INSECURE: for tests only.")
    var insecure = false

    @OptionGroup var common: CommonOptions

    @Option(name: .customLong("sess-out"), help: "Write each session (ticket) received to this file, PEM; the last one wins.")
    var sessionOut: String?

    @Option(name: .customLong("sess-in"), help: "Resume the session in this PEM file (from --sess-out).")
    var sessionIn: String?

    @Option(parsing: .unconditional, help: "Make N more connections after the first, each resuming with a ticket from the previous one.")
    var reconnect = 0

    @Option(
        name: .customLong("early-data"),
        help: ArgumentHelp(
            "Send this file's contents as early data (0-RTT) when resuming (with --sess-in or --reconnect).",
            discussion: "Sent only when the session allows that much early data. Prints early-data: accepted, "
                + "rejected or not sent; rejected early data is not sent again."))
    var earlyDataFile: String?

    @Flag(name: .customLong("post-handshake-auth"), help: "Offer post-handshake client authentication (with --cert/--key).")
    var postHandshakeAuth = false

    func validate() throws {
        _ = try parseAddress()
        try FlagRange.check(reconnect, in: 0...10_000, "--reconnect")
    }

    func run() throws {
        let (host, port) = try parseAddress()
        let configuration: ClientConfiguration
        var session: ClientSession?
        var earlyData: [UInt8]?
        let monitoring: TLSMonitoring
        do {
            if let earlyDataFile { earlyData = Array(try Data(contentsOf: URL(fileURLWithPath: earlyDataFile))) }
            configuration = try makeConfiguration()
            monitoring = TLSMonitoring(logger: try common.logger(label: "tlskit.client"))
            if let sessionIn {
                session = try ClientSession(pemEncoded: try String(contentsOfFile: sessionIn, encoding: .utf8))
            }
        } catch {
            Console.error("error: \(Console.describe(error))")
            throw ExitCode.usage
        }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        defer { try? group.syncShutdownGracefully() }
        for index in 0...reconnect {
            // With --reconnect each connection only handshakes and collects its tickets; otherwise stdin is piped.
            try connectOnce(
                host: host, port: port, configuration: configuration, monitoring: monitoring, session: index == 0 ? session : nil,
                earlyData: earlyData, group: group, pipeInput: reconnect == 0)
        }
    }

    private func connectOnce(
        host: String, port: Int, configuration: ClientConfiguration, monitoring: TLSMonitoring, session: ClientSession?,
        earlyData: [UInt8]?, group: EventLoopGroup, pipeInput: Bool
    ) throws {
        let name = serverName ?? host
        let session = ClientSessionHandler(resumeWith: session, reportsEarlyData: earlyData != nil)
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(.seconds(10))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let connection = try ClientConnection(
                        configuration: configuration, serverName: name, session: session.resumeWith, earlyData: earlyData)
                    session.connection = connection
                    try channel.pipeline.syncOperations.addHandler(TLSHandler(connection: connection, monitoring: monitoring))
                    try channel.pipeline.syncOperations.addHandler(session)
                }
            }
        let channel: Channel
        do {
            channel = try bootstrap.connect(host: host, port: port).wait()
        } catch {
            Console.error("error: cannot connect to \(host):\(port): \(error)")
            throw ExitCode(1)
        }
        // Pipe stdin once the handshake is done; at end of input, send close_notify and wait for the server.
        let input = InputPump()
        session.handshakeDone.futureResult.whenSuccess {
            guard pipeInput else {
                // Give the server a moment to send its tickets, then close.
                channel.eventLoop.scheduleTask(in: .milliseconds(500)) { channel.close(promise: nil) }
                return
            }
            Thread.detachNewThread {
                while true {
                    let chunk = FileHandle.standardInput.availableData
                    if chunk.isEmpty { break }
                    input.whileConnected { channel.writeAndFlush(channel.allocator.buffer(bytes: chunk), promise: nil) }
                }
                input.whileConnected {
                    channel.close(mode: .output, promise: nil)
                    channel.eventLoop.scheduleTask(in: .seconds(5)) { channel.close(promise: nil) }
                }
            }
        }
        try? channel.closeFuture.wait()
        input.finish()
        let tickets = try? channel.eventLoop.submit { session.ticketCount }.wait()
        if session.completed { Console.error("tickets: \(tickets ?? 0)") }
        if let failure = session.failure {
            Console.error("error: \(Console.describe(failure))")
            throw ExitCode(1)
        }
        if !session.completed {
            Console.error("error: connection closed before the handshake completed")
            throw ExitCode(1)
        }
    }

    private func parseAddress() throws -> (String, Int) {
        guard let colon = address.lastIndex(of: ":"), let port = Int(address[address.index(after: colon)...]) else {
            throw ValidationError("expected HOST:PORT, got \(address)")
        }
        var host = String(address[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        // Port 0 means "any" only where one listens.
        try FlagRange.check(port, in: 1...65_535, "the port of HOST:PORT")
        return (host, port)
    }

    private func makeConfiguration() throws -> ClientConfiguration {
        var configuration = ClientConfiguration()
        if let roots = try common.trustRoots() { configuration.trustRoots = roots }
        if insecure { configuration.certificateVerification = .insecureNoVerification }
        if let suites = try common.cipherSuites() { configuration.cipherSuites = suites }
        if let groups = try common.namedGroups() {
            configuration.groups = groups
            // No explicit shares: the first group gets one, and a hybrid first also brings the
            // first classical group's, so a server without the hybrid needs no retry.
            configuration.keyShareGroups = []
        }
        configuration.applicationProtocols = common.applicationProtocols()
        configuration.certificate = try common.certifiedKey()
        configuration.keyLog = try common.keyLog()
        configuration.offersPostHandshakeAuthentication = postHandshakeAuth
        if postHandshakeAuth && configuration.certificate == nil {
            throw ValidationError("--post-handshake-auth needs --cert and --key")
        }
        if let sessionOut {
            let path = sessionOut
            configuration.newSessionHandler = { session in
                do {
                    try session.pemEncoded.write(toFile: path, atomically: true, encoding: .utf8)
                } catch {
                    Console.error("error: cannot write \(path): \(error)")
                }
            }
        }
        return configuration
    }
}

/// Prints the summary, then the server's data, for one client connection.
final class ClientSessionHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer

    private(set) var failure: Error?
    private(set) var completed = false
    private var promise: EventLoopPromise<Void>?
    /// The connection, kept to read its ticket count once the channel has closed.
    var connection: ClientConnection?
    /// The session offered for resumption.
    let resumeWith: ClientSession?

    /// Whether to print what became of early data when the handshake completes.
    let reportsEarlyData: Bool

    init(resumeWith: ClientSession?, reportsEarlyData: Bool = false) {
        self.resumeWith = resumeWith
        self.reportsEarlyData = reportsEarlyData
    }

    /// NewSessionTicket messages received on the connection. Read on its event loop.
    var ticketCount: Int { connection?.receivedTicketCount ?? 0 }

    /// Completes when the handshake does.
    var handshakeDone: EventLoopPromise<Void> { promise! }

    func handlerAdded(context: ChannelHandlerContext) {
        promise = context.eventLoop.makePromise()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .handshakeCompleted(let parameters) = event as? TLSKitEvent {
            completed = true
            for line in Console.summary(parameters) { Console.error(line) }
            if reportsEarlyData, let connection {
                switch connection.earlyDataStatus {
                case .accepted: Console.error("early-data: accepted")
                case .rejected: Console.error("early-data: rejected")
                case .notSent: Console.error("early-data: not sent")
                }
            }
            promise?.succeed(())
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        FileHandle.standardOutput.write(Data(buffer.readableBytesView))
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        if failure == nil { failure = error }
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        promise?.fail(ChannelError.ioOnClosedChannel)
        context.fireChannelInactive()
    }
}

/// Lets the thread that reads stdin touch the channel only while the connection lasts: once it
/// has closed, the event loop group may be shutting down, and NIO refuses work on a loop that
/// has shut down.
final class InputPump: @unchecked Sendable {
    // Guarded by `lock`.
    private let lock = NSLock()
    private var isFinished = false

    /// Runs `body` unless the connection has finished, holding off ``finish()`` meanwhile.
    func whileConnected(_ body: () -> Void) {
        lock.withLock { if !isFinished { body() } }
    }

    func finish() {
        lock.withLock { isFinished = true }
    }
}
