import NIOCore
import NIOHTTP1
import NIOHTTP2
import NIOPosix
import TLSKit
import TLSKitNIO
import XCTest

/// A server built the way swift-nio-http2's documentation builds one on NIOSSL, with
/// ``TLSHandler`` in NIOSSL's place: `configureHTTP2SecureUpgrade` waits for the TLS handler's
/// `TLSUserEvent.handshakeCompleted` and sets the pipeline up for the protocol ALPN agreed on.
enum SecureUpgradeServer {
    /// Listens on 127.0.0.1 (a port the OS picks) while `body` runs with the port.
    static func run<Result: Sendable>(log: ServerLog, _ body: (Int) async throws -> Result) async throws -> Result {
        let configuration = try TestServer.configuration()
        return try await TestServer.withEventLoopGroup { group in
            let listener = try await ServerBootstrap(group: group)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .childChannelInitializer { channel in
                    TestServer.addTLS(to: channel, configuration: configuration, log: log).flatMap {
                        configureProtocols(channel, log: log)
                    }
                }
                .bind(host: "127.0.0.1", port: 0).get()
            do {
                let port = try XCTUnwrap(listener.localAddress?.port)
                let result = try await body(port)
                try await listener.close()
                return result
            } catch {
                try? await listener.close()
                throw error
            }
        }
    }

    private static func configureProtocols(_ channel: Channel, log: ServerLog) -> EventLoopFuture<Void> {
        channel.configureHTTP2SecureUpgrade(
            h2ChannelConfigurator: { channel in
                channel.configureHTTP2Pipeline(
                    mode: .server,
                    inboundStreamInitializer: { stream in
                        stream.eventLoop.makeCompletedFuture {
                            try stream.pipeline.syncOperations.addHandlers(
                                HTTP2FramePayloadToHTTP1ServerCodec(),
                                Responder(label: "h2 stream", body: Bodies.h2, log: log)
                            )
                        }
                    }
                ).map { _ in }
            },
            http1ChannelConfigurator: { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(
                        Responder(label: "http/1.1", body: Bodies.http1, log: log))
                }
            }
        )
    }
}

/// Answers every request with 200 and `body`, logging the request line under `label`. Serves
/// HTTP/1.1 connections and, behind `HTTP2FramePayloadToHTTP1ServerCodec`, HTTP/2 streams alike.
private final class Responder: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let label: String
    private let body: String
    private let log: ServerLog
    private var version = HTTPVersion.http1_1

    init(label: String, body: String, log: ServerLog) {
        self.label = label
        self.body = body
        self.log = log
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            version = head.version
            log.request("\(label): \(head.method) \(head.uri) \(head.version)")
        case .body:
            break
        case .end:
            var headers = HTTPHeaders()
            headers.add(name: "content-type", value: "text/plain")
            headers.add(name: "content-length", value: String(body.utf8.count))
            context.write(wrapOutboundOut(.head(HTTPResponseHead(version: version, status: .ok, headers: headers))), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(ByteBuffer(string: body)))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        log.error("\(label): \(error)")
        context.close(promise: nil)
    }
}
