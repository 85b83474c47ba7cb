import NIOCore
import NIOEmbedded
import NIOTLS
import TLSKit
import TLSKitNIO
import XCTest

/// `TLSHandler` fires NIO's `TLSUserEvent` where NIOSSL's handlers do, so NIO's ALPN helpers
/// (and the HTTP/2 and framework code built on them) work above it unchanged.
final class NIOTLSEventTests: XCTestCase {
    private func alpnPair(client: [String], server: [String]) throws -> EmbeddedTLSPair {
        var clientConfiguration = EmbeddedTLSPair.trustingClientConfiguration
        clientConfiguration.applicationProtocols = client
        var serverConfiguration = ServerConfiguration(certificate: EmbeddedTLSPair.certified)
        serverConfiguration.applicationProtocols = server
        return try EmbeddedTLSPair(clientConfiguration: clientConfiguration, serverConfiguration: serverConfiguration)
    }

    func testHandshakeCompletionCarriesTheNegotiatedProtocolOnBothEnds() throws {
        let pair = try alpnPair(client: ["h2", "http/1.1"], server: ["h2", "http/1.1"])
        try pair.handshake()
        XCTAssertEqual(pair.clientEvents.nioEvents, [.handshakeCompleted(negotiatedProtocol: "h2")])
        XCTAssertEqual(pair.serverEvents.nioEvents, [.handshakeCompleted(negotiatedProtocol: "h2")])
        XCTAssertEqual(pair.serverEvents.negotiatedParameters?.applicationProtocol, "h2")
    }

    func testHandshakeCompletionWithoutALPNCarriesNoProtocol() throws {
        let pair = try EmbeddedTLSPair()
        try pair.handshake()
        XCTAssertEqual(pair.clientEvents.nioEvents, [.handshakeCompleted(negotiatedProtocol: nil)])
        XCTAssertEqual(pair.serverEvents.nioEvents, [.handshakeCompleted(negotiatedProtocol: nil)])
    }

    func testNIOEventComesBeforeTLSKitsEvent() throws {
        let pair = try EmbeddedTLSPair()
        var order: [String] = []
        final class OrderRecorder: ChannelInboundHandler {
            typealias InboundIn = ByteBuffer
            let record: (String) -> Void
            init(record: @escaping (String) -> Void) { self.record = record }
            func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
                if event is TLSUserEvent { record("nio") }
                if case .handshakeCompleted? = event as? TLSKitEvent { record("tlskit") }
                context.fireUserInboundEventTriggered(event)
            }
        }
        try pair.server.pipeline.syncOperations.addHandler(
            OrderRecorder { order.append($0) }, position: .before(pair.serverEvents))
        try pair.handshake()
        XCTAssertEqual(order, ["nio", "tlskit"])
    }

    func testShutdownCompletedFiresWhenThePeersCloseNotifyIsAnswered() throws {
        let pair = try EmbeddedTLSPair()
        try pair.handshake()
        pair.client.close(promise: nil)
        try pair.interact()
        XCTAssertEqual(
            pair.serverEvents.nioEvents,
            [.handshakeCompleted(negotiatedProtocol: nil), .shutdownCompleted])
        XCTAssertTrue(pair.serverEvents.log.contains("shutdownCompleted"))
    }

    /// NIO's own ALPN handler, the piece `configureHTTP2SecureUpgrade` and the frameworks use,
    /// learns the protocol from `TLSHandler` and reconfigures the pipeline.
    func testNIOsApplicationProtocolNegotiationHandlerChoosesThePipeline() throws {
        for (offered, expected) in [(["h2", "http/1.1"], "h2"), (["http/1.1"], "http/1.1")] {
            let pair = try alpnPair(client: offered, server: ["h2", "http/1.1"])
            let negotiation = NIOTypedApplicationProtocolNegotiationHandler<String> { result, channel in
                switch result {
                case .negotiated(let name): return channel.eventLoop.makeSucceededFuture(name)
                case .fallback: return channel.eventLoop.makeSucceededFuture("fallback")
                }
            }
            try pair.server.pipeline.syncOperations.addHandler(negotiation, position: .before(pair.serverEvents))
            try pair.handshake()
            XCTAssertEqual(try negotiation.protocolNegotiationResult.wait(), expected, "client offered \(offered)")
        }
    }

    func testNIOsNegotiationHandlerFallsBackWithoutALPN() throws {
        let pair = try EmbeddedTLSPair()
        let negotiation = NIOTypedApplicationProtocolNegotiationHandler<String> { result, channel in
            channel.eventLoop.makeSucceededFuture(result == .fallback ? "fallback" : "negotiated")
        }
        try pair.server.pipeline.syncOperations.addHandler(negotiation, position: .before(pair.serverEvents))
        try pair.handshake()
        XCTAssertEqual(try negotiation.protocolNegotiationResult.wait(), "fallback")
    }
}
