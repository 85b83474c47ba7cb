import NIOCore
import TLSKit

/// Events a ``TLSHandler`` fires down the pipeline with `fireUserInboundEventTriggered`.
public enum TLSUserEvent: Sendable, Equatable {
    /// The handshake finished; the parameters it agreed on.
    case handshakeCompleted(NegotiatedParameters)
    /// Both sides have sent close_notify.
    case shutdownCompleted
}

/// A channel handler that runs one TLSKit connection: ciphertext below, plaintext above.
///
/// Add it first in a pipeline (`TLSHandler(serverConfiguration:)` on accepted channels,
/// `TLSHandler(clientConfiguration:serverName:)` on outbound ones), then work with plaintext
/// `ByteBuffer`s above it, directly or through `NIOAsyncChannel`. Writes made before the
/// handshake completes are held and sent once it does. Closing the channel sends close_notify
/// first.
public final class TLSHandler: ChannelDuplexHandler, RemovableChannelHandler {
    public typealias InboundIn = ByteBuffer
    public typealias InboundOut = ByteBuffer
    public typealias OutboundIn = ByteBuffer
    public typealias OutboundOut = ByteBuffer

    /// The connection this handler drives. Touch it only on the channel's event loop.
    public let connection: TLSConnection
    private var bufferedWrites: [(ByteBuffer, EventLoopPromise<Void>?)] = []
    private var closing = false

    /// A handler for the server end of an accepted connection.
    public convenience init(serverConfiguration: ServerConfiguration) throws {
        self.init(connection: try ServerConnection(configuration: serverConfiguration))
    }

    /// A handler for the client end; `serverName` is checked against the certificate and sent in SNI.
    public convenience init(clientConfiguration: ClientConfiguration, serverName: String?) throws {
        self.init(connection: try ClientConnection(configuration: clientConfiguration, serverName: serverName))
    }

    /// A handler around an existing connection.
    public init(connection: TLSConnection) {
        self.connection = connection
    }

    public func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive { flushOutput(context: context) }
    }

    public func channelActive(context: ChannelHandlerContext) {
        flushOutput(context: context)
        context.fireChannelActive()
    }

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        do {
            try buffer.withUnsafeReadableBytes { try connection.receive($0) }
        } catch {
            failAndClose(context: context, error: error)
            return
        }
        deliverEvents(context: context)
        if let plaintext = connection.readApplicationData() {
            context.fireChannelRead(wrapInboundOut(context.channel.allocator.buffer(bytes: plaintext)))
        }
        flushOutput(context: context)
        if connection.isPeerClosed && !closing {
            // The peer will send no more: answer with our close_notify and close.
            close(context: context, mode: .all, promise: nil)
        }
    }

    public func channelReadComplete(context: ChannelHandlerContext) {
        context.fireChannelReadComplete()
    }

    public func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        let buffer = unwrapOutboundIn(data)
        guard connection.isHandshakeComplete else {
            bufferedWrites.append((buffer, promise))
            return
        }
        do {
            try buffer.withUnsafeReadableBytes { try connection.write($0) }
            writeOutput(context: context, promise: promise)
        } catch {
            promise?.fail(error)
            failAndClose(context: context, error: error)
        }
    }

    public func flush(context: ChannelHandlerContext) {
        context.flush()
    }

    public func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        guard mode == .all || mode == .output else {
            context.close(mode: mode, promise: promise)
            return
        }
        closing = true
        failBufferedWrites(ChannelError.ioOnClosedChannel)
        connection.close()
        let output = connection.takeOutput()
        if output.isEmpty {
            context.close(mode: mode, promise: promise)
            return
        }
        // Send close_notify, then close the transport.
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: output))).whenComplete { _ in
            context.close(mode: mode, promise: promise)
        }
    }

    public func channelInactive(context: ChannelHandlerContext) {
        failBufferedWrites(ChannelError.ioOnClosedChannel)
        context.fireChannelInactive()
    }

    private func deliverEvents(context: ChannelHandlerContext) {
        while let event = connection.nextEvent() {
            switch event {
            case .handshakeCompleted(let parameters):
                context.fireUserInboundEventTriggered(TLSUserEvent.handshakeCompleted(parameters))
                sendBufferedWrites(context: context)
            case .closeNotifyReceived:
                if connection.isClosed { context.fireUserInboundEventTriggered(TLSUserEvent.shutdownCompleted) }
            default:
                break
            }
        }
    }

    private func sendBufferedWrites(context: ChannelHandlerContext) {
        let writes = bufferedWrites
        bufferedWrites = []
        for (buffer, promise) in writes {
            write(context: context, data: NIOAny(buffer), promise: promise)
        }
        context.flush()
    }

    private func failBufferedWrites(_ error: Error) {
        let writes = bufferedWrites
        bufferedWrites = []
        for (_, promise) in writes { promise?.fail(error) }
    }

    private func writeOutput(context: ChannelHandlerContext, promise: EventLoopPromise<Void>?) {
        let output = connection.takeOutput()
        if output.isEmpty {
            promise?.succeed(())
        } else {
            context.write(wrapOutboundOut(context.channel.allocator.buffer(bytes: output)), promise: promise)
        }
    }

    private func flushOutput(context: ChannelHandlerContext) {
        guard connection.hasPendingOutput else { return }
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: connection.takeOutput())), promise: nil)
    }

    private func failAndClose(context: ChannelHandlerContext, error: Error) {
        closing = true
        failBufferedWrites(error)
        context.fireErrorCaught(error)
        // The fatal alert, if any, goes out before the transport closes.
        let output = connection.takeOutput()
        if output.isEmpty {
            context.close(promise: nil)
        } else {
            context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: output))).whenComplete { _ in
                context.close(promise: nil)
            }
        }
    }
}
