import Hummingbird
import HummingbirdTLSKit
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import TLSKit
import TLSKitNIO
import XCTest

/// A Hummingbird application on loopback, asked by TLSKit's own client over NIO.
final class LoopbackTests: XCTestCase {
    func testTLSServesHTTP1AndResumes() async throws {
        try await withApplication(http2: false) { port, statistics, certificate in
            var client = ClientConfiguration()
            client.trustRoots = .certificates(certificate.chain)

            let first = try await Self.get(port: port, client: client)
            XCTAssertTrue(first.response.hasPrefix("HTTP/1.1 200"), first.response)
            XCTAssertTrue(first.response.hasSuffix("\r\n\r\nhello"), first.response)
            XCTAssertEqual(first.negotiated?.isResumed, false)

            // The client's session store keeps the tickets of the first connection.
            let second = try await Self.get(port: port, client: client)
            XCTAssertTrue(second.response.hasSuffix("\r\n\r\nhello"), second.response)
            XCTAssertEqual(second.negotiated?.isResumed, true)

            let counters = statistics.snapshot()
            XCTAssertEqual(counters.fullHandshakes, 1)
            XCTAssertEqual(counters.resumptions, 1)
        }
    }

    /// A client offering only http/1.1 is served HTTP/1.1 by the upgrade channel.
    func testHTTP2UpgradeNegotiatesHTTP1WithALPN() async throws {
        try await withApplication(http2: true) { port, _, certificate in
            var client = ClientConfiguration()
            client.trustRoots = .certificates(certificate.chain)
            client.applicationProtocols = ["http/1.1"]

            let result = try await Self.get(port: port, client: client)
            XCTAssertEqual(result.negotiated?.applicationProtocol, "http/1.1")
            XCTAssertTrue(result.response.hasPrefix("HTTP/1.1 200"), result.response)
            XCTAssertTrue(result.response.hasSuffix("\r\n\r\nhello"), result.response)
        }
    }

    // MARK: Helpers

    private func withApplication(
        http2: Bool,
        _ body: (Int, ServerStatistics, CertifiedKey) async throws -> Void
    ) async throws {
        let certificate = try CertifiedKey.selfSigned()
        let configuration = TLSKit.ServerConfiguration(certificate: certificate)
        let router = Router()
        router.get("/") { _, _ in "hello" }
        let (ports, portContinuation) = AsyncStream.makeStream(of: Int.self)
        var logger = Logger(label: "LoopbackTests")
        logger.logLevel = .warning
        let app = Application(
            router: router,
            server: http2 ? try .http2Upgrade(serverConfiguration: configuration) : try .tls(serverConfiguration: configuration),
            configuration: .init(address: .hostname("127.0.0.1", port: 0)),
            onServerRunning: { channel in
                portContinuation.yield(channel.localAddress?.port ?? 0)
                portContinuation.finish()
            },
            logger: logger
        )
        let group = ServiceGroup(configuration: .init(services: [app], logger: logger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask {
                // A server that fails to start ends the wait for its port.
                defer { portContinuation.finish() }
                try await group.run()
            }
            var iterator = ports.makeAsyncIterator()
            let first = await iterator.next()
            let port = try XCTUnwrap(first, "the server never started")
            do {
                try await body(port, configuration.statistics, certificate)
            } catch {
                await group.triggerGracefulShutdown()
                throw error
            }
            await group.triggerGracefulShutdown()
            try await tasks.waitForAll()
        }
    }

    private struct Received: Sendable {
        var response = ""
        var negotiated: NegotiatedParameters?
    }

    /// `GET /` with `Connection: close`, read until the server closes.
    private static func get(port: Int, client: ClientConfiguration) async throws -> Received {
        let loop = MultiThreadedEventLoopGroup.singleton.next()
        let done = loop.makePromise(of: Received.self)
        let channel = try await ClientBootstrap(group: loop)
            .connectTimeout(.seconds(10))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(TLSHandler(clientConfiguration: client, serverName: "localhost"))
                    try channel.pipeline.syncOperations.addHandler(ResponseCollector(done: done))
                }
            }
            .connect(host: "127.0.0.1", port: port).get()
        // Held by the TLS handler until the handshake completes.
        let request = "GET / HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
        try await channel.writeAndFlush(ByteBuffer(string: request))
        let timeout = loop.scheduleTask(in: .seconds(20)) { channel.close(promise: nil) }
        defer { timeout.cancel() }
        return try await done.futureResult.get()
    }

    private final class ResponseCollector: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer

        private let done: EventLoopPromise<Received>
        private var received = Received()

        init(done: EventLoopPromise<Received>) { self.done = done }

        func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
            if case .handshakeCompleted(let parameters) = event as? TLSKitEvent { received.negotiated = parameters }
            context.fireUserInboundEventTriggered(event)
        }

        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            var buffer = unwrapInboundIn(data)
            received.response += buffer.readString(length: buffer.readableBytes) ?? ""
        }

        func channelInactive(context: ChannelHandlerContext) {
            done.succeed(received)
            context.fireChannelInactive()
        }
    }
}
