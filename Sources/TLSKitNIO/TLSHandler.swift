import NIOCore
import NIOTLS
import TLSKit

/// A channel handler that runs one TLSKit connection: ciphertext below, plaintext above.
///
/// Add it first in a pipeline (`TLSHandler(serverConfiguration:)` on accepted channels,
/// `TLSHandler(clientConfiguration:serverName:)` on outbound ones), then work with plaintext
/// `ByteBuffer`s above it, directly or through `NIOAsyncChannel`.
///
/// - Handshake: the client sends its ClientHello when the channel becomes active (or when the
///   handler is added to an active channel). When the handshake completes, the handler fires
///   NIO's `TLSUserEvent.handshakeCompleted(negotiatedProtocol:)`, as NIOSSL's handlers do (so
///   NIO's ALPN and HTTP/2 helpers work above it), then ``TLSKitEvent/handshakeCompleted(_:)``
///   with everything that was negotiated.
/// - Writes follow NIO's rules: a write is encrypted and sent on the next flush, never before.
///   Writes made before the handshake completes are held, and those flushed are sent as soon
///   as it does. Write promises complete when the ciphertext has been written.
/// - Reads: plaintext is passed on as it is decrypted, including data that arrives in the
///   same read as the end of the handshake.
/// - Closing the channel sends close_notify, then closes the transport once it is written,
///   without waiting for the peer's close_notify (RFC 8446 §6.1 allows this). Unflushed writes
///   and writes held for the handshake fail with `ChannelError.ioOnClosedChannel`.
/// - When the peer sends close_notify, the handler answers with its own, fires
///   NIO's `TLSUserEvent.shutdownCompleted` and closes the channel.
/// - Custom verification: when the configuration has a `PeerCertificateVerifier`
///   (`ClientConfiguration.certificateVerifier`,
///   `ServerConfiguration.clientCertificateVerifier`), the handler runs it in a `Task`
///   when the connection asks (`TLSConnection.pendingPeerVerification`), never on the
///   event loop, and stops reading from the channel meanwhile. The verdict is handed to the
///   connection back on the event loop; then the handshake goes on, or fails with the
///   verifier's alert. A verdict that arrives after the channel closed is dropped.
/// - Early data (server): when a 0-RTT attempt meets every other condition, the handler runs
///   the replay guard (`ServerConnection.earlyDataReplayGuard`) in a `Task` the same way, and
///   a guard that throws rejects it. Accepted early data goes up as
///   ``TLSKitEvent/earlyDataReceived(_:)``, before the handshake event, never as a channel read.
/// - Errors: a `TLSError` is fired with `fireErrorCaught` after its alert is written, then the
///   channel closes. A transport that closes before the peer's close_notify fires
///   ``TLSHandlerError/uncleanShutdown``.
///
/// Like every channel handler, it must be used only on its channel's event loop.
public final class TLSHandler: ChannelDuplexHandler, RemovableChannelHandler {
    public typealias InboundIn = ByteBuffer
    public typealias InboundOut = ByteBuffer
    public typealias OutboundIn = ByteBuffer
    public typealias OutboundOut = ByteBuffer

    /// Where the handler is in the life of the channel.
    private enum State {
        /// Handshaking or carrying data.
        case open
        /// We have sent close_notify or a fatal alert: no more writes.
        case closing
        /// The channel went inactive or the handler was removed.
        case closed
    }

    private struct PendingWrite {
        var buffer: ByteBuffer
        var promise: EventLoopPromise<Void>?
    }

    /// The connection this handler drives. Touch it only on the channel's event loop.
    public let connection: any TLSConnection
    /// The same connection when it is a server's: the commands only a server takes need it.
    private let serverConnection: ServerConnection?

    private var state = State.open
    /// Plaintext writes not yet encrypted, oldest first.
    private var pendingWrites = CircularBuffer<PendingWrite>()
    /// How many writes at the front of `pendingWrites` a flush has covered.
    private var flushedWriteCount = 0
    private var isDrainingWrites = false
    /// Ciphertext received while an earlier read is still being processed (re-entrant reads).
    private var pendingReads = CircularBuffer<ByteBuffer>()
    private var isReading = false
    /// Application data the connection opened straight into a buffer of ours, not yet passed on.
    private var openedData: ByteBuffer?
    private var hasReportedUncleanShutdown = false
    /// Logs and metrics for this connection (nothing unless configured).
    private var monitor: ConnectionMonitor
    /// The verifier running for the connection's pending peer verification.
    private var verification: Task<Void, Never>?
    /// Whether the channel asked for a read while the verifier ran (issued once it is done).
    private var hasHeldRead = false

