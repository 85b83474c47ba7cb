import NIOCore
import TLSKit

/// Stands in for a TLS handler in the handshake harness: it sends a recorded TLSKit handshake's
/// flights, as buffers from the channel's allocator, at the points a TLS handler would, and does
/// no TLS work. Over `EmbeddedPair` it costs what every library's handshake pays the channels
/// and the pipeline: making them, adding handlers, one buffer written per flight, one read per
/// flight received, one completion event.
final class ReplayHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// Marks the end of the replayed handshake for the probe above.
    struct Completed {}

    private let opening: [UInt8]
    private let replies: [[UInt8]]
    private let completesAfterRead: Int
    private var reads = 0

    /// - Parameters:
    ///   - opening: what is sent when the channel becomes active (the client's hello), if anything.
    ///   - replies: what is sent after each read, in order (nothing where a flight is empty).
    ///   - completesAfterRead: the read after which the handshake is complete.
    init(opening: [UInt8], replies: [[UInt8]], completesAfterRead: Int) {
        self.opening = opening
        self.replies = replies
        self.completesAfterRead = completesAfterRead
    }

    func channelActive(context: ChannelHandlerContext) {
        send(opening, context: context)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        _ = unwrapInboundIn(data)
        reads += 1
        if reads <= replies.count { send(replies[reads - 1], context: context) }
        if reads == completesAfterRead { context.fireUserInboundEventTriggered(Completed()) }
    }

    private func send(_ bytes: [UInt8], context: ChannelHandlerContext) {
        guard !bytes.isEmpty else { return }
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: bytes)), promise: nil)
    }
}

extension HandlerFactory {
    /// Replay handlers on both sides, sending the flights of one TLSKit full handshake (2
    /// tickets): the hello, the server's flight, the client's Finished, the tickets.
    static func harness(_ setup: TLSKitSetup) throws -> HandlerFactory {
        let client = try ClientConnection(
            configuration: setup.clientConfiguration(sessionStore: StoreOnlySessionStore()), serverName: PKI.serverName)
        let server = try ServerConnection(configuration: setup.serverConfiguration())
        let hello = client.takeOutput()
        try server.receive(hello)
        let serverFlight = server.takeOutput()
        try client.receive(serverFlight)
        let finished = client.takeOutput()
        try server.receive(finished)
        let tickets = server.takeOutput()
        try client.receive(tickets)
        guard client.isHandshakeComplete, server.isHandshakeComplete, client.takeOutput().isEmpty, !tickets.isEmpty else {
            throw TLSKitPair.Failure(description: "the recorded handshake did not take the expected four flights")
        }
        return HandlerFactory(
            client: { ReplayHandler(opening: hello, replies: [finished], completesAfterRead: 1) },
            server: { ReplayHandler(opening: [], replies: [serverFlight, tickets], completesAfterRead: 2) },
            isHandshakeCompletion: { $0 is ReplayHandler.Completed })
    }
}
