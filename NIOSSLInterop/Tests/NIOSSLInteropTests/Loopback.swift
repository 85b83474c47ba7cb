import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import XCTest

/// Makes the TLS handler that goes first in a channel's pipeline: TLSKit's or swift-nio-ssl's.
typealias TLSHandlerFactory = @Sendable () throws -> any ChannelHandler

/// The two ends of one connection.
struct ConnectionOutcome: Sendable {
    var server: Outcome
    var client: Outcome
}

struct TimedOut: Error, CustomStringConvertible {
    var what: String
    var description: String { "timed out waiting for the \(what)" }
}

struct UnexpectedConnection: Error {}

/// Real sockets on 127.0.0.1, the port chosen by the OS, every wait bounded.
enum Loopback {
    /// A handshake and 110 kB over loopback take milliseconds: the bound only keeps a peer that
    /// stops answering from hanging the run.
    static let timeout = TimeAmount.seconds(20)

    /// Runs `count` connections one after another from a client to one listening server, each
    /// end exchanging ``Messages`` through an ``ExchangeHandler``, and returns what each end saw.
    ///
    /// One after another, so that a client can resume a session from the previous connection;
    /// one listener and one server handler factory, so that the server's ticket keys are shared.
    static func run(
        connections count: Int = 1, server: @escaping TLSHandlerFactory, client: @escaping TLSHandlerFactory
    ) async throws -> [ConnectionOutcome] {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        do {
            let outcomes = try await run(group: group, connections: count, server: server, client: client)
            try await group.shutdownGracefully()
            return outcomes
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
    }

    private static func run(
        group: EventLoopGroup, connections count: Int, server: @escaping TLSHandlerFactory,
        client: @escaping TLSHandlerFactory
    ) async throws -> [ConnectionOutcome] {
        let loop = group.next()
        let serverOutcomes = (1...count).map { makeOutcomePromise(on: loop, what: "server end of connection \($0)") }
        let unclaimed = NIOLockedValueBox(serverOutcomes[...])
        let listener = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    guard let outcome = unclaimed.withLockedValue({ $0.popFirst() }) else { throw UnexpectedConnection() }
                    try channel.pipeline.syncOperations.addHandlers([try server(), ExchangeHandler.server(outcome: outcome)])
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let port = try XCTUnwrap(listener.localAddress?.port)

        var results: [ConnectionOutcome] = []
        for (index, serverOutcome) in serverOutcomes.enumerated() {
            let clientOutcome = makeOutcomePromise(on: loop, what: "client end of connection \(index + 1)")
            _ = try await ClientBootstrap(group: group)
                .connectTimeout(timeout)
                .channelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandlers([try client(), ExchangeHandler.client(outcome: clientOutcome)])
                    }
                }
                .connect(host: "127.0.0.1", port: port).get()
            let client = try await clientOutcome.futureResult.get()
            let server = try await serverOutcome.futureResult.get()
            results.append(ConnectionOutcome(server: server, client: client))
        }
        try await listener.close()
        return results
    }

    /// A promise that fails with ``TimedOut`` unless completed within ``timeout``, and that fails
    /// rather than leaks if the event loop shuts down first.
    private static func makeOutcomePromise(on loop: EventLoop, what: String) -> EventLoopPromise<Outcome> {
        let promise = loop.makePromise(of: Outcome.self)
        let timer = loop.scheduleTask(in: timeout) { promise.fail(TimedOut(what: what)) }
        // Cancelled once the promise completes (then this is a no-op) or when the loop shuts down.
        timer.futureResult.whenFailure { promise.fail($0) }
        promise.futureResult.whenComplete { _ in timer.cancel() }
        return promise
    }
}

/// Both ends received exactly what the other sent, and neither caught an error.
func assertExchanged(_ connection: ConnectionOutcome, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertEqual(connection.server.received.readableBytes, Messages.fromClient.readableBytes, "bytes the server received", file: file, line: line)
    XCTAssertTrue(connection.server.received == Messages.fromClient, "the server received the client's bytes", file: file, line: line)
    XCTAssertEqual(connection.client.received.readableBytes, Messages.fromServer.readableBytes, "bytes the client received", file: file, line: line)
    XCTAssertTrue(connection.client.received == Messages.fromServer, "the client received the server's bytes", file: file, line: line)
    XCTAssertTrue(connection.server.errors.isEmpty, "errors on the server end: \(connection.server.errors)", file: file, line: line)
    XCTAssertTrue(connection.client.errors.isEmpty, "errors on the client end: \(connection.client.errors)", file: file, line: line)
}
