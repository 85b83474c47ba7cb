import ArgumentParser
import Foundation
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import TLSKit
import TLSKitNIO

struct ServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "server",
        abstract: "Accept TLS 1.3 connections and echo what each client sends (or answer HTTP with --www).")

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(parsing: .unconditional, help: "Port to listen on (0 picks a free one).")
    var port = 8443

    @OptionGroup var common: CommonOptions

    @Flag(
        name: .customLong("require-preferred-group"),
        help: "Ask (HelloRetryRequest) for the most preferred --groups entry the client supports, even when it sent a share for another.")
    var requirePreferredGroup = false

    @Option(name: .customLong("verify-client"), help: "Client certificates: none, optional or required (needs --ca).")
    var verifyClient = "none"

    @Flag(help: "Answer each request line with a short HTTP/1.0 200 response, then close.")
    var www = false

    @Option(name: .customLong("num-tickets"), parsing: .unconditional, help: "Session tickets sent after a full handshake (at most 1 after a resumption).")
    var numTickets = 2

    @Option(name: .customLong("ticket-keys"), help: "Ticket keys shared by several servers (see `tlskit ticket-keys`); re-read every minute.")
    var ticketKeys: String?

    @Option(name: .customLong("ticket-mode"), help: "stateless (tickets sealed under the ticket keys) or stateful (tickets index a session cache).")
    var ticketMode = "stateless"

    @Option(name: .customLong("ticket-lifetime"), parsing: .unconditional, help: "Seconds a ticket can be used for (at most 604800).")
    var ticketLifetime = 7_200

    @Option(
        name: .customLong("max-early-data"), parsing: .unconditional,
        help: ArgumentHelp(
            "Early data (0-RTT) bytes the session tickets allow and the server accepts, as max_early_data_size (0: none; at most 16384).",
            discussion: "Early data is accepted from a client resuming one of our tickets when the suite, ALPN and SNI match, "
                + "the ticket age is fresh and the in-memory replay guard accepts it (stateless tickets: none during "
                + "the first window after start). Each connection prints early-data: accepted N bytes or "
                + "early-data: rejected REASON; accepted early data is echoed like other data."))
    var maxEarlyData = 0

    @Option(
        name: .customLong("ticket-age-tolerance"), parsing: .unconditional,
        help: "Seconds a client's ticket age may be off for early data to be accepted; also the replay window of stateless tickets (default 10).")
    var ticketAgeTolerance = 10

    @Option(name: .customLong("handshake-timeout"), parsing: .unconditional, help: "Seconds a client has to complete its handshake before it is disconnected.")
    var handshakeTimeout: Int64 = 10

    @Flag(name: .customLong("request-cert-after-handshake"), help: "Ask each client for a certificate once its handshake is done (post-handshake authentication; needs --ca).")
    var requestCertAfterHandshake = false

    @Option(
        name: .customLong("shutdown-timeout"), parsing: .unconditional,
        help: "Seconds live connections get to close after SIGTERM or SIGINT before the server exits anyway.")
    var shutdownTimeout: Int64 = 10

    @Option(help: "Serve Prometheus metrics at http://HOST:PORT/metrics (port 0 picks a free one; printed as `metrics: HOST:PORT`).")
    var metrics: String?

    func validate() throws {
        try FlagRange.check(port, in: 0...65_535, "--port")
        _ = try metrics.map(MetricsEndpoint.parseAddress)
        try FlagRange.check(shutdownTimeout, in: 0...3_600, "--shutdown-timeout")
        try FlagRange.check(numTickets, in: 0...ServerConfiguration.maximumTicketCount, "--num-tickets")
        try FlagRange.check(ticketLifetime, in: 1...604_800, "--ticket-lifetime")
        try FlagRange.check(maxEarlyData, in: 0...ConnectionLimits().maximumSkippedEarlyData, "--max-early-data")
        try FlagRange.check(ticketAgeTolerance, in: 1...3_600, "--ticket-age-tolerance")
        try FlagRange.check(handshakeTimeout, in: 1...86_400, "--handshake-timeout")
    }

    func run() async throws {
        let configuration: ServerConfiguration
        var monitoring: TLSMonitoring
        let metricsAddress: (host: String, port: Int)?
        do {
            configuration = try makeConfiguration()
            monitoring = TLSMonitoring(logger: try common.logger(label: "tlskit.server"))
            metricsAddress = try metrics.map(MetricsEndpoint.parseAddress)
        } catch {
            Console.error("error: \(Console.describe(error))")
            throw ExitCode.usage
        }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        if let metricsAddress {
            let endpoint = MetricsEndpoint()
            monitoring.metrics = endpoint.metrics
            do {
                let bound = try await endpoint.start(host: metricsAddress.host, port: metricsAddress.port, group: group)
                Console.standardOutput.write("metrics: \(bound)")
            } catch {
                Console.error("error: cannot serve metrics on \(metricsAddress.host):\(metricsAddress.port): \(error)")
                throw ExitCode(1)
            }
        }
        let www = self.www
        let monitoringForHandlers = monitoring
        let registry = ConnectionRegistry(clientRoots: try? common.trustRoots())
        let requestCertificate = requestCertAfterHandshake
        let handshakeTimeout = TimeAmount.seconds(self.handshakeTimeout)
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let handler = try TLSHandler(serverConfiguration: configuration, monitoring: monitoringForHandlers)
                    try channel.pipeline.syncOperations.addHandler(handler)
                    try channel.pipeline.syncOperations.addHandler(
                        ServerSessionHandler(
                            www: www, registry: registry, requestCertificateAfterHandshake: requestCertificate,
                            handshakeTimeout: handshakeTimeout))
                }
            }
        let channel: Channel
        do {
            channel = try await bootstrap.bind(host: host, port: port).get()
        } catch {
            Console.error("error: cannot listen on \(host):\(port): \(error)")
            throw ExitCode(1)
        }
        let address = channel.localAddress.map { "\($0.ipAddress ?? host):\($0.port ?? port)" } ?? "\(host):\(port)"
        Console.standardOutput.write("listening: \(address)")
        if case .stateless(let ring) = configuration.ticketProtection, ticketKeys != nil {
            // Operators rotate shared keys by rewriting the file on every server.
            group.next().scheduleRepeatedTask(initialDelay: .seconds(60), delay: .seconds(60)) { _ in
                do { try ring.reload() } catch { Console.error("error: cannot reload ticket keys: \(Console.describe(error))") }
            }
        }
        if let certificates = configuration.certificateResolver as? ReloadableCertificates {
            CertificateReloading(certificates: certificates).start(on: group.next())
        }
        StandardInputCommands(registry: registry).start()
        // SIGTERM and SIGINT stop the server gracefully: no new connections, close_notify on
        // every live one, a bounded wait for them to close, exit status 0.
        let service = ListenerService(listener: channel, registry: registry, drainTimeout: .seconds(shutdownTimeout))
        let services = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [.init(service: service)], gracefulShutdownSignals: [.sigterm, .sigint],
                logger: Logger(label: "tlskit.lifecycle") { _ in SwiftLogNoOpLogHandler() }))
        try await services.run()
        try? await group.shutdownGracefully()
    }

    private func makeConfiguration() throws -> ServerConfiguration {
        var configuration: ServerConfiguration
        if let files = try common.certificateFiles() {
            // Read through a resolver, so the files can be replaced while the server runs.
            configuration = ServerConfiguration(certificateResolver: try ReloadableCertificates(files: [files]))
        } else {
            let certified = try CertifiedKey.selfSigned()
            Console.error("note: no --cert given; using an ephemeral self-signed ECDSA P-256 certificate for \(certified.dnsNames.joined(separator: ", "))")
            configuration = ServerConfiguration(certificate: certified)
        }
        if let suites = try common.cipherSuites() { configuration.cipherSuites = suites }
        if let groups = try common.namedGroups() { configuration.groups = groups }
        if requirePreferredGroup { configuration.keyShareSelection = .requireMostPreferredGroup }
        configuration.applicationProtocols = common.applicationProtocols()
        configuration.keyLog = try common.keyLog()
        try configureTickets(&configuration)
        let roots = try common.trustRoots()
        switch verifyClient {
        case "none":
            configuration.clientAuthentication = .none
        case "optional", "required":
            guard let roots else { throw ValidationError("--verify-client \(verifyClient) needs --ca") }
            configuration.clientAuthentication = verifyClient == "optional" ? .optional(trustRoots: roots) : .required(trustRoots: roots)
        default:
            throw ValidationError("--verify-client must be none, optional or required")
        }
        if requestCertAfterHandshake && roots == nil { throw ValidationError("--request-cert-after-handshake needs --ca") }
        return configuration
    }

    private func configureTickets(_ configuration: inout ServerConfiguration) throws {
        configuration.ticketCount = numTickets
        configuration.ticketLifetime = UInt32(ticketLifetime)
        configuration.maximumEarlyDataSize = UInt32(maxEarlyData)
        configuration.ticketAgeTolerance = Double(ticketAgeTolerance)
        switch ticketMode {
        case "stateless":
            if let ticketKeys { configuration.ticketProtection = .stateless(try SessionTicketKeyRing(contentsOfFile: ticketKeys)) }
        case "stateful":
            guard ticketKeys == nil else { throw ValidationError("--ticket-keys applies to --ticket-mode stateless") }
            configuration.ticketProtection = .stateful(InMemoryServerSessionStore(), singleUse: false)
        default:
            throw ValidationError("--ticket-mode must be stateless or stateful")
        }
    }
}