    /// A handler for the server end of an accepted connection.
    ///
    /// - Parameters:
    ///   - serverConfiguration: What to serve and how to negotiate.
    ///   - monitoring: Where to log each handshake and failure and count them (nowhere by default).
    /// - Throws: `TLSError` if the configuration is unusable.
    public convenience init(serverConfiguration: ServerConfiguration, monitoring: TLSMonitoring = TLSMonitoring()) throws {
        self.init(connection: try ServerConnection(configuration: serverConfiguration), monitoring: monitoring)
    }

    /// A handler for the client end of a connection.
    ///
    /// - Parameters:
    ///   - clientConfiguration: How to negotiate and how to verify the server.
    ///   - serverName: The name the server's certificate is checked against, also sent in SNI.
    ///   - monitoring: Where to log each handshake and failure and count them (nowhere by default).
    /// - Throws: `TLSError` if the configuration is unusable.
    public convenience init(
        clientConfiguration: ClientConfiguration, serverName: String?, monitoring: TLSMonitoring = TLSMonitoring()
    ) throws {
        self.init(connection: try ClientConnection(configuration: clientConfiguration, serverName: serverName), monitoring: monitoring)
    }

    /// A handler around a server connection that has not yet exchanged any bytes.
    public init(connection: ServerConnection, monitoring: TLSMonitoring = TLSMonitoring()) {
        self.connection = connection
        self.serverConnection = connection
        self.monitor = ConnectionMonitor(monitoring: monitoring, isServer: true)
    }

    /// A handler around a client connection that has not yet exchanged any bytes.
    public init(connection: ClientConnection, monitoring: TLSMonitoring = TLSMonitoring()) {
        self.connection = connection
        self.serverConnection = nil
        self.monitor = ConnectionMonitor(monitoring: monitoring, isServer: false)
    }

    // MARK: Lifecycle

    public func handlerAdded(context: ChannelHandlerContext) {
        if context.channel.isActive {
            monitor.started()
            writeConnectionOutput(context: context, flush: true)
        }
    }

    public func handlerRemoved(context: ChannelHandlerContext) {
        state = .closed
        cancelVerification()
        pendingReads.removeAll()
        failPendingWrites(ChannelError.ioOnClosedChannel)
    }

    public func channelActive(context: ChannelHandlerContext) {
        monitor.started()
        writeConnectionOutput(context: context, flush: true)
        context.fireChannelActive()
    }

    public func channelInactive(context: ChannelHandlerContext) {
        let wasOpen = state == .open
        state = .closed
        cancelVerification()
        pendingReads.removeAll()
        failPendingWrites(ChannelError.ioOnClosedChannel)
        if wasOpen { reportUncleanShutdownIfNeeded(context: context) }
        context.fireChannelInactive()
    }

