import NIOCore
import NIOEmbedded

/// Sits above a TLS handler: notes the handshake's completion and counts (and drops) the
/// plaintext that arrives.
final class PipelineProbe: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let isHandshakeCompletion: (Any) -> Bool
    private(set) var handshakeCompleted = false
    private(set) var bytesRead = 0

    init(isHandshakeCompletion: @escaping (Any) -> Bool) {
        self.isHandshakeCompletion = isHandshakeCompletion
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        bytesRead += unwrapInboundIn(data).readableBytes
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if isHandshakeCompletion(event) { handshakeCompleted = true }
        context.fireUserInboundEventTriggered(event)
    }
}

/// A client and a server `EmbeddedChannel` back to back, each with a TLS handler and a probe,
/// in one thread: what one writes is read by the other.
struct EmbeddedPair {
    let client: EmbeddedChannel
    let server: EmbeddedChannel
    let clientProbe: PipelineProbe
    let serverProbe: PipelineProbe

    private static let peerAddress = try! SocketAddress(ipAddress: "127.0.0.1", port: 443)

    /// New channels with the given handlers, activated, and the handshake pumped to its end.
    static func connect(
        clientHandler: ChannelHandler, serverHandler: ChannelHandler, isHandshakeCompletion: @escaping (Any) -> Bool
    ) throws -> EmbeddedPair {
        let loop = EmbeddedEventLoop()
        let pair = EmbeddedPair(
            client: EmbeddedChannel(loop: loop), server: EmbeddedChannel(loop: loop),
            clientProbe: PipelineProbe(isHandshakeCompletion: isHandshakeCompletion),
            serverProbe: PipelineProbe(isHandshakeCompletion: isHandshakeCompletion))
        try pair.client.pipeline.syncOperations.addHandlers([clientHandler, pair.clientProbe])
        try pair.server.pipeline.syncOperations.addHandlers([serverHandler, pair.serverProbe])
        pair.server.connect(to: peerAddress, promise: nil)
        pair.client.connect(to: peerAddress, promise: nil)
        try pair.pump()
        guard pair.clientProbe.handshakeCompleted, pair.serverProbe.handshakeCompleted else {
            throw TLSKitPair.Failure(description: "the handshake over EmbeddedChannels did not complete")
        }
        return pair
    }

    /// Moves bytes both ways until neither side has anything left to send.
    func pump() throws {
        var moved = true
        while moved {
            moved = false
            while let bytes = try client.readOutbound(as: ByteBuffer.self) {
                try server.writeInbound(bytes)
                moved = true
            }
            while let bytes = try server.readOutbound(as: ByteBuffer.self) {
                try client.writeInbound(bytes)
                moved = true
            }
        }
    }

    /// The client writes and flushes `count` × `chunk`; the server's probe reads them all.
    func transfer(_ chunk: ByteBuffer, count: Int) throws {
        let expected = serverProbe.bytesRead + chunk.readableBytes * count
        for _ in 0..<count {
            client.writeAndFlush(chunk, promise: nil)
            try pump()
        }
        guard serverProbe.bytesRead == expected else {
            throw TLSKitPair.Failure(description: "the server read \(serverProbe.bytesRead) bytes, not \(expected)")
        }
    }

    /// Closes both ends (close_notify both ways) and releases the channels.
    func close() {
        client.close(promise: nil)
        try? pump()
        _ = try? client.finish(acceptAlreadyClosed: true)
        _ = try? server.finish(acceptAlreadyClosed: true)
    }
}

/// How a library's handlers are made for one connection.
struct HandlerFactory {
    let client: () throws -> ChannelHandler
    let server: () throws -> ChannelHandler
    let isHandshakeCompletion: (Any) -> Bool

    func connect() throws -> EmbeddedPair {
        try EmbeddedPair.connect(clientHandler: client(), serverHandler: server(), isHandshakeCompletion: isHandshakeCompletion)
    }
}

/// The figures measured the same way for both libraries.
enum NIOFigures {
    /// New channels and handlers each time, full handshake; teardown is not timed.
    static func fullHandshakes(_ context: BenchContext, _ factory: HandlerFactory) throws -> Double {
        try context.budget.medianRate { nanoseconds in
            try Budget.iterationsPerTimedSecond(for: nanoseconds) {
                let start = Monotonic.now()
                let pair = try factory.connect()
                let elapsed = Monotonic.now() - start
                pair.close()
                return elapsed
            }
        }
    }

    /// MB/s of 64 × 16 KiB written by the client and read by the server, on one channel pair.
    static func bulk(_ context: BenchContext, _ factory: HandlerFactory) throws -> Double {
        let pair = try factory.connect()
        defer { pair.close() }
        let chunk = ByteBuffer(bytes: Bulk.chunk)
        let iterations = try context.budget.medianRate { nanoseconds in
            try Budget.iterationsPerSecond(for: nanoseconds) {
                try pair.transfer(chunk, count: Bulk.recordsPerIteration)
            }
        }
        return Bulk.megabytesPerSecond(iterations: iterations)
    }
}
