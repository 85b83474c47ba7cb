import NIOCore
import NIOPosix
import TLSKit
import TLSKitNIO
import XCTest

/// What a test verifier saw, shared between its task and the test.
private actor VerifierLog {
    private(set) var requests: [PeerVerificationRequest] = []
    /// When the verifier started and finished.
    private(set) var started: NIODeadline?
    private(set) var finished: NIODeadline?
    /// When a task scheduled on the event loop during the verification ran.
    private(set) var loopTaskRan: NIODeadline?
    private(set) var sawCancellation = false

    func begin(_ request: PeerVerificationRequest) {
        requests.append(request)
        started = .now()
    }

    func loopTask(ranAt time: NIODeadline?) { loopTaskRan = time }

    func end(cancelled: Bool) {
        finished = .now()
        sawCancellation = cancelled
    }
}

/// Waits `delay`, meanwhile has the event loop run a task, then gives `verdict`.
private struct SlowVerifier: PeerCertificateVerifier {
    let delay: TimeAmount
    let verdict: PeerVerificationVerdict
    let loop: any EventLoop
    let log: VerifierLog

    func verify(_ request: PeerVerificationRequest) async -> PeerVerificationVerdict {
        await log.begin(request)
        // Scheduled on the loop that runs the handshake: it runs only if that loop is free.
        let ran = try? await loop.scheduleTask(in: .milliseconds(10)) { NIODeadline.now() }.futureResult.get()
        await log.loopTask(ranAt: ran)
        try? await Task.sleep(nanoseconds: UInt64(delay.nanoseconds))
        await log.end(cancelled: Task.isCancelled)
        return Task.isCancelled ? .reject(reason: "cancelled") : verdict
    }
}

/// TLSHandler running an `async` peer certificate verifier on real sockets.
final class TLSHandlerPeerVerificationTests: XCTestCase {
    typealias Connection = TLSHandlerLoopbackTests.Connection

    private var group: MultiThreadedEventLoopGroup!
    private var serverKey: CertifiedKey!
    private var clientKey: CertifiedKey!

    override func setUp() async throws {
        // One thread: client, server and the scheduled probe all share one event loop.
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        serverKey = try CertifiedKey.selfSigned()
        clientKey = try CertifiedKey.selfSigned(names: ["client.example"])
    }

    override func tearDown() async throws {
        try await group.shutdownGracefully()
    }

    private var loop: any EventLoop { group.next() }

    private func clientConfiguration(verifier: (any PeerCertificateVerifier)? = nil, certificate: Bool = false) -> ClientConfiguration {
        var configuration = ClientConfiguration()
        configuration.trustRoots = .certificates([serverKey.chain[0]])
        configuration.certificateVerifier = verifier
        if certificate { configuration.certificate = clientKey }
        return configuration
    }

    private func serverRequiringClientCertificates(verifier: any PeerCertificateVerifier) -> ServerConfiguration {
        var configuration = ServerConfiguration(certificate: serverKey)
        configuration.clientAuthentication = .required(trustRoots: .certificates([clientKey.chain[0]]))
        configuration.clientCertificateVerifier = verifier
        return configuration
    }

