import NIOCore
import NIOEmbedded
import TLSKit
import TLSKitNIO
import XCTest

final class TLSHandlerEmbeddedTests: XCTestCase {
    // MARK: Handshake

    func testHandshakeCompletesWithTheSameCipherSuiteOnBothSides() throws {
        let pair = try EmbeddedTLSPair()
        try pair.handshake()
        let client = try XCTUnwrap(pair.clientEvents.negotiatedParameters)
        let server = try XCTUnwrap(pair.serverEvents.negotiatedParameters)
        XCTAssertEqual(client.cipherSuite, server.cipherSuite)
        XCTAssertEqual(server.serverName, "localhost")
        XCTAssertEqual(client.peerCertificates.first, EmbeddedTLSPair.certified.chain[0])
        XCTAssertEqual(pair.clientEvents.userEvents.count, 1)
        XCTAssertEqual(pair.serverEvents.userEvents.count, 1)
        XCTAssertTrue(pair.clientTLS.connection.isHandshakeComplete)
        XCTAssertTrue(pair.serverTLS.connection.isHandshakeComplete)
        XCTAssertTrue(pair.clientEvents.errors.isEmpty && pair.serverEvents.errors.isEmpty)
    }

    func testClientHelloIsSentWhenTheChannelBecomesActive() throws {
        let pair = try EmbeddedTLSPair()
        XCTAssertTrue(try EmbeddedTLSPair.takeOutbound(pair.client).isEmpty)
        try pair.connect()
        let hello = try EmbeddedTLSPair.takeOutbound(pair.client)
        XCTAssertEqual(hello.count, 1)
        XCTAssertEqual(hello.first?.bytes.first, 22, "a handshake record")
        XCTAssertEqual(hello.first?.bytes.dropFirst(5).first, 1, "carrying a ClientHello")
    }

    // MARK: Writes

    func testDataWrittenBeforeTheHandshakeIsHeldAndDeliveredAfterIt() throws {
        let pair = try EmbeddedTLSPair()
        try pair.connect()
        let clientWrite = PromiseWatcher(pair.client)
        let serverWrite = PromiseWatcher(pair.server)
        pair.client.writeAndFlush(ByteBuffer(string: "from the client"), promise: clientWrite.promise)
        pair.server.writeAndFlush(ByteBuffer(string: "from the server"), promise: serverWrite.promise)
        // Nothing but the ClientHello leaves before the handshake.
        let clientHello = try EmbeddedTLSPair.takeOutbound(pair.client)
        XCTAssertEqual(clientHello.count, 1)
        XCTAssertTrue(try EmbeddedTLSPair.takeOutbound(pair.server).isEmpty)
        XCTAssertNil(clientWrite.result)
        XCTAssertNil(serverWrite.result)
        try pair.server.writeInbound(clientHello[0])
        try pair.interact()
        XCTAssertEqual(pair.serverEvents.receivedString, "from the client")
        XCTAssertEqual(pair.clientEvents.receivedString, "from the server")
        XCTAssertEqual(pair.serverEvents.log, ["handshakeCompleted", "read:15"])
        XCTAssertEqual(pair.clientEvents.log, ["handshakeCompleted", "read:15"])
        XCTAssertTrue(clientWrite.succeeded)
        XCTAssertTrue(serverWrite.succeeded)
    }

    func testDataArrivingInTheSameReadAsTheFinishedMessageIsDelivered() throws {
        let pair = try EmbeddedTLSPair()
        try pair.connect()
        pair.client.writeAndFlush(ByteBuffer(string: "early"), promise: nil)
        // The client's Finished and its held data reach the server in one channelRead.
        try pair.interact(coalescing: true)
        XCTAssertEqual(pair.serverEvents.log, ["handshakeCompleted", "read:5"])
        XCTAssertEqual(pair.serverEvents.receivedString, "early")
    }