/// Echoes (or answers HTTP) on one accepted connection and logs what it negotiated.
final class ServerSessionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let www: Bool
    private let registry: ConnectionRegistry
    private let requestCertificateAfterHandshake: Bool
    private let handshakeTimeout: TimeAmount
    private var request: [UInt8] = []
    private var parameters: NegotiatedParameters?
    /// Bytes of early data received, once the connection accepted early data.
    private var earlyDataBytes: Int?
    private var timeout: Scheduled<Void>?

    init(www: Bool, registry: ConnectionRegistry, requestCertificateAfterHandshake: Bool, handshakeTimeout: TimeAmount) {
        self.www = www
        self.registry = registry
        self.requestCertificateAfterHandshake = requestCertificateAfterHandshake
        self.handshakeTimeout = handshakeTimeout
    }

    func channelActive(context: ChannelHandlerContext) {
        registry.add(context.channel)
        // A client that never finishes its handshake must not hold a connection forever.
        let channel = context.channel
        timeout = context.eventLoop.scheduleTask(in: handshakeTimeout) {
            Console.error("connection error: handshake timeout")
            channel.close(promise: nil)
        }
        context.fireChannelActive()
    }

    /// Prints `early-data: accepted N bytes` once, when the handshake completes or, for a
    /// client that never finishes it (a replayed first flight), when the connection closes.
    private func reportAcceptedEarlyData() {
        guard let earlyDataBytes else { return }
        Console.error("early-data: accepted \(earlyDataBytes) bytes")
        self.earlyDataBytes = nil
    }

    func channelInactive(context: ChannelHandlerContext) {
        reportAcceptedEarlyData()
        timeout?.cancel()
        registry.remove(context.channel)
        context.fireChannelInactive()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        switch event as? TLSKitEvent {
        case .handshakeCompleted(let parameters):
            self.parameters = parameters
            timeout?.cancel()
            let peer = context.remoteAddress.map { "\($0)" } ?? "unknown"
            reportAcceptedEarlyData()
            Console.error("accepted: \(peer) " + Console.summary(parameters).map { $0.replacingOccurrences(of: ": ", with: "=") }.joined(separator: " "))
            if requestCertificateAfterHandshake {
                context.triggerUserOutboundEvent(TLSCommand.requestClientCertificate(trustRoots: registry.clientRoots, required: false), promise: nil)
            }
        case .connectionEvent(.clientAuthenticated(let chain)):
            Console.error("client-authenticated: \(chain.first.map { String(describing: $0.subject) } ?? "none")")
        case .connectionEvent(.sessionTicketIssued):
            Console.error("ticket-issued")
        case .connectionEvent(.earlyDataAccepted):
            earlyDataBytes = 0
        case .connectionEvent(.earlyDataRejected(let reason)):
            Console.error("early-data: rejected \(reason?.rawValue ?? "unknown")")
        case .earlyDataReceived(let buffer):
            earlyDataBytes = (earlyDataBytes ?? 0) + buffer.readableBytes
            received(buffer, context: context)
        default:
            break
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        received(unwrapInboundIn(data), context: context)
    }

    /// Echoes `buffer` or gathers it into the HTTP request; early data goes the same way.
    private func received(_ buffer: ByteBuffer, context: ChannelHandlerContext) {
        var buffer = buffer
        guard www else {
            context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
            return
        }
        request += buffer.readBytes(length: buffer.readableBytes) ?? []
        guard request.contains(UInt8(ascii: "\n")) else { return }
        var body = "TLSKit test server\n"
        if let parameters { body += Console.summary(parameters).joined(separator: "\n") + "\n" }
        let response = "HTTP/1.0 200 ok\r\nContent-Type: text/plain\r\nContent-Length: \(body.utf8.count)\r\n\r\n" + body
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(string: response))).whenComplete { _ in
            context.close(promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        Console.error("connection error: \(Console.describe(error))")
    }
}