    public func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        // With half-closure allowed, the peer's end of input comes as an event before any close.
        if let event = event as? ChannelEvent, event == .inputClosed, state == .open {
            reportUncleanShutdownIfNeeded(context: context)
        }
        context.fireUserInboundEventTriggered(event)
    }

    private func reportUncleanShutdownIfNeeded(context: ChannelHandlerContext) {
        guard !connection.isPeerClosed, !hasReportedUncleanShutdown else { return }
        hasReportedUncleanShutdown = true
        monitor.failed(TLSHandlerError.uncleanShutdown, duringHandshake: !connection.isHandshakeComplete, peer: context.remoteAddress)
        context.fireErrorCaught(TLSHandlerError.uncleanShutdown)
    }

    // MARK: Inbound

    public func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        // A read that arrives while one is being processed waits its turn, so records are
        // always handled in order and the connection is never entered twice.
        guard !isReading else {
            pendingReads.append(buffer)
            return
        }
        isReading = true
        defer { isReading = false }
        var next: ByteBuffer? = buffer
        while let current = next {
            if state != .closed, connection.error == nil { receive(current, context: context) }
            next = pendingReads.popFirst()
        }
    }

    public func channelReadComplete(context: ChannelHandlerContext) {
        context.fireChannelReadComplete()
    }

    private func receive(_ buffer: ByteBuffer, context: ChannelHandlerContext) {
        do {
            if connection.isHandshakeComplete {
                // Records open straight into the buffer passed up. The plaintext is shorter
                // than the ciphertext, but a record begun in an earlier read may end in this
                // one: room for one more keeps the buffer from growing (and copying).
                var opened = openedData ?? context.channel.allocator.buffer(capacity: buffer.readableBytes + Self.largestRecord)
                try buffer.withUnsafeReadableBytes { try connection.receive($0, applicationData: &opened) }
                openedData = opened
            } else {
                try buffer.withUnsafeReadableBytes { try connection.receive($0) }
            }
        } catch {
            state = .closing
            // What was decrypted before the failing record is authentic: deliver it first.
            deliverEventsAndData(context: context)
            fail(error, context: context)
            return
        }
        afterProcessing(context: context)
    }

    /// Sends, delivers and starts what processing received bytes (or a verdict) produced.
    private func afterProcessing(context: ChannelHandlerContext) {
        // Handshake messages, tickets and key updates leave before the application hears
        // anything, so whatever it writes in response follows them.
        writeConnectionOutput(context: context, flush: true)
        deliverEventsAndData(context: context)
        drainFlushedWrites(context: context)
        if connection.isPeerClosed && state == .open {
            // RFC 8446 §6.1: answer close_notify with our own, then close.
            state = .closing
            failPendingWrites(ChannelError.ioOnClosedChannel)
            connection.close()
            context.fireUserInboundEventTriggered(TLSUserEvent.shutdownCompleted)
            closeAfterOutput(context: context, mode: .all, promise: nil)
        }
        startPeerVerificationIfNeeded(context: context)
        startEarlyDataReplayCheckIfNeeded(context: context)
    }

    // MARK: Decisions made off the event loop

    /// Runs the configuration's verifier when the connection waits for one. A connection only
    /// waits when its configuration has a verifier; should it not, the peer is rejected rather
    /// than waited on forever.
    private func startPeerVerificationIfNeeded(context: ChannelHandlerContext) {
        guard verification == nil, state == .open, let request = connection.pendingPeerVerification else { return }
        guard let verifier = connection.peerCertificateVerifier else {
            return resumeConnection(with: .reject(reason: "no verifier to run", alert: .certificateUnknown), context: context, Self.resumePeerVerification)
        }
        decideOffLoop(context: context, { await verifier.verify(request) }, then: Self.resumePeerVerification)
    }

    /// Asks the connection's replay guard about a 0-RTT attempt when the connection waits for
    /// it. A guard that throws, or none at all, rejects the attempt (fail closed).
    private func startEarlyDataReplayCheckIfNeeded(context: ChannelHandlerContext) {
        guard verification == nil, state == .open, let server = serverConnection, let attempt = server.pendingEarlyDataReplayCheck else { return }
        guard let replayGuard = server.earlyDataReplayGuard else {
            return resumeConnection(with: .reject(.undecidable), context: context, Self.resumeEarlyDataReplayCheck)
        }
        decideOffLoop(
            context: context,
            {
                do { return try await replayGuard.checkAndRecord(attempt) } catch { return .reject(.undecidable) }
            },
            then: Self.resumeEarlyDataReplayCheck)
    }

    /// Whether the connection still waited for a verifier's verdict, after handing it over.
    private static func resumePeerVerification(_ handler: TLSHandler, _ verdict: PeerVerificationVerdict) throws -> Bool {
        guard handler.connection.pendingPeerVerification != nil else { return false }
        try handler.connection.resumePeerVerification(verdict)
        return true
    }

    /// Whether the connection still waited for the replay guard's verdict, after handing it over.
    private static func resumeEarlyDataReplayCheck(_ handler: TLSHandler, _ verdict: EarlyDataReplayVerdict) throws -> Bool {
        guard let server = handler.serverConnection, server.pendingEarlyDataReplayCheck != nil else { return false }
        try server.resumeEarlyDataReplayCheck(verdict)
        return true
    }

    /// Runs `decide` in a task, off the event loop, and hands its verdict to the connection back
    /// on the loop. Reads stay held until then.
    private func decideOffLoop<Verdict: Sendable>(
        context: ChannelHandlerContext, _ decide: @escaping @Sendable () async -> Verdict,
        then resume: @escaping (TLSHandler, Verdict) throws -> Bool
    ) {
        let loop = context.eventLoop
        let bound = NIOLoopBound((handler: self, context: context, resume: resume), eventLoop: loop)
        verification = Task {
            let verdict = await decide()
            loop.execute {
                let (handler, context, resume) = bound.value
                handler.resumeConnection(with: verdict, context: context, resume)
            }
        }
    }

    /// Hands a verdict to the connection and carries on as after a read: output, events, data,
    /// held writes, and the reads held meanwhile.
    private func resumeConnection<Verdict>(
        with verdict: Verdict, context: ChannelHandlerContext, _ resume: (TLSHandler, Verdict) throws -> Bool
    ) {
        verification = nil
        do {
            // The channel closed or the handler was removed while the decision was made: the
            // verdict has nobody to go to.
            guard state == .open, try resume(self, verdict) else { return }
        } catch {
            state = .closing
            deliverEventsAndData(context: context)
            fail(error, context: context)
            return
        }
        afterProcessing(context: context)
        // Data delivered here did not come from a channel read: end it as a read would.
        context.fireChannelReadComplete()
        if hasHeldRead && state == .open && verification == nil {
            hasHeldRead = false
            context.read()
        }
    }

    private func cancelVerification() {
        verification?.cancel()
        verification = nil
    }

    private func deliverEventsAndData(context: ChannelHandlerContext) {
        while let event = connection.nextEvent() {
            switch event {
            case .handshakeCompleted(let parameters):
                // Early data read in the same pass came before the client's Finished.
                deliverEarlyData(context: context)
                monitor.handshakeCompleted(parameters, peer: context.remoteAddress)
                context.fireUserInboundEventTriggered(
                    TLSUserEvent.handshakeCompleted(negotiatedProtocol: parameters.applicationProtocol))
                context.fireUserInboundEventTriggered(TLSKitEvent.handshakeCompleted(parameters))
            case .closeNotifyReceived:
                // Data that came before close_notify goes up before the end is announced.
                deliverData(context: context)
                if connection.isClosed && connection.error == nil {
                    context.fireUserInboundEventTriggered(TLSUserEvent.shutdownCompleted)
                }
            case .alertReceived:
                break
            case .peerKeysUpdated, .sessionTicketReceived, .sessionTicketIssued, .sessionTicketRejected, .clientAuthenticated,
                .earlyDataAccepted, .earlyDataRejected:
                monitor.connectionEvent(event)
                context.fireUserInboundEventTriggered(TLSKitEvent.connectionEvent(event))
            }
        }
        deliverData(context: context)
    }

    /// Passes accepted early data up as ``TLSKitEvent/earlyDataReceived(_:)``, never as a read.
    private func deliverEarlyData(context: ChannelHandlerContext) {
        if let early = serverConnection?.readEarlyData() {
            context.fireUserInboundEventTriggered(TLSKitEvent.earlyDataReceived(context.channel.allocator.buffer(bytes: early)))
        }
    }

    private func deliverData(context: ChannelHandlerContext) {
        deliverEarlyData(context: context)
        // What the connection kept (data that came with the end of the handshake) is older
        // than what it opened into our buffer.
        let count = connection.readableApplicationDataCount
        if count > 0 {
            var buffer = context.channel.allocator.buffer(capacity: count)
            connection.readApplicationData { buffer.writeBytes($0) }
            context.fireChannelRead(wrapInboundOut(buffer))
        }
        if let opened = openedData {
            openedData = nil
            if opened.readableBytes > 0 { context.fireChannelRead(wrapInboundOut(opened)) }
        }
    }

    /// The most a record adds to a read: 5 header bytes and 2^14 + 256 of protected content.
    private static let largestRecord = 5 + 16_384 + 256

    // MARK: Outbound

    public func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        guard state == .open else {
            promise?.fail(connection.error ?? ChannelError.ioOnClosedChannel)
            return
        }
        pendingWrites.append(PendingWrite(buffer: unwrapOutboundIn(data), promise: promise))
    }

    /// Holds the channel's reads while the verifier runs, so that a peer cannot make the
    /// connection buffer without bound; the read is issued once the verdict is in.
    public func read(context: ChannelHandlerContext) {
        guard verification == nil else {
            hasHeldRead = true
            return
        }
        context.read()
    }

    public func flush(context: ChannelHandlerContext) {
        flushedWriteCount = pendingWrites.count
        drainFlushedWrites(context: context)
    }

    /// Runs a ``TLSCommand`` and sends what it produces at once; other events pass on.
    public func triggerUserOutboundEvent(context: ChannelHandlerContext, event: Any, promise: EventLoopPromise<Void>?) {
        guard let command = event as? TLSCommand else {
            context.triggerUserOutboundEvent(event, promise: promise)
            return
        }
        do {
            switch command {
            case .requestSessionTicket:
                guard let server = serverConnection else { throw TLSHandlerError.serverOnlyCommand }
                try server.requestSessionTicket()
                try server.driveHandshake()
            case .requestClientCertificate(let roots, let required):
                guard let server = serverConnection else { throw TLSHandlerError.serverOnlyCommand }
                try server.requestClientCertificate(trustRoots: roots, required: required)
            case .updateKeys(let requestPeerUpdate):
                try connection.updateKeys(requestPeerUpdate: requestPeerUpdate)
            }
            writeConnectionOutput(context: context, flush: true, promise: promise)
        } catch {
            promise?.fail(error)
        }
    }

    public func close(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        guard mode != .input, state == .open else {
            context.close(mode: mode, promise: promise)
            return
        }
        state = .closing
        failPendingWrites(ChannelError.ioOnClosedChannel)
        connection.close()
        closeAfterOutput(context: context, mode: mode, promise: promise)
    }

    /// Encrypts and sends the writes a flush has covered, once the handshake allows it.
    private func drainFlushedWrites(context: ChannelHandlerContext) {
        // A flush from inside a write promise callback only extends the count: the loop
        // below picks its writes up.
        guard connection.isHandshakeComplete, state == .open, !isDrainingWrites else { return }
        isDrainingWrites = true
        defer { isDrainingWrites = false }
        repeat {
            // A read calls this too, usually with nothing to send: flush only what was written.
            var wrote = false
            while flushedWriteCount > 0, let write = pendingWrites.popFirst() {
                wrote = true
                flushedWriteCount -= 1
                // Whatever the connection must send first (tickets asked for) goes out
                // first; the records are sealed straight into the buffer written below.
                writeConnectionOutput(context: context, flush: false)
                var sealed = context.channel.allocator.buffer(capacity: connection.sealedLength(ofApplicationData: write.buffer.readableBytes))
                do {
                    try write.buffer.withUnsafeReadableBytes { try connection.write($0, into: &sealed) }
                } catch {
                    write.promise?.fail(error)
                    state = .closing
                    fail(error, context: context)
                    return
                }
                context.write(wrapOutboundOut(sealed), promise: write.promise)
            }
            if wrote { context.flush() }
        } while flushedWriteCount > 0 && state == .open
    }

    // MARK: Helpers

    /// Writes what the connection has for the peer; completes `promise` even if there is nothing.
    private func writeConnectionOutput(context: ChannelHandlerContext, flush: Bool, promise: EventLoopPromise<Void>? = nil) {
        guard connection.hasPendingOutput else {
            promise?.succeed(())
            return
        }
        let buffer = context.channel.allocator.buffer(bytes: connection.takeOutput())
        context.write(wrapOutboundOut(buffer), promise: promise)
        if flush { context.flush() }
    }

    /// Sends the connection's last bytes (close_notify or an alert) and closes the transport
    /// when they are written.
    private func closeAfterOutput(context: ChannelHandlerContext, mode: CloseMode, promise: EventLoopPromise<Void>?) {
        closeTransport(after: writeFinalOutput(context: context), context: context, mode: mode, promise: promise)
    }

    /// Writes and flushes what the connection has left for the peer; nil if there is nothing.
    private func writeFinalOutput(context: ChannelHandlerContext) -> EventLoopFuture<Void>? {
        guard connection.hasPendingOutput else { return nil }
        let buffer = context.channel.allocator.buffer(bytes: connection.takeOutput())
        return context.writeAndFlush(wrapOutboundOut(buffer))
    }

    private func closeTransport(
        after written: EventLoopFuture<Void>?, context: ChannelHandlerContext, mode: CloseMode,
        promise: EventLoopPromise<Void>?
    ) {
        guard let written else {
            context.close(mode: mode, promise: promise)
            return
        }
        written.assumeIsolated().whenComplete { _ in
            context.close(mode: mode, promise: promise)
        }
    }

    /// Reports a connection failure, then closes once the alert is out. The alert is written
    /// before the error is fired, so a handler that closes the channel on errors cannot lose it.
    private func fail(_ error: Error, context: ChannelHandlerContext) {
        monitor.failed(error, duringHandshake: !connection.isHandshakeComplete, peer: context.remoteAddress)
        cancelVerification()
        failPendingWrites(error)
        let alert = writeFinalOutput(context: context)
        context.fireErrorCaught(error)
        closeTransport(after: alert, context: context, mode: .all, promise: nil)
    }

    private func failPendingWrites(_ error: Error) {
        flushedWriteCount = 0
        while let write = pendingWrites.popFirst() {
            write.promise?.fail(error)
        }
    }
}

@available(*, unavailable)
extension TLSHandler: Sendable {}

/// NIO's buffer is where the connection seals records and opens application data.
extension ByteBuffer: TLSOutputBuffer {}
