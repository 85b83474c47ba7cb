import HummingbirdCore
import Logging
import NIOCore
import TLSKit
import TLSKitNIO

/// A server child channel that runs TLSKit in front of another child channel: the counterpart
/// of HummingbirdTLS's `TLSChannel`, with TLSKit's `ServerConfiguration` where that one
/// takes swift-nio-ssl's `TLSConfiguration`.
///
/// Each accepted connection gets a `TLSHandler` first in its pipeline; the base channel (usually
/// Hummingbird's `HTTP1Channel`) is set up behind it and sees plaintext only. Every connection
/// shares the one configuration, so its ticket keys, session store and
/// `statistics` are the server's, not the connection's.
///
/// Most applications use ``HummingbirdCore/HTTPServerBuilder/tls(http1:serverConfiguration:)``
/// instead of making one directly.
public struct TLSKitChannel<BaseChannel: ServerChildChannel>: ServerChildChannel {
    public typealias Value = BaseChannel.Value

    /// The configuration every connection is made with, as validated.
    public let serverConfiguration: TLSKit.ServerConfiguration
    /// The channel set up behind TLS.
    public let baseChannel: BaseChannel

    /// Wraps `baseChannel` in TLS.
    ///
    /// - Throws: `TLSError` when `serverConfiguration` is one no connection can use, or one
    ///   that would accept what it should refuse (client authentication against no roots, say).
    ///   Validating here rather than at the first connection makes a bad configuration stop the
    ///   server at start-up instead of failing every handshake.
    public init(_ baseChannel: BaseChannel, serverConfiguration: TLSKit.ServerConfiguration) throws {
        try serverConfiguration.validate()
        self.serverConfiguration = serverConfiguration
        self.baseChannel = baseChannel
    }

    /// Adds the TLS handler, then sets up the base channel behind it.
    public func setup(channel: any Channel, logger: Logger) -> EventLoopFuture<Value> {
        channel.eventLoop.makeCompletedFuture {
            try channel.pipeline.syncOperations.addHandler(TLSHandler(serverConfiguration: self.serverConfiguration))
        }.flatMap {
            self.baseChannel.setup(channel: channel, logger: logger)
        }
    }

    /// Hands the connection to the base channel: TLS needs nothing more once it is in the pipeline.
    public func handle(value: Value, logger: Logger) async {
        await self.baseChannel.handle(value: value, logger: logger)
    }
}

extension TLSKitChannel: HTTPChannelHandler where BaseChannel: HTTPChannelHandler {
    /// The base channel's responder.
    public var responder: HTTPChannelHandler.Responder {
        self.baseChannel.responder
    }
}