/// The live connections, for commands typed on stdin.
final class ConnectionRegistry: @unchecked Sendable {
    // Guarded by `lock`: channels come and go on the event loop, commands arrive on the stdin thread.
    private let lock = NSLock()
    private var channels: [ObjectIdentifier: Channel] = [:]
    /// Roots (--ca) that client certificates requested after the handshake must lead to.
    let clientRoots: TrustRoots?

    init(clientRoots: TrustRoots?) { self.clientRoots = clientRoots }

    /// Set once shutdown begins: channels that arrive after it are closed at once.
    private var isClosing = false

    func add(_ channel: Channel) {
        let accepted = lock.withLock {
            guard !isClosing else { return false }
            channels[ObjectIdentifier(channel)] = channel
            return true
        }
        if !accepted { channel.close(promise: nil) }
    }
    func remove(_ channel: Channel) { lock.withLock { _ = channels.removeValue(forKey: ObjectIdentifier(channel)) } }
    var all: [Channel] { lock.withLock { Array(channels.values) } }

    /// Closes every live connection (the TLS handler sends close_notify first) and waits, at
    /// most `timeout`, for them all to be closed. Returns how many there were.
    func closeAll(timeout: TimeAmount) async -> Int {
        let channels = lock.withLock {
            isClosing = true
            return Array(self.channels.values)
        }
        for channel in channels { channel.close(promise: nil) }
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                for channel in channels { try? await channel.closeFuture.get() }
            }
            group.addTask { try? await Task.sleep(nanoseconds: UInt64(max(0, timeout.nanoseconds))) }
            // Whichever ends first: all closed, or the time is up.
            await group.next()
            group.cancelAll()
        }
        return channels.count
    }
}

