import NIOCore
import TLSKit
import TLSKitNIO

/// Sits above a `TLSHandler` and records what reaches the application, in order.
///
/// Errors stop here, so `EmbeddedChannel` does not rethrow them from `writeInbound`.
final class EventRecorder: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// One line per thing seen, in order: "handshakeCompleted", "read:<count>", "shutdownCompleted",
    /// "error", "inactive".
    private(set) var log: [String] = []
    private(set) var userEvents: [TLSUserEvent] = []
    private(set) var errors: [Error] = []
    private(set) var received: [UInt8] = []
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
        if let event = event as? TLSUserEvent {
            if case .connectionEvent(let inner) = event {
                connectionEvents.append(inner)
                context.fireUserInboundEventTriggered(event)
                return
            }
            userEvents.append(event)
            switch event {
            case .handshakeCompleted:
                log.append("handshakeCompleted")
                onHandshakeCompleted?(context)
            case .shutdownCompleted:
                log.append("shutdownCompleted")
            case .connectionEvent:
                break
            }
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
