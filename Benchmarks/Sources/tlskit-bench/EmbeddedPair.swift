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

    /// New channels with the factory's handlers, activated, and the handshake pumped to its
    /// end. Each side's channel operations go through `meter`: making its handler and its
    /// channel and adding the handlers, its `connect`, and every `writeInbound` into it and
    /// `readOutbound` from it. The event loop, the probes, the pumping loop and the final check
    /// are the harness's and go through neither.
    static func connect<Meter: SideMeter>(_ factory: HandlerFactory, meter: inout Meter) throws -> EmbeddedPair {
        let loop = EmbeddedEventLoop()
        let clientProbe = PipelineProbe(isHandshakeCompletion: factory.isHandshakeCompletion)
        let serverProbe = PipelineProbe(isHandshakeCompletion: factory.isHandshakeCompletion)
        let client = try meter.client {
            let channel = EmbeddedChannel(loop: loop)
            try channel.pipeline.syncOperations.addHandlers([try factory.client(), clientProbe])
            return channel
        }
        let server = try meter.server {
            let channel = EmbeddedChannel(loop: loop)
            try channel.pipeline.syncOperations.addHandlers([try factory.server(), serverProbe])
            return channel
        }
        let pair = EmbeddedPair(client: client, server: server, clientProbe: clientProbe, serverProbe: serverProbe)
        meter.server { server.connect(to: peerAddress, promise: nil) }
        meter.client { client.connect(to: peerAddress, promise: nil) }
        try pair.pump(meter: &meter)
        guard clientProbe.handshakeCompleted, serverProbe.handshakeCompleted else {
            throw TLSKitPair.Failure(description: "the handshake over EmbeddedChannels did not complete")
        }
        return pair
    }

    /// Moves bytes both ways until neither side has anything left to send, attributing each
    /// `readOutbound` and `writeInbound` to the side whose channel it runs on.
    func pump<Meter: SideMeter>(meter: inout Meter) throws {
        var moved = true
        while moved {
            moved = false
            while let bytes = try meter.client({ try client.readOutbound(as: ByteBuffer.self) }) {
                try meter.server { _ = try server.writeInbound(bytes) }
                moved = true
            }
            while let bytes = try meter.server({ try server.readOutbound(as: ByteBuffer.self) }) {
                try meter.client { _ = try client.writeInbound(bytes) }
                moved = true
            }
        }
    }

    /// Moves bytes both ways until neither side has anything left to send.
    func pump() throws {
        var meter = Unmetered()
        try pump(meter: &meter)
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
        var meter = Unmetered()
        return try EmbeddedPair.connect(self, meter: &meter)
    }
}

/// The figures measured the same way for both libraries.
enum NIOFigures {
    /// New channels and handlers each time, full handshake; teardown is not timed.
    static func fullHandshakes(_ context: BenchContext, _ factory: HandlerFactory) throws -> Rounds {
        Rounds.rate { nanoseconds in
            try Budget.iterationsPerTimedSecond(for: nanoseconds) {
                let start = Monotonic.now()
                let pair = try factory.connect()
                let elapsed = Monotonic.now() - start
                pair.close()
                return elapsed
            }
        }
    }

    /// The same handshakes, counting only the time spent in each side's channel operations
    /// (see `EmbeddedPair.connect`). Each round gives hs/s for the server side and the client side.
    static func fullHandshakeSides(_ context: BenchContext, _ factory: HandlerFactory) -> Rounds {
        Rounds.sides { times in try EmbeddedPair.connect(factory, meter: &times).close() }
    }

    /// MB/s of 64 × 16 KiB written by the client and read by the server, on one channel pair.
    /// The bulk figure's harness alone: the same channels and transfer with no TLS handler,
    /// so that what a handler adds to `*nio*_bulk_*` can be told from what moving buffers
    /// between `EmbeddedChannel`s costs.
    static func harnessBulk(_ context: BenchContext) throws -> Rounds {
        let loop = EmbeddedEventLoop()
        let clientProbe = PipelineProbe(isHandshakeCompletion: { _ in false })
        let serverProbe = PipelineProbe(isHandshakeCompletion: { _ in false })
        let pair = EmbeddedPair(
            client: EmbeddedChannel(handler: clientProbe, loop: loop), server: EmbeddedChannel(handler: serverProbe, loop: loop),
            clientProbe: clientProbe, serverProbe: serverProbe)
        // A record's worth per write, as the TLS handlers send it.
        let chunk = ByteBuffer(bytes: Bulk.chunk)
        return Rounds.rate(finish: pair.close) { nanoseconds in
            try Budget.iterationsPerSecond(for: nanoseconds) {
                try pair.transfer(chunk, count: Bulk.recordsPerIteration)
            }
        }.map { Bulk.megabytesPerSecond(iterations: $0) }
    }

    static func bulk(_ context: BenchContext, _ factory: HandlerFactory) throws -> Rounds {
        let pair = try factory.connect()
        let chunk = ByteBuffer(bytes: Bulk.chunk)
        return Rounds.rate(finish: pair.close) { nanoseconds in
            try Budget.iterationsPerSecond(for: nanoseconds) {
                try pair.transfer(chunk, count: Bulk.recordsPerIteration)
            }
        }.map { Bulk.megabytesPerSecond(iterations: $0) }
    }
}
