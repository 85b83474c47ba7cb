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

    func run() throws {
        let (host, port) = try parseAddress()
        let configuration: ClientConfiguration
        do {
            configuration = try makeConfiguration()
        } catch {
            Console.error("error: \(Console.describe(error))")
            throw ExitCode(1)
        }
        let name = serverName ?? host
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let session = ClientSessionHandler()
        let bootstrap = ClientBootstrap(group: group)
            .connectTimeout(.seconds(10))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(TLSHandler(clientConfiguration: configuration, serverName: name))
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
        session.handshakeDone.futureResult.whenSuccess {
            Thread.detachNewThread {
                while true {
                    let chunk = FileHandle.standardInput.availableData
                    if chunk.isEmpty { break }
                    channel.writeAndFlush(channel.allocator.buffer(bytes: chunk), promise: nil)
                }
                channel.close(mode: .output, promise: nil)
                channel.eventLoop.scheduleTask(in: .seconds(5)) { channel.close(promise: nil) }
            }
        }
        try? channel.closeFuture.wait()
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
        return (host, port)
    }

    private func makeConfiguration() throws -> ClientConfiguration {
        var configuration = ClientConfiguration()
        if let roots = try common.trustRoots() { configuration.trustRoots = roots }
        if insecure { configuration.certificateVerification = .insecureNoVerification }
        if let suites = try common.cipherSuites() { configuration.cipherSuites = suites }
        if let groups = try common.namedGroups() {
            configuration.groups = groups
            configuration.keyShareGroups = Array(groups.prefix(1))
        }
        configuration.applicationProtocols = common.applicationProtocols()
        configuration.certificate = try common.certifiedKey()
        configuration.keyLog = try common.keyLog()
        return configuration
    }
}

/// Prints the summary, then the server's data, for one client connection.
final class ClientSessionHandler: ChannelInboundHandler, @unchecked Sendable {
    typealias InboundIn = ByteBuffer

    private(set) var failure: Error?
    private(set) var completed = false
    private var promise: EventLoopPromise<Void>?

    /// Completes when the handshake does.
    var handshakeDone: EventLoopPromise<Void> { promise! }

    func handlerAdded(context: ChannelHandlerContext) {
        promise = context.eventLoop.makePromise()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .handshakeCompleted(let parameters) = event as? TLSUserEvent {
            completed = true
            for line in Console.summary(parameters) { Console.error(line) }
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