    func testWriteWithoutFlushIsNotSentUntilFlush() throws {
        let pair = try EmbeddedTLSPair()
        try pair.handshake()
        let writesBefore = pair.clientTransport.writeCount
        let write = PromiseWatcher(pair.client)
        pair.client.write(ByteBuffer(string: "held"), promise: write.promise)
        XCTAssertEqual(pair.clientTransport.writeCount, writesBefore, "no ciphertext reaches the transport before the flush")
        XCTAssertNil(write.result)
        pair.client.flush()
        XCTAssertEqual(pair.clientTransport.writeCount, writesBefore + 1)
        XCTAssertEqual(try EmbeddedTLSPair.takeOutbound(pair.client).count, 1)
        XCTAssertTrue(write.succeeded)
    }

    func testReadingDataThatNeedsNoAnswerFlushesNothing() throws {
        let pair = try EmbeddedTLSPair()
        try pair.handshake()
        let flushesBefore = pair.serverTransport.flushCount
        pair.client.writeAndFlush(ByteBuffer(string: "one way"), promise: nil)
        try pair.interact()
        XCTAssertEqual(pair.serverEvents.receivedString, "one way")
        XCTAssertEqual(pair.serverTransport.flushCount, flushesBefore, "the server had nothing to send")
    }

    func testWriteAndFlushFromAWritePromiseCallbackIsSent() throws {
        let pair = try EmbeddedTLSPair()
        try pair.handshake()
        let first = PromiseWatcher(pair.client)
        let client = pair.client
        first.promise.futureResult.assumeIsolated().whenSuccess {
            client.writeAndFlush(ByteBuffer(string: " second"), promise: nil)
        }
        pair.client.writeAndFlush(ByteBuffer(string: "first"), promise: first.promise)
        try pair.interact()
        XCTAssertEqual(pair.serverEvents.receivedString, "first second")
    }

    func testUnflushedWriteMadeBeforeTheHandshakeWaitsForAFlush() throws {
        let pair = try EmbeddedTLSPair()
        try pair.connect()
        pair.client.write(ByteBuffer(string: "unflushed"), promise: nil)
        try pair.interact()
        XCTAssertTrue(pair.serverEvents.received.isEmpty)
        pair.client.flush()
        try pair.interact()
        XCTAssertEqual(pair.serverEvents.receivedString, "unflushed")
    }

    func testWritePromisesSucceedInOrderAfterTheHandshake() throws {
        let pair = try EmbeddedTLSPair()
        try pair.handshake()
        let writes = (0..<3).map { _ in PromiseWatcher(pair.client) }
        for (index, write) in writes.enumerated() {
            pair.client.write(ByteBuffer(string: "\(index)"), promise: write.promise)
        }
        pair.client.flush()
        try pair.interact()
        XCTAssertTrue(writes.allSatisfy(\.succeeded))
        XCTAssertEqual(pair.serverEvents.receivedString, "012")
    }

    func testLargeWritesArriveIntactAndInOrder() throws {
        let pair = try EmbeddedTLSPair()
        try pair.handshake()
        let megabyte = (0..<1_048_576).map { UInt8(truncatingIfNeeded: $0 % 251) }
        let tail = (0..<70_001).map { UInt8(truncatingIfNeeded: $0 &* 13) }
        let write = PromiseWatcher(pair.client)
        pair.client.write(ByteBuffer(bytes: megabyte), promise: write.promise)
        pair.client.writeAndFlush(ByteBuffer(bytes: tail), promise: nil)
        try pair.interact()
        XCTAssertTrue(write.succeeded)
        XCTAssertEqual(pair.serverEvents.received.count, megabyte.count + tail.count)
        XCTAssertTrue(pair.serverEvents.received == megabyte + tail)
    }

    // MARK: Re-entrancy

    func testHandlersMayWriteFromInsideTheHandshakeEventAndChannelRead() throws {
        let pair = try EmbeddedTLSPair()
        pair.serverEvents.onHandshakeCompleted = { context in
            context.writeAndFlush(NIOAny(ByteBuffer(string: "hello ")), promise: nil)
        }
        pair.serverEvents.onRead = { context, buffer in
            context.writeAndFlush(NIOAny(buffer), promise: nil)
        }
        try pair.connect()
        pair.client.writeAndFlush(ByteBuffer(string: "ping"), promise: nil)
        try pair.interact(coalescing: true)
        XCTAssertEqual(pair.clientEvents.receivedString, "hello ping")
        pair.client.writeAndFlush(ByteBuffer(string: " pong"), promise: nil)
        try pair.interact(coalescing: true)
        XCTAssertEqual(pair.clientEvents.receivedString, "hello ping pong")
    }

