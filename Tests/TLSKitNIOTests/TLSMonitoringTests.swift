import InMemoryLogging
import Logging
import MetricsTestKit
import NIOCore
import NIOEmbedded
import TLSKit
import TLSKitNIO
import XCTest

/// What `TLSHandler` reports through swift-log and swift-metrics: one line and the counters per
/// handshake and per failure, tagged by role, never a secret.
final class TLSMonitoringTests: XCTestCase {
    private let metrics = TestMetrics()
    private let serverLog = InMemoryLogHandler()
    private let clientLog = InMemoryLogHandler()

    private var serverMonitoring: TLSMonitoring {
        TLSMonitoring(logger: Logger(label: "server") { _ in self.serverLog }, metrics: TLSMetrics(factory: metrics))
    }

    private var clientMonitoring: TLSMonitoring {
        TLSMonitoring(logger: Logger(label: "client") { _ in self.clientLog }, metrics: TLSMetrics(factory: metrics))
    }

    private func count(_ name: String, _ dimensions: [(String, String)]) -> Int64 {
        metrics.counterTotal(label: "tlskit_\(name)", dimensions: dimensions)
    }

    private func handshake(
        _ clientConfiguration: ClientConfiguration, _ serverConfiguration: ServerConfiguration, earlyData: [UInt8]? = nil
    ) throws -> EmbeddedTLSPair {
        let pair = try EmbeddedTLSPair(
            clientConfiguration: clientConfiguration, serverConfiguration: serverConfiguration,
            clientMonitoring: clientMonitoring, serverMonitoring: serverMonitoring, clientEarlyData: earlyData)
        try pair.connect()
        try pair.interact()
        return pair
    }

    func testFullHandshakeAndResumptionAreCountedAndLoggedPerRole() throws {
        let client = EmbeddedTLSPair.trustingClientConfiguration
        var server = ServerConfiguration(certificate: EmbeddedTLSPair.certified)
        server.applicationProtocols = ["h2"]
        var offering = client
        offering.applicationProtocols = ["h2"]
        XCTAssertEqual(try handshake(offering, server).serverEvents.negotiatedParameters?.isResumed, false)
        XCTAssertEqual(try handshake(offering, server).serverEvents.negotiatedParameters?.isResumed, true)

        for role in ["server", "client"] {
            XCTAssertEqual(count("handshakes_full_total", [("role", role)]), 1, role)
            XCTAssertEqual(count("handshakes_resumed_total", [("role", role)]), 1, role)
            XCTAssertEqual(try metrics.expectTimer("tlskit_handshake_duration_seconds", [("role", role)]).values.count, 2, role)
        }
        // Two tickets after the full handshake, one after the resumption.
        XCTAssertEqual(count("tickets_issued_total", [("role", "server")]), 3)
        XCTAssertEqual(count("tickets_received_total", [("role", "client")]), 3)

        let lines = serverLog.entries.filter { $0.message == "TLS handshake completed" }
        XCTAssertEqual(lines.count, 2)
        XCTAssertEqual(lines.map { $0.metadata["tls.resumed"]?.description }, ["false", "true"])
        let first = try XCTUnwrap(lines.first)
        XCTAssertEqual(first.level, .info)
        XCTAssertEqual(first.metadata["tls.role"], "server")
        XCTAssertEqual(first.metadata["tls.version"], "TLSv1.3")
        XCTAssertEqual(first.metadata["tls.suite"], "TLS_AES_128_GCM_SHA256")
        XCTAssertEqual(first.metadata["tls.group"]?.description.isEmpty, false)
        XCTAssertEqual(first.metadata["tls.alpn"], "h2")
        XCTAssertNotNil(first.metadata["tls.peer"])
        XCTAssertNotNil(first.metadata["tls.duration_ms"])
        XCTAssertEqual(clientLog.entries.filter { $0.message == "TLS handshake completed" }.count, 2)
    }

    func testRejectedTicketsAreCountedByReason() throws {
        let client = EmbeddedTLSPair.trustingClientConfiguration
        _ = try handshake(client, ServerConfiguration(certificate: EmbeddedTLSPair.certified))
        // Another server configuration has other ticket keys: the client's ticket does not open.
        let stranger = try handshake(client, ServerConfiguration(certificate: EmbeddedTLSPair.certified))
        XCTAssertEqual(stranger.serverEvents.negotiatedParameters?.isResumed, false)
        XCTAssertEqual(count("tickets_rejected_total", [("role", "server"), ("reason", "unknownKey")]), 1)
        XCTAssertEqual(count("handshakes_full_total", [("role", "server")]), 2)
    }

    func testRejectedEarlyDataIsCountedByReason() throws {
        let client = EmbeddedTLSPair.trustingClientConfiguration
        var server = ServerConfiguration(certificate: EmbeddedTLSPair.certified)
        server.maximumEarlyDataSize = 1_024
        _ = try handshake(client, server)
        // The tickets allow early data; the server no longer accepts any.
        server.maximumEarlyDataSize = 0
        let pair = try handshake(client, server, earlyData: Array("early".utf8))
        XCTAssertEqual(pair.serverEvents.negotiatedParameters?.isResumed, true)
        XCTAssertEqual(count("early_data_rejected_total", [("role", "server"), ("reason", "notAllowed")]), 1)
        XCTAssertEqual(count("early_data_rejected_total", [("role", "client"), ("reason", "unknown")]), 1)
        XCTAssertEqual(pair.serverEvents.earlyData, [], "nothing delivered")
    }

    func testFailedHandshakeCountsTheAlertOnBothSidesAndLogsIt() throws {
        var untrusting = ClientConfiguration()
        untrusting.trustRoots = .certificates([try CertifiedKey.selfSigned().chain[0]])
        let pair = try handshake(untrusting, ServerConfiguration(certificate: EmbeddedTLSPair.certified))
        XCTAssertNil(pair.clientEvents.negotiatedParameters)
        let sent = try XCTUnwrap(pair.clientEvents.errors.first as? TLSError).alertSent
        let description = try XCTUnwrap(sent).description
        XCTAssertEqual(count("alerts_sent_total", [("role", "client"), ("description", description)]), 1)
        XCTAssertEqual(count("alerts_received_total", [("role", "server"), ("description", description)]), 1)
        XCTAssertEqual(count("handshake_failures_total", [("role", "client")]), 1)
        XCTAssertEqual(count("handshake_failures_total", [("role", "server")]), 1)
        XCTAssertEqual(count("handshakes_full_total", [("role", "server")]), 0)

        let failure = try XCTUnwrap(clientLog.entries.first { $0.message == "TLS handshake failed" })
        XCTAssertEqual(failure.level, .notice)
        XCTAssertEqual(failure.metadata["tls.alert_sent"]?.description, description)
        let received = try XCTUnwrap(serverLog.entries.first { $0.message == "TLS handshake failed" })
        XCTAssertEqual(received.metadata["tls.alert_received"]?.description, description)
    }

    func testNothingIsReportedWithoutMonitoring() throws {
        let pair = try EmbeddedTLSPair()
        try pair.handshake()
        XCTAssertTrue(metrics.counters.isEmpty)
    }
}
