import NIOCore
import NIOSSL
import NIOTLS
import TLSKit
import TLSKitNIO

/// What one end of a connection saw, reported when its channel closed.
struct Outcome: Sendable {
    /// Every plaintext byte the end received, in order.
    var received = ByteBuffer()
    /// The events a TLSKit end fired, in order (none on a swift-nio-ssl end).
    var events: [TLSKitNIO.TLSKitEvent] = []
    /// What a swift-nio-ssl end reported when its handshake completed (nil on a TLSKit end).
    var niossl: NIOSSLHandshake?
    /// Errors that reached the end of the pipeline, in order.
    var errors: [any Error] = []

    /// The parameters a TLSKit end reported with its handshake completion.
    var negotiated: NegotiatedParameters? {
        for case .handshakeCompleted(let parameters) in events { return parameters }
        return nil
    }

    /// The sessions a TLSKit client made of the tickets it received.
    var ticketsReceived: [ClientSession] {
        events.compactMap { event in
            guard case .connectionEvent(.sessionTicketReceived(let session)) = event else { return nil }
            return session
        }
    }

    /// The tickets a TLSKit server issued.
    var ticketsIssued: Int {
        events.filter { event in
            guard case .connectionEvent(.sessionTicketIssued) = event else { return false }
            return true
        }.count
    }

    /// Whether the end's handler fired NIO's `TLSUserEvent.shutdownCompleted` (close_notify
    /// both ways: a clean TLS shutdown).
    var completedShutdown = false
    /// The application protocol NIO's `TLSUserEvent.handshakeCompleted` carried, on either kind
    /// of end; nil until it fires.
    var nioHandshakeProtocol: String??
}

/// What swift-nio-ssl's handler says about a completed handshake.
struct NIOSSLHandshake: Sendable {
    var applicationProtocol: String?
    var tlsVersion: TLSVersion?
    /// The peer's leaf certificate, DER-encoded.
    var peerCertificate: [UInt8]?
}

/// The messages each end sends as soon as its channel is active. TLS holds them until the
/// handshake completes; both are several records long, so record boundaries are exercised.
enum Messages {
    static let fromClient = ByteBuffer(bytes: (0..<40_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })
    static let fromServer = ByteBuffer(bytes: (0..<70_000).map { UInt8(truncatingIfNeeded: $0 &* 13 &+ $0 >> 9) })
}

/// Sits above the TLS handler: sends its message, collects what arrives and the events both
/// libraries fire, and reports it all when the channel closes. The client end closes once it
/// has the whole of the server's message, which shuts TLS down from the client's side.
final class ExchangeHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let message: ByteBuffer
    private let expectedByteCount: Int
    private let closesWhenAllReceived: Bool
    private let outcome: EventLoopPromise<Outcome>
    private var record = Outcome()
    private var isClosing = false

    init(message: ByteBuffer, expectedByteCount: Int, closesWhenAllReceived: Bool, outcome: EventLoopPromise<Outcome>) {
        self.message = message
        self.expectedByteCount = expectedByteCount
        self.closesWhenAllReceived = closesWhenAllReceived
        self.outcome = outcome
    }

    static func client(outcome: EventLoopPromise<Outcome>) -> ExchangeHandler {
        ExchangeHandler(
            message: Messages.fromClient, expectedByteCount: Messages.fromServer.readableBytes,
            closesWhenAllReceived: true, outcome: outcome)
    }

    static func server(outcome: EventLoopPromise<Outcome>) -> ExchangeHandler {
        ExchangeHandler(
            message: Messages.fromServer, expectedByteCount: Messages.fromClient.readableBytes,
            closesWhenAllReceived: false, outcome: outcome)
    }

    func channelActive(context: ChannelHandlerContext) {
        context.writeAndFlush(wrapOutboundOut(message), promise: nil)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        record.received.writeBuffer(&buffer)
        if closesWhenAllReceived && !isClosing && record.received.readableBytes >= expectedByteCount {
            isClosing = true
            context.close(promise: nil)
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? TLSKitNIO.TLSKitEvent {
            record.events.append(event)
        } else if let event = event as? NIOTLS.TLSUserEvent {
            switch event {
            case .handshakeCompleted(let applicationProtocol):
                record.nioHandshakeProtocol = .some(applicationProtocol)
                if let handler = try? context.pipeline.syncOperations.handler(type: NIOSSLHandler.self) {
                    record.niossl = NIOSSLHandshake(
                        applicationProtocol: applicationProtocol,
                        tlsVersion: handler.tlsVersion,
                        peerCertificate: try? handler.peerCertificate?.toDERBytes())
                }
            case .shutdownCompleted:
                record.completedShutdown = true
            }
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        record.errors.append(error)
        context.close(promise: nil)
    }

    func channelInactive(context: ChannelHandlerContext) {
        outcome.succeed(record)
        context.fireChannelInactive()
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        // A channel that never became active still reports, so no promise is left waiting.
        outcome.succeed(record)
    }
}