    // MARK: Closing

    func testCloseSendsCloseNotifyAndThePeerClosesToo() throws {
        let pair = try EmbeddedTLSPair()
        try pair.handshake()
        pair.client.writeAndFlush(ByteBuffer(string: "last words"), promise: nil)
        let closed = PromiseWatcher(pair.client)
        pair.client.close(promise: closed.promise)
        XCTAssertTrue(closed.succeeded)
        XCTAssertFalse(pair.client.isActive)
        let sent = try EmbeddedTLSPair.takeOutbound(pair.client)
        XCTAssertEqual(sent.count, 2)
        // An encrypted two-byte alert: header, 1 byte alert level, 1 byte alert, 1 byte type, 16 byte tag.
        XCTAssertEqual(sent.last?.bytes, [23, 3, 3, 0, 19] + (sent.last?.bytes.dropFirst(5) ?? []))
        XCTAssertEqual(sent.last?.readableBytes, 24)

        var coalesced = sent[0]
        var closeNotify = sent[1]
        coalesced.writeBuffer(&closeNotify)
        try pair.server.writeInbound(coalesced)
        XCTAssertEqual(pair.serverEvents.receivedString, "last words")
        XCTAssertEqual(pair.serverEvents.log, ["handshakeCompleted", "read:10", "shutdownCompleted", "inactive"])
        XCTAssertFalse(pair.server.isActive)
        XCTAssertEqual(try EmbeddedTLSPair.takeOutbound(pair.server).last?.readableBytes, 24, "the server's close_notify")
        XCTAssertTrue(pair.serverTLS.connection.isClosed)
        XCTAssertTrue(pair.clientEvents.errors.isEmpty)
        XCTAssertTrue(pair.serverEvents.errors.isEmpty)
    }

    func testWritesAfterCloseFail() throws {
        let pair = try EmbeddedTLSPair()
        try pair.handshake()
        pair.client.close(promise: nil)
        let write = PromiseWatcher(pair.client)
        pair.client.writeAndFlush(ByteBuffer(string: "too late"), promise: write.promise)
        XCTAssertEqual(write.error as? ChannelError, .ioOnClosedChannel)
    }

    func testWritePromisesFailWhenTheChannelClosesBeforeTheHandshake() throws {
        let pair = try EmbeddedTLSPair()
        try pair.connect()
        let write = PromiseWatcher(pair.client)
        pair.client.writeAndFlush(ByteBuffer(string: "never sent"), promise: write.promise)
        pair.client.close(promise: nil)
        XCTAssertEqual(write.error as? ChannelError, .ioOnClosedChannel)
        // The server sees a ClientHello followed by close_notify, answers and closes too.
        try pair.interact()
        XCTAssertFalse(pair.server.isActive)
        XCTAssertTrue(pair.serverEvents.received.isEmpty)
        XCTAssertTrue(pair.serverEvents.errors.isEmpty)
        XCTAssertNil(pair.serverEvents.negotiatedParameters)
    }

    func testTransportClosingWithoutCloseNotifyFiresUncleanShutdown() throws {
        let pair = try EmbeddedTLSPair()
        try pair.handshake()
        // The peer's transport goes away: the server's channel closes below the TLS handler.
        try pair.server.pipeline.syncOperations.context(name: "transport").close(promise: nil)
        XCTAssertEqual(pair.serverEvents.errors.count, 1)
        XCTAssertEqual(pair.serverEvents.errors.first as? TLSHandlerError, .uncleanShutdown)
        XCTAssertEqual(pair.serverEvents.log.suffix(2), ["error", "inactive"])
    }

    func testInputClosedWithoutCloseNotifyFiresUncleanShutdownOnce() throws {
        let pair = try EmbeddedTLSPair()
        try pair.handshake()
        // With half-closure allowed, the peer's EOF arrives as inputClosed before any close.
        let transport = try pair.server.pipeline.syncOperations.context(name: "transport")
        transport.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        XCTAssertEqual(pair.serverEvents.errors.first as? TLSHandlerError, .uncleanShutdown)
        transport.close(promise: nil)
        XCTAssertEqual(pair.serverEvents.errors.count, 1)
    }

