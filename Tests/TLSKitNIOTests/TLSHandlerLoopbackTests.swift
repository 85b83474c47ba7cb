import NIOCore
import NIOPosix
import TLSKit
import TLSKitNIO
import XCTest

/// TLSHandler on real sockets, set up with NIO bootstraps and used through `NIOAsyncChannel`.
final class TLSHandlerLoopbackTests: XCTestCase {
    typealias Connection = NIOAsyncChannel<ByteBuffer, ByteBuffer>

    func testEchoOverLoopbackWithAsyncChannels() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let certified = try CertifiedKey.selfSigned()
        let server = try await Self.startServer(group: group, configuration: ServerConfiguration(certificate: certified))
        let port = try XCTUnwrap(server.channel.localAddress?.port)
        var clientConfiguration = ClientConfiguration()
        clientConfiguration.trustRoots = .certificates([certified.chain[0]])
        let configuration = clientConfiguration
        // Big enough to take many records and many socket reads.
        let message = ByteBuffer(bytes: (0..<300_000).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 8) })

        try await withTimeout(seconds: 30) {
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await Self.echoOneConnection(server) }
                let client = try await Self.connect(group: group, port: port, configuration: configuration)
                let echoed = try await client.executeThenClose { inbound, outbound in
                    try await outbound.write(message)
                    var received = ByteBuffer()
                    for try await var chunk in inbound {
                        received.writeBuffer(&chunk)
                        if received.readableBytes >= message.readableBytes { break }
                    }
                    return received
                }
                XCTAssertEqual(echoed.readableBytes, message.readableBytes)
                XCTAssertTrue(echoed == message)
                // The server's loop ends without error only if our close sent close_notify.
                try await tasks.waitForAll()
            }
        }
        try await group.shutdownGracefully()
    }

    func testUntrustedServerFailsTheClientStreamWithUnknownCA() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let server = try await Self.startServer(
            group: group, configuration: ServerConfiguration(certificate: try CertifiedKey.selfSigned()))
        let port = try XCTUnwrap(server.channel.localAddress?.port)
        var configuration = ClientConfiguration()
        configuration.trustRoots = .certificates([try CertifiedKey.selfSigned().chain[0]])
        let clientConfiguration = configuration

        try await withTimeout(seconds: 30) {
            try await withThrowingTaskGroup(of: Error?.self) { tasks in
                tasks.addTask {
                    do {
                        try await Self.echoOneConnection(server)
                        return nil
                    } catch {
                        return error
                    }
                }
                let client = try await Self.connect(group: group, port: port, configuration: clientConfiguration)
                do {
                    // No write here: the handshake may already have failed and closed the
                    // channel, and the stream must still report why.
                    try await client.executeThenClose { inbound, _ in
                        for try await _ in inbound {}
                    }
                    XCTFail("the client stream should have thrown")
                } catch let error as TLSError {
                    XCTAssertEqual(error.alertSent, .unknownCA)
                }
                let serverError = try await tasks.next() ?? nil
                XCTAssertEqual((serverError as? TLSError)?.alertReceived, .unknownCA)
            }
        }
        try await group.shutdownGracefully()
    }

    // MARK: Helpers

    static func startServer(
        group: EventLoopGroup, configuration: ServerConfiguration
    ) async throws -> NIOAsyncChannel<Connection, Never> {
        try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: "127.0.0.1", port: 0) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(TLSHandler(serverConfiguration: configuration))
                    return try Connection(wrappingChannelSynchronously: channel)
                }
            }
    }

    static func connect(group: EventLoopGroup, port: Int, configuration: ClientConfiguration) async throws -> Connection {
        try await ClientBootstrap(group: group).connect(host: "127.0.0.1", port: port) { channel in
            channel.eventLoop.makeCompletedFuture {
                let handler = try TLSHandler(clientConfiguration: configuration, serverName: "localhost")
                try channel.pipeline.syncOperations.addHandler(handler)
                return try Connection(wrappingChannelSynchronously: channel)
            }
        }
    }

    /// Accepts one connection, echoes it until the client closes, then closes the listener.
    static func echoOneConnection(_ server: NIOAsyncChannel<Connection, Never>) async throws {
        try await server.executeThenClose { connections in
            for try await connection in connections {
                try await connection.executeThenClose { inbound, outbound in
                    for try await chunk in inbound { try await outbound.write(chunk) }
                }
                return
            }
        }
    }
}

struct TimedOut: Error {}

/// Runs `body`, failing with `TimedOut` if it takes longer than `seconds`.
func withTimeout<T: Sendable>(seconds: Double, _ body: @escaping @Sendable () async throws -> T) async throws -> T {
    try await withThrowingTaskGroup(of: T.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(nanoseconds: UInt64(seconds * 1_000_000_000))
            throw TimedOut()
        }
        defer { group.cancelAll() }
        return try await group.next()!
    }
}
