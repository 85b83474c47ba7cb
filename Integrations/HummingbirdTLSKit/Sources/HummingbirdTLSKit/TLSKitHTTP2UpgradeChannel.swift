import HummingbirdCore
import HummingbirdHTTP2
import Logging
import NIOCore
import NIOHTTP2
import TLSKit
import TLSKitNIO

/// A server child channel that serves HTTP/2 or HTTP/1.1 over TLSKit, as the client picks with
/// ALPN: the counterpart of HummingbirdHTTP2's `HTTP2UpgradeChannel`.
///
/// The ALPN protocols of the configuration are replaced by `h2` then `http/1.1`, the two this
/// channel can serve, in that order, so a client offering both gets HTTP/2. A client that offers
/// no ALPN at all gets HTTP/1.1. Once the handshake completes, `TLSHandler` fires NIO's
/// `TLSUserEvent`, which NIO's `NIOTypedApplicationProtocolNegotiationHandler` (added by
/// NIOHTTP2's `configureHTTP2AsyncSecureUpgrade`) waits for; the pipeline is then finished as
/// Hummingbird's own `HTTP1Channel` or `HTTP2Channel` would finish it.
///
/// Most applications use
/// ``HummingbirdCore/HTTPServerBuilder/http2Upgrade(serverConfiguration:configuration:)``
/// instead of making one directly.
public struct TLSKitHTTP2UpgradeChannel: HTTPChannelHandler {
    public typealias Configuration = HTTP2ChannelConfiguration

    /// One accepted connection: the HTTP version negotiated, once the handshake has completed.
    public struct Value: ServerChildChannelValue {
        let negotiatedHTTPVersion: EventLoopFuture<NIONegotiatedHTTPVersion<HTTP1Channel.Value, HTTP2Channel.Value>>
        /// The accepted connection's channel.
        public let channel: any Channel
    }

    /// The configuration every connection is made with: the one given, with the ALPN protocols
    /// this channel serves, as validated.
    public let serverConfiguration: TLSKit.ServerConfiguration
    /// The HTTP/2 settings, with those of HTTP/1.1 connections and HTTP/2 streams.
    public let configuration: Configuration
    private let http1: HTTP1Channel
    private let http2: HTTP2Channel

    /// The responder both HTTP versions answer requests with.
    public var responder: Responder {
        self.http1.responder
    }

    /// A channel answering every request with `responder`.
    ///
    /// - Parameters:
    ///   - serverConfiguration: the TLS configuration; its `applicationProtocols` are replaced
    ///     by `h2` and `http/1.1`.
    ///   - configuration: HTTP/2 connection settings; its `streamConfiguration` also applies to
    ///     HTTP/1.1 connections.
    ///   - responder: answers requests.
    /// - Throws: `TLSError` when the configuration fails `validate()`, so that a configuration
    ///   that cannot work, or would accept what it should refuse, stops the server at start-up.
    public init(
        serverConfiguration: TLSKit.ServerConfiguration,
        configuration: Configuration = .init(),
        responder: @escaping Responder
    ) throws {
        self.serverConfiguration = try Self.prepare(serverConfiguration)
        self.configuration = configuration
        self.http1 = HTTP1Channel(responder: responder, configuration: configuration.streamConfiguration)
        self.http2 = HTTP2Channel(responder: responder, configuration: configuration)
    }

    /// `serverConfiguration` with the ALPN protocols this channel serves, validated.
    static func prepare(_ serverConfiguration: TLSKit.ServerConfiguration) throws -> TLSKit.ServerConfiguration {
        var serverConfiguration = serverConfiguration
        serverConfiguration.applicationProtocols = NIOHTTP2SupportedALPNProtocols
        try serverConfiguration.validate()
        return serverConfiguration
    }

    /// Adds the TLS handler and an ALPN handler that finishes the pipeline for the negotiated
    /// HTTP version once the handshake completes.
    public func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        do {
            try channel.pipeline.syncOperations.addHandler(TLSHandler(serverConfiguration: self.serverConfiguration))
        } catch {
            return channel.eventLoop.makeFailedFuture(error)
        }
        // NIOHTTP2's helper adds NIO's typed ALPN handler, which waits for the TLSUserEvent that
        // TLSHandler fires, as it waits for swift-nio-ssl's.
        return channel.configureHTTP2AsyncSecureUpgrade { channel in
            self.http1.setup(channel: channel, logger: logger)
        } http2ConnectionInitializer: { channel in
            self.http2.setup(channel: channel, logger: logger)
        }
        .map {
            .init(negotiatedHTTPVersion: $0, channel: channel)
        }
    }

    /// Waits for the negotiation, then serves the connection with the HTTP version agreed.
    public func handle(value: Value, logger: Logger) async {
        do {
            switch try await value.negotiatedHTTPVersion.get() {
            case .http1_1(let http1):
                await self.http1.handle(value: http1, logger: logger)
            case .http2(let http2):
                await self.http2.handle(value: http2, logger: logger)
            }
        } catch {
            // A failed handshake ends here: TLSHandler has already sent its alert and closed.
            logger.debug("HTTP version negotiation failed: \(error)")
        }
    }
}
