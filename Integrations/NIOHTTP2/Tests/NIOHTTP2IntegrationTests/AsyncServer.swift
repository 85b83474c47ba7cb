import HTTPTypes
import NIOCore
import NIOHTTP1
import NIOHTTP2
import NIOHTTPTypes
import NIOHTTPTypesHTTP1
import NIOHTTPTypesHTTP2
import NIOPosix
import TLSKit
import TLSKitNIO
import XCTest

/// An HTTP/1.1 connection or an HTTP/2 stream, as the async server handles both.
typealias HTTPChannel = NIOAsyncChannel<HTTPRequestPart, HTTPResponsePart>

/// What a connection turned out to be once ALPN was settled.
enum AsyncConnection: Sendable {
    case http1(HTTPChannel)
    case http2(NIOHTTP2Handler.AsyncStreamMultiplexer<HTTPChannel>)
}

/// The two ways NIO's async API sets a negotiating server up; both put a
/// `NIOTypedApplicationProtocolNegotiationHandler` above the TLS handler.
enum AsyncPipeline: Sendable {
    /// `configureAsyncHTTPServerPipeline`: HTTP/1.1 or HTTP/2 in one call.
    case serverPipeline
    /// `configureHTTP2AsyncSecureUpgrade`, with `configureAsyncHTTP2Pipeline` for HTTP/2 and
    /// `configureHTTPServerPipeline` for HTTP/1.1: the same, a step at a time.
    case secureUpgrade

    func configure(_ channel: Channel) -> EventLoopFuture<EventLoopFuture<AsyncConnection>> {
        switch self {
        case .serverPipeline:
            return channel.configureAsyncHTTPServerPipeline(
                http1ConnectionInitializer: { connection in
                    connection.eventLoop.makeCompletedFuture { try wrapHTTP1(connection) }
                },
                http2ConnectionInitializer: { connection in
                    connection.eventLoop.makeSucceededVoidFuture()
                },
                http2StreamInitializer: { stream in
                    stream.eventLoop.makeCompletedFuture { try wrapHTTP2(stream) }
                }
            ).map { negotiation in
                negotiation.map { version -> AsyncConnection in
                    switch version {
                    case .http1_1(let connection): return .http1(connection)
                    case .http2((_, let multiplexer)): return .http2(multiplexer)
                    }
                }
            }
        case .secureUpgrade:
            return channel.configureHTTP2AsyncSecureUpgrade(
                http1ConnectionInitializer: { connection in
                    connection.eventLoop.makeCompletedFuture {
                        try connection.pipeline.syncOperations.configureHTTPServerPipeline()
                        return try wrapHTTP1(connection)
                    }
                },
                http2ConnectionInitializer: { connection in
                    connection.configureAsyncHTTP2Pipeline(
                        mode: .server,
                        streamInitializer: { stream in
                            stream.eventLoop.makeCompletedFuture { try wrapHTTP2(stream) }
                        }
                    )
                }
            ).map { negotiation in
                negotiation.map { version -> AsyncConnection in
                    switch version {
                    case .http1_1(let connection): return .http1(connection)
                    case .http2(let multiplexer): return .http2(multiplexer)
                    }
                }
            }
        }
    }

    /// NIOHTTP1's response parts carry `IOData`, which is not Sendable: the HTTP types' parts
    /// stand in for them, as they would in a server built on `NIOAsyncChannel`.
    private func wrapHTTP1(_ connection: Channel) throws -> HTTPChannel {
        try connection.pipeline.syncOperations.addHandler(HTTP1ToHTTPServerCodec(secure: true))
        return try HTTPChannel(wrappingChannelSynchronously: connection)
    }

    private func wrapHTTP2(_ stream: Channel) throws -> HTTPChannel {
        try stream.pipeline.syncOperations.addHandler(HTTP2FramePayloadToHTTPServerCodec())
        return try HTTPChannel(wrappingChannelSynchronously: stream)
    }
}

/// A server on NIO's async API, with ``TLSHandler`` first in each connection's pipeline: the
/// typed negotiation handler waits for its `TLSUserEvent.handshakeCompleted`, and the connection
/// is served as an `NIOAsyncChannel` (HTTP/1.1) or as a multiplexer of them (HTTP/2).
enum AsyncServer {
    /// Listens on 127.0.0.1 (a port the OS picks) while `body` runs with the port; the serving
    /// tasks are cancelled when it returns.
    static func run<Result: Sendable>(
        _ pipeline: AsyncPipeline, log: ServerLog, _ body: (Int) async throws -> Result
    ) async throws -> Result {
        let configuration = try TestServer.configuration()
        return try await TestServer.withEventLoopGroup { group in
            let listener = try await ServerBootstrap(group: group)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .bind(host: "127.0.0.1", port: 0) { channel in
                    TestServer.addTLS(to: channel, configuration: configuration, log: log).flatMap {
                        pipeline.configure(channel)
                    }
                }
            let port = try XCTUnwrap(listener.channel.localAddress?.port)
            return try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { await serve(listener, log: log) }
                defer { tasks.cancelAll() }
                return try await body(port)
            }
        }
    }

    private static func serve(_ listener: NIOAsyncChannel<EventLoopFuture<AsyncConnection>, Never>, log: ServerLog) async {
        do {
            try await listener.executeThenClose { connections in
                try await withThrowingTaskGroup(of: Void.self) { tasks in
                    for try await negotiation in connections {
                        tasks.addTask { await serve(negotiation, log: log) }
                    }
                }
            }
        } catch {
            if !Task.isCancelled { log.error("listener: \(error)") }
        }
    }

    private static func serve(_ negotiation: EventLoopFuture<AsyncConnection>, log: ServerLog) async {
        do {
            switch try await negotiation.get() {
            case .http1(let connection):
                log.request("negotiated HTTP/1.1")
                try await respond(on: connection, label: "http/1.1", body: Bodies.http1, log: log)
            case .http2(let multiplexer):
                log.request("negotiated HTTP/2")
                try await withThrowingTaskGroup(of: Void.self) { streams in
                    for try await stream in multiplexer.inbound {
                        streams.addTask { try await respond(on: stream, label: "h2 stream", body: Bodies.h2, log: log) }
                    }
                    try await streams.waitForAll()
                }
            }
        } catch {
            if !Task.isCancelled { log.error("connection: \(error)") }
        }
    }

    /// Answers every request with 200 and `body`, logging the request line under `label`.
    private static func respond(on channel: HTTPChannel, label: String, body: String, log: ServerLog) async throws {
        try await channel.executeThenClose { requests, responses in
            for try await part in requests {
                switch part {
                case .head(let request):
                    log.request("\(label): \(request.method) \(request.path ?? "")")
                case .body:
                    break
                case .end:
                    var fields = HTTPFields()
                    fields[.contentType] = "text/plain"
                    fields[.contentLength] = String(body.utf8.count)
                    try await responses.write(.head(HTTPResponse(status: .ok, headerFields: fields)))
                    try await responses.write(.body(ByteBuffer(string: body)))
                    try await responses.write(.end(nil))
                }
            }
        }
    }
}
