import NIOCore
import NIOTLS
import TLSKit
import TLSKitNIO

/// Sits above a `TLSHandler` and records what reaches the application, in order.
///
/// Errors stop here, so `EmbeddedChannel` does not rethrow them from `writeInbound`.
final class EventRecorder: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// One line per thing seen, in order: "handshakeCompleted" (TLSKit's event), "read:<count>",
    /// "shutdownCompleted" (NIO's), "error", "inactive".
    private(set) var log: [String] = []
    /// TLSKit's handshake events (connection events are kept apart, below).
    private(set) var userEvents: [TLSKitEvent] = []
    /// NIO's `TLSUserEvent`s, in order, as NIO's ALPN helpers see them.
    private(set) var nioEvents: [TLSUserEvent] = []
    private(set) var errors: [Error] = []
    private(set) var received: [UInt8] = []
    /// Early data delivered with `TLSKitEvent.earlyDataReceived`, in order.
    private(set) var earlyData: [UInt8] = []
    private(set) var isInactive = false

    /// Called on each plaintext read, for handlers that answer from inside `channelRead`.
    var onRead: ((ChannelHandlerContext, ByteBuffer) -> Void)?
    /// Called when the handshake completes.
    var onHandshakeCompleted: ((ChannelHandlerContext) -> Void)?
    /// Called on each error.
    var onError: ((ChannelHandlerContext, Error) -> Void)?

    var negotiatedParameters: NegotiatedParameters? {
        for case .handshakeCompleted(let parameters) in userEvents { return parameters }
        return nil
    }

    var receivedString: String { String(decoding: received, as: UTF8.self) }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        log.append("read:\(buffer.readableBytes)")
        received += buffer.readableBytesView
        onRead?(context, buffer)
    }

    /// Ticket, authentication and key update events, kept apart from the lifecycle events above.
    var connectionEvents: [TLSEvent] = []

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? TLSKitEvent {
            switch event {
            case .connectionEvent(let inner):
                connectionEvents.append(inner)
            case .handshakeCompleted:
                userEvents.append(event)
                log.append("handshakeCompleted")
                onHandshakeCompleted?(context)
            case .earlyDataReceived(let buffer):
                log.append("early:\(buffer.readableBytes)")
                earlyData += buffer.readableBytesView
            }
        } else if let event = event as? TLSUserEvent {
            nioEvents.append(event)
            if event == .shutdownCompleted { log.append("shutdownCompleted") }
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        log.append("error")
        errors.append(error)
        onError?(context, error)
    }

    func channelInactive(context: ChannelHandlerContext) {
        log.append("inactive")
        isInactive = true
        context.fireChannelInactive()
    }
}
