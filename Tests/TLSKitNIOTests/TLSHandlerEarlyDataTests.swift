import Foundation
import NIOCore
import NIOPosix
import TLSKit
import TLSKitNIO
import XCTest

/// An `async` replay guard that takes its time, accepts, and counts what it was asked.
private actor SlowReplayGuard: EarlyDataReplayGuard {
    private(set) var attempts = 0
    let verdict: EarlyDataReplayVerdict

    init(_ verdict: EarlyDataReplayVerdict) { self.verdict = verdict }

    func checkAndRecord(_ attempt: EarlyDataAttempt) async throws -> EarlyDataReplayVerdict {
        attempts += 1
        try await Task.sleep(nanoseconds: 50_000_000)
        return verdict
    }
}

/// The server's recorder, made on its event loop and read there by the test.
private final class RecorderBox: @unchecked Sendable {
    private let lock = NSLock()
    private var recorder: EventRecorder?
    func set(_ recorder: EventRecorder) { lock.withLock { self.recorder = recorder } }
    func get() -> EventRecorder? { lock.withLock { recorder } }
}

/// TLSHandler on real sockets accepting early data: the replay guard runs in a task, off the
/// event loop, and the early data reaches the application as `TLSKitEvent.earlyDataReceived`.
final class TLSHandlerEarlyDataTests: XCTestCase {
    private let request = Array("GET /early HTTP/1.1\r\n\r\n".utf8)

    /// A ticket from an in-memory handshake with `server`.
    private func session(client: ClientConfiguration, server: ServerConfiguration) throws -> ClientSession {
        let clientConnection = try ClientConnection(configuration: client, serverName: "localhost")
        let serverConnection = try ServerConnection(configuration: server)
        for _ in 0..<10 {
            try serverConnection.receive(clientConnection.takeOutput())
            try clientConnection.receive(serverConnection.takeOutput())
        }
        while let event = clientConnection.nextEvent() {
            if case .sessionTicketReceived(let session) = event { return session }
        }
        throw ChannelError.inappropriateOperationForState
    }

    /// Connects a client sending `request` as early data to a server with `replayGuard`, and
    /// returns the server's recorder once its handshake has completed.
    private func run(replayGuard: SlowReplayGuard) async throws -> (log: [String], early: [UInt8], events: [TLSEvent], received: [UInt8]) {
        let certified = try CertifiedKey.selfSigned()
        var server = ServerConfiguration(certificate: certified)
        server.ticketCount = 1
        server.maximumEarlyDataSize = 1_024
        server.earlyDataReplayGuard = replayGuard
        var client = ClientConfiguration()
        client.trustRoots = .certificates([certified.chain[0]])
        client.sessionStore = nil
        let session = try session(client: client, server: server)
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let serverConfiguration = server
        let recorder = RecorderBox()
        let listener = try await ServerBootstrap(group: group)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let events = EventRecorder()
                    recorder.set(events)
                    try channel.pipeline.syncOperations.addHandler(try TLSHandler(serverConfiguration: serverConfiguration))
                    try channel.pipeline.syncOperations.addHandler(events)
                }
            }
            .bind(host: "127.0.0.1", port: 0).get()
        let clientConfiguration = client
        let request = self.request
        let channel = try await ClientBootstrap(group: group)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    let connection = try ClientConnection(
                        configuration: clientConfiguration, serverName: "localhost", session: session, earlyData: request)
                    try channel.pipeline.syncOperations.addHandler(TLSHandler(connection: connection))
                    try channel.pipeline.syncOperations.addHandler(EventRecorder())
                }
            }
            .connect(host: "127.0.0.1", port: listener.localAddress!.port!).get()
        try await channel.writeAndFlush(ByteBuffer(string: "after")).get()
        var result: (log: [String], early: [UInt8], events: [TLSEvent], received: [UInt8]) = ([], [], [], [])
        for _ in 0..<100 {
            try await Task.sleep(nanoseconds: 20_000_000)
            result = try await group.next().submit {
                let events = recorder.get()
                return (events?.log ?? [], events?.earlyData ?? [], events?.connectionEvents ?? [], events?.received ?? [])
            }.get()
            if result.received.count >= 5 { break }
        }
        try await channel.close()
        try await listener.close()
        try await group.shutdownGracefully()
        return result
    }

    func testAcceptedEarlyDataArrivesAsAnEventBeforeTheHandshakeCompletes() async throws {
        let replayGuard = SlowReplayGuard(.accept)
        let result = try await run(replayGuard: replayGuard)
        let attempts = await replayGuard.attempts
        XCTAssertEqual(attempts, 1)
        XCTAssertEqual(result.early, request)
        XCTAssertTrue(result.events.contains(.earlyDataAccepted))
        XCTAssertEqual(result.log.first, "early:\(request.count)", "early data comes before the handshake event: \(result.log)")
        XCTAssertEqual(result.received, Array("after".utf8), "and never as a channel read")
    }

    func testRefusingGuardSkipsTheEarlyData() async throws {
        let replayGuard = SlowReplayGuard(.reject(.replayed))
        let result = try await run(replayGuard: replayGuard)
        XCTAssertEqual(result.early, [])
        XCTAssertTrue(result.events.contains(.earlyDataRejected(.replay)))
        XCTAssertEqual(result.received, Array("after".utf8))
    }
}