    func testSlowClientVerifierCompletesTheHandshakeWithoutBlockingTheEventLoop() async throws {
        let log = VerifierLog()
        let verifier = SlowVerifier(delay: .milliseconds(100), verdict: .accept, loop: loop, log: log)
        let server = try await TLSHandlerLoopbackTests.startServer(group: group, configuration: ServerConfiguration(certificate: serverKey))
        let port = try XCTUnwrap(server.channel.localAddress?.port)
        let configuration = clientConfiguration(verifier: verifier)
        let group = self.group!

        try await withTimeout(seconds: 30) {
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await TLSHandlerLoopbackTests.echoOneConnection(server) }
                let client = try await TLSHandlerLoopbackTests.connect(group: group, port: port, configuration: configuration)
                let echoed = try await client.executeThenClose { inbound, outbound in
                    try await outbound.write(ByteBuffer(string: "hello"))
                    var iterator = inbound.makeAsyncIterator()
                    return try await iterator.next()
                }
                XCTAssertEqual(echoed.map { String(buffer: $0) }, "hello")
                try await tasks.waitForAll()
            }
        }
        let requests = await log.requests
        XCTAssertEqual(requests.count, 1)
        XCTAssertEqual(requests.first?.peerRole, .server)
        XCTAssertEqual(requests.first?.serverName, "localhost")
        XCTAssertEqual(requests.first?.isChainVerified, true)
        let (maybeStarted, maybeFinished, maybeLoopTaskRan) = (await log.started, await log.finished, await log.loopTaskRan)
        let started = try XCTUnwrap(maybeStarted)
        let finished = try XCTUnwrap(maybeFinished)
        let loopTaskRan = try XCTUnwrap(maybeLoopTaskRan, "the event loop ran a task while the verifier waited")
        XCTAssertGreaterThanOrEqual(finished - started, .milliseconds(100))
        XCTAssertLessThan(loopTaskRan, finished)
    }

    func testSlowServerVerifierHoldsTheClientsFirstRequestAndThenAnswersIt() async throws {
        let log = VerifierLog()
        let verifier = SlowVerifier(delay: .milliseconds(100), verdict: .accept, loop: loop, log: log)
        let server = try await TLSHandlerLoopbackTests.startServer(group: group, configuration: serverRequiringClientCertificates(verifier: verifier))
        let port = try XCTUnwrap(server.channel.localAddress?.port)
        let configuration = clientConfiguration(certificate: true)
        let group = self.group!

        try await withTimeout(seconds: 30) {
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await TLSHandlerLoopbackTests.echoOneConnection(server) }
                let client = try await TLSHandlerLoopbackTests.connect(group: group, port: port, configuration: configuration)
                let echoed = try await client.executeThenClose { inbound, outbound in
                    // The client's handshake ends with its Finished, so this goes out while the
                    // server's verifier still runs: the server holds it, then echoes it.
                    try await outbound.write(ByteBuffer(string: "first request"))
                    var received = ""
                    for try await buffer in inbound {
                        received += String(buffer: buffer)
                        if received.count >= "first request".count { break }
                    }
                    return received
                }
                XCTAssertEqual(echoed, "first request")
                try await tasks.waitForAll()
            }
        }
        let requests = await log.requests
        XCTAssertEqual(requests.map(\.peerRole), [.client])
        XCTAssertEqual(requests.first?.peerCertificates, [clientKey.chain[0]])
        let loopTaskRan = await log.loopTaskRan
        XCTAssertNotNil(loopTaskRan, "the event loop ran a task while the verifier waited")
    }

    func testRejectingServerVerifierSendsCertificateRevokedToTheClient() async throws {
        let log = VerifierLog()
        let verifier = SlowVerifier(
            delay: .milliseconds(20), verdict: .reject(reason: "serial revoked", alert: .certificateRevoked), loop: loop, log: log)
        let server = try await TLSHandlerLoopbackTests.startServer(group: group, configuration: serverRequiringClientCertificates(verifier: verifier))
        let port = try XCTUnwrap(server.channel.localAddress?.port)
        let configuration = clientConfiguration(certificate: true)
        let group = self.group!

        try await withTimeout(seconds: 30) {
            try await withThrowingTaskGroup(of: Error?.self) { tasks in
                tasks.addTask {
                    do {
                        try await TLSHandlerLoopbackTests.echoOneConnection(server)
                        return nil
                    } catch {
                        return error
                    }
                }
                let client = try await TLSHandlerLoopbackTests.connect(group: group, port: port, configuration: configuration)
                do {
                    try await client.executeThenClose { inbound, _ in
                        for try await _ in inbound {}
                    }
                    XCTFail("the client stream should have thrown")
                } catch let error as TLSError {
                    XCTAssertEqual(error.alertReceived, .certificateRevoked)
                }
                let serverError = try await tasks.next() ?? nil
                XCTAssertEqual((serverError as? TLSError)?.alertSent, .certificateRevoked)
                XCTAssertEqual((serverError as? TLSError)?.code, .certificateVerificationFailed)
            }
        }
    }

    func testRejectingClientVerifierFailsTheHandshakeWithItsAlert() async throws {
        let log = VerifierLog()
        let verifier = SlowVerifier(delay: .milliseconds(20), verdict: .reject(reason: "not pinned", alert: .unknownCA), loop: loop, log: log)
        let server = try await TLSHandlerLoopbackTests.startServer(group: group, configuration: ServerConfiguration(certificate: serverKey))
        let port = try XCTUnwrap(server.channel.localAddress?.port)
        let configuration = clientConfiguration(verifier: verifier)
        let group = self.group!

        try await withTimeout(seconds: 30) {
            try await withThrowingTaskGroup(of: Error?.self) { tasks in
                tasks.addTask {
                    do {
                        try await TLSHandlerLoopbackTests.echoOneConnection(server)
                        return nil
                    } catch {
                        return error
                    }
                }
                let client = try await TLSHandlerLoopbackTests.connect(group: group, port: port, configuration: configuration)
                do {
                    try await client.executeThenClose { inbound, _ in
                        for try await _ in inbound {}
                    }
                    XCTFail("the client stream should have thrown")
                } catch let error as TLSError {
                    XCTAssertEqual(error.alertSent, .unknownCA)
                    XCTAssertEqual(error.code, .certificateVerificationFailed)
                }
                let serverError = try await tasks.next() ?? nil
                XCTAssertEqual((serverError as? TLSError)?.alertReceived, .unknownCA)
            }
        }
    }

    func testPostHandshakeClientCertificateGoesThroughTheSlowVerifier() async throws {
        let log = VerifierLog()
        let verifier = SlowVerifier(delay: .milliseconds(100), verdict: .accept, loop: loop, log: log)
        var serverConfiguration = ServerConfiguration(certificate: serverKey)
        serverConfiguration.clientCertificateVerifier = verifier
        let server = try await TLSHandlerLoopbackTests.startServer(group: group, configuration: serverConfiguration)
        let port = try XCTUnwrap(server.channel.localAddress?.port)
        var postHandshakeClient = clientConfiguration(certificate: true)
        postHandshakeClient.offersPostHandshakeAuthentication = true
        let configuration = postHandshakeClient
        let roots = TrustRoots.certificates([clientKey.chain[0]])
        let group = self.group!

        try await withTimeout(seconds: 30) {
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask {
                    // Echoes, and asks for the client's certificate when the first data arrives.
                    try await server.executeThenClose { connections in
                        for try await connection in connections {
                            try await connection.executeThenClose { inbound, outbound in
                                var asked = false
                                for try await chunk in inbound {
                                    if !asked {
                                        asked = true
                                        try await connection.channel.triggerUserOutboundEvent(
                                            TLSCommand.requestClientCertificate(trustRoots: roots, required: true)
                                        ).get()
                                    }
                                    try await outbound.write(chunk)
                                }
                            }
                            return
                        }
                    }
                }
                let client = try await TLSHandlerLoopbackTests.connect(group: group, port: port, configuration: configuration)
                try await client.executeThenClose { inbound, outbound in
                    var iterator = inbound.makeAsyncIterator()
                    for message in ["one", "two"] {
                        try await outbound.write(ByteBuffer(string: message))
                        let echoed = try await iterator.next()
                        XCTAssertEqual(echoed.map { String(buffer: $0) }, message)
                    }
                }
                try await tasks.waitForAll()
            }
        }
        let requests = await log.requests
        XCTAssertEqual(requests.count, 1)
        XCTAssertEqual(requests.first?.isPostHandshake, true)
        XCTAssertEqual(requests.first?.isChainVerified, true)
        XCTAssertEqual(requests.first?.peerCertificates, [clientKey.chain[0]])
    }

    func testVerdictAfterTheChannelClosedIsDroppedAndTheVerifierIsCancelled() async throws {
        let log = VerifierLog()
        // Far longer than the test: only cancellation ends it in time.
        let verifier = SlowVerifier(delay: .seconds(60), verdict: .accept, loop: loop, log: log)
        let server = try await TLSHandlerLoopbackTests.startServer(group: group, configuration: serverRequiringClientCertificates(verifier: verifier))
        let port = try XCTUnwrap(server.channel.localAddress?.port)
        let configuration = clientConfiguration(certificate: true)
        let group = self.group!

        try await withTimeout(seconds: 30) {
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask {
                    // The server's connection ends when the client goes away mid-verification.
                    try? await TLSHandlerLoopbackTests.echoOneConnection(server)
                }
                let client = try await TLSHandlerLoopbackTests.connect(group: group, port: port, configuration: configuration)
                while await log.started == nil { try await Task.sleep(nanoseconds: 5_000_000) }
                try await client.channel.close()
                while await log.finished == nil { try await Task.sleep(nanoseconds: 5_000_000) }
                try await tasks.waitForAll()
            }
        }
        let sawCancellation = await log.sawCancellation
        XCTAssertTrue(sawCancellation, "closing the channel cancels the verifier's task")
    }
}
