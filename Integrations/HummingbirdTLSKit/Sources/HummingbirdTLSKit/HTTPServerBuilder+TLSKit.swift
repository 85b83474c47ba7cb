import HummingbirdCore
import HummingbirdHTTP2
import NIOCore
import TLSKit

extension HTTPServerBuilder {
    /// A server of HTTP/1.1 over TLSKit.
    ///
    /// ```swift
    /// let app = Application(
    ///     router: router,
    ///     server: try .tls(serverConfiguration: serverConfiguration)
    /// )
    /// ```
    ///
    /// - Parameters:
    ///   - http1: settings of the HTTP/1.1 connections.
    ///   - serverConfiguration: the TLS configuration every connection is made with.
    /// - Throws: `TLSError` when the configuration fails `validate()`, and
    ///   ``TLSKitChannelConfigurationError`` when it offers `h2` in ALPN: a client taking it up
    ///   would speak HTTP/2 to a server that only understands HTTP/1.1. Both are checked here,
    ///   when the application is made, so that a bad configuration never starts serving.
    public static func tls(
        http1: HTTP1Channel.Configuration = .init(),
        serverConfiguration: TLSKit.ServerConfiguration
    ) throws -> HTTPServerBuilder {
        try serverConfiguration.validate()
        if serverConfiguration.applicationProtocols.contains("h2") {
            throw TLSKitChannelConfigurationError(
                "the ALPN protocols offer h2 to an HTTP/1.1 server: use http2Upgrade(serverConfiguration:configuration:)")
        }
        return .init { responder in
            try TLSKitChannel(HTTP1Channel(responder: responder, configuration: http1), serverConfiguration: serverConfiguration)
        }
    }

    /// A server of any Hummingbird child channel over TLSKit: the channel `base` makes is set up
    /// behind the TLS handler and sees plaintext only.
    ///
    /// ```swift
    /// let app = Application(
    ///     router: router,
    ///     server: try .tls(serverConfiguration: serverConfiguration) { responder in
    ///         HTTP1Channel(responder: responder, configuration: .init(idleTimeout: .seconds(30)))
    ///     }
    /// )
    /// ```
    ///
    /// `HTTP1Channel` and the other child channels come from HummingbirdCore, which
    /// `import Hummingbird` does not bring in. The ALPN protocols of `serverConfiguration` are
    /// left as they are: set them to what the base channel speaks, or leave them empty.
    ///
    /// - Parameters:
    ///   - serverConfiguration: the TLS configuration every connection is made with.
    ///   - base: makes the child channel to wrap from the application's responder.
    /// - Throws: `TLSError` when the configuration fails `validate()`, checked here so that a
    ///   bad configuration never starts serving.
    public static func tls<BaseChannel: ServerChildChannel>(
        serverConfiguration: TLSKit.ServerConfiguration,
        base: @escaping @Sendable (@escaping HTTPChannelHandler.Responder) throws -> BaseChannel
    ) throws -> HTTPServerBuilder {
        try serverConfiguration.validate()
        return .init { responder in
            try TLSKitChannel(base(responder), serverConfiguration: serverConfiguration)
        }
    }

    /// A server of HTTP/2 and HTTP/1.1 over TLSKit, the version picked by the client with ALPN.
    ///
    /// ```swift
    /// let app = Application(
    ///     router: router,
    ///     server: try .http2Upgrade(serverConfiguration: serverConfiguration)
    /// )
    /// ```
    ///
    /// - Parameters:
    ///   - serverConfiguration: the TLS configuration every connection is made with; its
    ///     `applicationProtocols` are replaced by `h2` and `http/1.1`.
    ///   - configuration: HTTP/2 connection settings; its `streamConfiguration` also applies to
    ///     HTTP/1.1 connections.
    /// - Throws: `TLSError` when the configuration fails `validate()`, checked here so that a
    ///   bad configuration never starts serving.
    public static func http2Upgrade(
        serverConfiguration: TLSKit.ServerConfiguration,
        configuration: HTTP2ChannelConfiguration = .init()
    ) throws -> HTTPServerBuilder {
        let serverConfiguration = try TLSKitHTTP2UpgradeChannel.prepare(serverConfiguration)
        return .init { responder in
            try TLSKitHTTP2UpgradeChannel(serverConfiguration: serverConfiguration, configuration: configuration, responder: responder)
        }
    }
}

/// A TLS configuration that does not fit the channel it was given to.
public struct TLSKitChannelConfigurationError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What is wrong, in one line.
    public let description: String

    init(_ description: String) { self.description = description }
}
