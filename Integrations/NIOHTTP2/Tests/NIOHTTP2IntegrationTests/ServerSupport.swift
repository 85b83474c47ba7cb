import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOTLS
import TLSKit
import TLSKitNIO

/// The bodies the servers answer with: one per protocol, so that a response names the pipeline
/// that served it.
enum Bodies {
    static let h2 = "hello h2"
    static let http1 = "hello http/1.1"
}

/// What a server saw, for assertions on the server's side of a connection. Three lists, each in
/// the order of its own: the handshake events are logged on the connection's event loop, the
/// requests by the handlers or tasks that serve them, which may run on other threads.
final class ServerLog: Sendable {
    struct Entries: Sendable, CustomStringConvertible {
        /// The TLS handler's handshake events, as ``HandshakeRecorder`` saw them.
        var handshake: [String] = []
        /// The protocol a connection was set up for, and the requests it served.
        var requests: [String] = []
        /// Errors on the server's side, for failure messages only: curl closes an HTTP/2
        /// connection without close_notify when it exits (and at times resets it), which
        /// TLSHandler rightly reports as an unclean shutdown; whether the server sees that before
        /// the test reads the log is a race.
        var errors: [String] = []

        var description: String { "server log: handshake \(handshake), requests \(requests), errors \(errors)" }
    }

    private let box = NIOLockedValueBox(Entries())

    func handshake(_ entry: String) { box.withLockedValue { $0.handshake.append(entry) } }
    func request(_ entry: String) { box.withLockedValue { $0.requests.append(entry) } }
    func error(_ entry: String) { box.withLockedValue { $0.errors.append(entry) } }

    var entries: Entries { box.withLockedValue { $0 } }
}

/// Sits right above the ``TLSHandler`` and logs the handshake events it fires, then passes every
/// event on: the ALPN handler above it must see exactly what it would without this one.
final class HandshakeRecorder: ChannelInboundHandler {
    typealias InboundIn = NIOAny

    private let log: ServerLog

    init(log: ServerLog) { self.log = log }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if case .handshakeCompleted(let negotiated) = event as? TLSUserEvent {
            log.handshake("TLSUserEvent.handshakeCompleted(\(negotiated ?? "nil"))")
        }
        if case .handshakeCompleted(let parameters) = event as? TLSKitEvent {
            log.handshake("TLSKitEvent.handshakeCompleted(\(parameters.applicationProtocol ?? "nil"))")
        }
        context.fireUserInboundEventTriggered(event)
    }
}

enum TestServer {
    /// An ephemeral self-signed certificate (curl runs with `-k`) offering h2 before http/1.1.
    static func configuration() throws -> ServerConfiguration {
        var configuration = ServerConfiguration(certificate: try CertifiedKey.selfSigned())
        configuration.applicationProtocols = ["h2", "http/1.1"]
        return configuration
    }

    /// Adds the TLS handler, and the recorder above it, first in a new connection's pipeline.
    static func addTLS(to channel: Channel, configuration: ServerConfiguration, log: ServerLog) -> EventLoopFuture<Void> {
        channel.eventLoop.makeCompletedFuture {
            let pipeline = channel.pipeline.syncOperations
            try pipeline.addHandler(try TLSHandler(serverConfiguration: configuration))
            try pipeline.addHandler(HandshakeRecorder(log: log))
        }
    }

    /// Runs `body` with an event loop group of its own, shut down afterwards whatever happens, so
    /// that no connection outlives its test.
    static func withEventLoopGroup<Result: Sendable>(
        _ body: (MultiThreadedEventLoopGroup) async throws -> Result
    ) async throws -> Result {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        do {
            let result = try await body(group)
            try await group.shutdownGracefully()
            return result
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
    }
}