    func testCleanCloseIsNotReportedAsUnclean() throws {
        let pair = try EmbeddedTLSPair()
        try pair.handshake()
        pair.client.close(promise: nil)
        try pair.interact()
        let transport = try pair.server.pipeline.syncOperations.context(name: "transport")
        transport.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
        XCTAssertFalse(pair.server.isActive)
        XCTAssertTrue(pair.serverEvents.errors.isEmpty)
        XCTAssertTrue(pair.clientEvents.errors.isEmpty)
    }

    func testRemovingTheHandlerFailsHeldWrites() throws {
        let pair = try EmbeddedTLSPair()
        try pair.connect()
        let write = PromiseWatcher(pair.client)
        pair.client.writeAndFlush(ByteBuffer(string: "held"), promise: write.promise)
        try pair.client.pipeline.syncOperations.removeHandler(pair.clientTLS).wait()
        XCTAssertEqual(write.error as? ChannelError, .ioOnClosedChannel)
    }

    // MARK: Failures

    func testUntrustedCertificateFailsBothSidesWithUnknownCA() throws {
        var configuration = ClientConfiguration()
        configuration.trustRoots = .certificates([try CertifiedKey.selfSigned().chain[0]])
        let pair = try EmbeddedTLSPair(clientConfiguration: configuration)
        try pair.connect()
        let write = PromiseWatcher(pair.client)
        pair.client.writeAndFlush(ByteBuffer(string: "never sent"), promise: write.promise)
        try pair.interact()

        XCTAssertEqual(pair.clientEvents.errors.count, 1)
        let clientError = try XCTUnwrap(pair.clientEvents.errors.first as? TLSError)
        XCTAssertEqual(clientError.alertSent, .unknownCA)
        XCTAssertEqual(pair.serverEvents.errors.count, 1)
        let serverError = try XCTUnwrap(pair.serverEvents.errors.first as? TLSError)
        XCTAssertEqual(serverError.code, .alertReceived)
        XCTAssertEqual(serverError.alertReceived, .unknownCA)
        XCTAssertEqual((write.error as? TLSError)?.alertSent, .unknownCA)
        XCTAssertFalse(pair.client.isActive)
        XCTAssertFalse(pair.server.isActive)
        XCTAssertNil(pair.clientEvents.negotiatedParameters)
        XCTAssertNil(pair.serverEvents.negotiatedParameters)
        XCTAssertTrue(pair.serverEvents.received.isEmpty)
    }

    func testFatalAlertIsSentEvenWhenAnErrorHandlerClosesTheChannel() throws {
        let pair = try EmbeddedTLSPair()
        pair.serverEvents.onError = { context, _ in context.close(promise: nil) }
        try pair.connect()
        // A record of content type 99 is not TLS.
        try pair.server.writeInbound(ByteBuffer(bytes: [99, 3, 3, 0, 1, 0]))
        let sent = try EmbeddedTLSPair.takeOutbound(pair.server)
        XCTAssertEqual(sent.count, 1)
        XCTAssertEqual(sent.first?.bytes.first, 21, "an alert record")
        XCTAssertEqual(sent.first?.bytes.suffix(2), [2, AlertDescription.unexpectedMessage.rawValue])
        XCTAssertFalse(pair.server.isActive)
        XCTAssertEqual((pair.serverEvents.errors.first as? TLSError)?.alertSent, .unexpectedMessage)
    }
}

/// Records how an `EventLoopPromise<Void>` completed.
final class PromiseWatcher {
    let promise: EventLoopPromise<Void>
    private(set) var result: Result<Void, Error>?

    init(_ channel: EmbeddedChannel) {
        promise = channel.eventLoop.makePromise()
        promise.futureResult.assumeIsolated().whenComplete { self.result = $0 }
    }

    var succeeded: Bool {
        if case .success = result { return true }
        return false
    }

    var error: Error? {
        if case .failure(let error) = result { return error }
        return nil
    }
}
