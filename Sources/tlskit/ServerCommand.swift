import ArgumentParser
import Foundation
import NIOCore
import NIOPosix
import TLSKit
import TLSKitNIO

struct ServerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "server",
        abstract: "Accept TLS 1.3 connections and echo what each client sends (or answer HTTP with --www).")

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on (0 picks a free one).")
    var port = 8443

    @OptionGroup var common: CommonOptions

    @Option(name: .customLong("verify-client"), help: "Client certificates: none, optional or required (needs --ca).")
    var verifyClient = "none"

    @Flag(help: "Answer each request line with a short HTTP/1.0 200 response, then close.")
    var www = false

    func run() throws {
        let configuration: ServerConfiguration
        do {
            configuration = try makeConfiguration()
        } catch {
            Console.error("error: \(Console.describe(error))")
            throw ExitCode(1)
        }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let www = self.www
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let handler = try TLSHandler(serverConfiguration: configuration)
                    try channel.pipeline.syncOperations.addHandler(handler)
                    try channel.pipeline.syncOperations.addHandler(ServerSessionHandler(www: www))
                }
            }
        let channel: Channel
        do {
            channel = try bootstrap.bind(host: host, port: port).wait()
        } catch {
            Console.error("error: cannot listen on \(host):\(port): \(error)")
            throw ExitCode(1)
        }
        let address = channel.localAddress.map { "\($0.ipAddress ?? host):\($0.port ?? port)" } ?? "\(host):\(port)"
        Console.standardOutput.write("listening: \(address)")
        try channel.closeFuture.wait()
    }

    private func makeConfiguration() throws -> ServerConfiguration {
        let certified: CertifiedKey
        if let given = try common.certifiedKey() {
            certified = given
        } else {
            certified = try CertifiedKey.selfSigned()
            Console.error("note: no --cert given; using an ephemeral self-signed ECDSA P-256 certificate for \(certified.dnsNames.joined(separator: ", "))")
        }
        var configuration = ServerConfiguration(certificate: certified)
        if let suites = try common.cipherSuites() { configuration.cipherSuites = suites }
        if let groups = try common.namedGroups() { configuration.groups = groups }
        configuration.applicationProtocols = common.applicationProtocols()
        configuration.keyLog = try common.keyLog()
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
        return configuration
    }
}

/// Echoes (or answers HTTP) on one accepted connection and logs what it negotiated.
final class ServerSessionHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let www: Bool
    private var request: [UInt8] = []
    private var parameters: NegotiatedParameters?

    init(www: Bool) { self.www = www }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .handshakeCompleted(let parameters) = event as? TLSUserEvent {
            self.parameters = parameters
            let peer = context.remoteAddress.map { "\($0)" } ?? "unknown"
            Console.error("accepted: \(peer) " + Console.summary(parameters).map { $0.replacingOccurrences(of: ": ", with: "=") }.joined(separator: " "))
        }
        context.fireUserInboundEventTriggered(event)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
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