/// The listening socket as a service of the process: it runs until the listener closes, and on
/// graceful shutdown stops accepting, then closes every connection.
struct ListenerService: Service {
    let listener: any Channel
    let registry: ConnectionRegistry
    let drainTimeout: TimeAmount

    func run() async throws {
        try await withGracefulShutdownHandler {
            try await listener.closeFuture.get()
        } onGracefulShutdown: {
            listener.close(promise: nil)
        }
        let count = await registry.closeAll(timeout: drainTimeout)
        Console.error("shutdown: closed \(count) connection\(count == 1 ? "" : "s")")
    }
}

/// Commands typed on the server's stdin, one a line, as `openssl s_server` takes them:
/// `ticket` queues a new session ticket on every live connection and sends it,
/// `cert` asks every client for a certificate (post-handshake authentication),
/// `keyupdate` updates the keys of every connection.
struct StandardInputCommands {
    let registry: ConnectionRegistry

    func start() {
        let registry = self.registry
        Thread.detachNewThread {
            while let line = readLine() {
                let command: TLSCommand
                switch line.trimmingCharacters(in: .whitespaces) {
                case "ticket": command = .requestSessionTicket
                case "cert": command = .requestClientCertificate(trustRoots: registry.clientRoots, required: false)
                case "keyupdate": command = .updateKeys(requestPeerUpdate: true)
                case "": continue
                default:
                    Console.error("commands: ticket, cert, keyupdate")
                    continue
                }
                let channels = registry.all
                for channel in channels {
                    channel.triggerUserOutboundEvent(command).whenFailure { error in
                        Console.error("command \(line) failed: \(Console.describe(error))")
                    }
                }
                Console.error("command: \(line) sent to \(channels.count) connection(s)")
            }
        }
    }
}
