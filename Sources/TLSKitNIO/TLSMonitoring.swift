import Logging
import Metrics
import NIOConcurrencyHelpers
import NIOCore
import TLSKit

/// Where a ``TLSHandler`` reports what its connection did: a swift-log `Logger`, swift-metrics
/// metrics, or both. Neither ever sees a secret: only names, counts and durations.
///
/// Logs: one `info` line per completed handshake (`tls.role`, `tls.peer`, `tls.version`,
/// `tls.suite`, `tls.group`, `tls.resumed`, `tls.alpn`, `tls.duration_ms`) and one `notice`
/// line per failed connection (`tls.alert_sent` or `tls.alert_received`, `tls.error`).
public struct TLSMonitoring: Sendable {
    /// Receives the per-handshake and per-failure lines; nil logs nothing.
    public var logger: Logger?
    /// Counts handshakes, tickets and alerts; nil counts nothing.
    public var metrics: TLSMetrics?

    public init(logger: Logger? = nil, metrics: TLSMetrics? = nil) {
        self.logger = logger
        self.metrics = metrics
    }

    var isEnabled: Bool { logger != nil || metrics != nil }
}

/// The metrics ``TLSHandler``s report through swift-metrics, all tagged with `role`
/// (`server` or `client`):
///
/// | Metric | Kind | Other dimensions |
/// | --- | --- | --- |
/// | `tlskit_handshakes_full_total` | counter | |
/// | `tlskit_handshakes_resumed_total` | counter | |
/// | `tlskit_handshake_failures_total` | counter | |
/// | `tlskit_handshake_duration_seconds` | timer | |
/// | `tlskit_tickets_issued_total` | counter (server) | |
/// | `tlskit_tickets_received_total` | counter (client) | |
/// | `tlskit_tickets_rejected_total` | counter (server) | `reason` (TLSKit's `TicketRejection` case name) |
/// | `tlskit_early_data_accepted_total` | counter | |
/// | `tlskit_early_data_rejected_total` | counter | `reason` (`EarlyDataRejection` case name; `unknown` on a client) |
/// | `tlskit_alerts_sent_total` | counter | `description` (RFC 8446 name) |
/// | `tlskit_alerts_received_total` | counter | `description` |
///
/// Make one and share it between the handlers of a server (or client): the metrics are looked
/// up in the factory once per name and dimensions, not per connection.
public final class TLSMetrics: Sendable {
    // Sendable: the cache is a NIOLockedValueBox; the factory is Sendable.
    private let factory: any MetricsFactory
    private let prefix: String
    private let counters = NIOLockedValueBox<[String: Counter]>([:])
    private let timers = NIOLockedValueBox<[String: Metrics.Timer]>([:])

    /// Metrics made by `factory` (the one `MetricsSystem` was bootstrapped with by default),
    /// named with `prefix`.
    public init(factory: (any MetricsFactory)? = nil, prefix: String = "tlskit") {
        self.factory = factory ?? MetricsSystem.factory
        self.prefix = prefix
    }

    func increment(_ name: String, role: String, _ dimensions: [(String, String)] = []) {
        counter(name, [("role", role)] + dimensions).increment()
    }

    func recordHandshakeDuration(_ duration: TimeAmount, role: String) {
        let label = "\(prefix)_handshake_duration_seconds"
        let key = "\(label)|\(role)"
        let timer = timers.withLockedValue { timers in
            if let existing = timers[key] { return existing }
            let made = Metrics.Timer(label: label, dimensions: [("role", role)], factory: factory)
            timers[key] = made
            return made
        }
        timer.recordNanoseconds(duration.nanoseconds)
    }

    private func counter(_ name: String, _ dimensions: [(String, String)]) -> Counter {
        let label = "\(prefix)_\(name)"
        let key = ([label] + dimensions.map { "\($0.0)=\($0.1)" }).joined(separator: "|")
        return counters.withLockedValue { counters in
            if let existing = counters[key] { return existing }
            let made = Counter(label: label, dimensions: dimensions, factory: factory)
            counters[key] = made
            return made
        }
    }
}

/// One connection's reporting: when it started, and whether its end was already reported.
struct ConnectionMonitor {
    let monitoring: TLSMonitoring
    let role: String
    private var start: NIODeadline?
    private var hasReportedFailure = false

    init(monitoring: TLSMonitoring, isServer: Bool) {
        self.monitoring = monitoring
        self.role = isServer ? "server" : "client"
    }

    /// The connection's transport is up: the handshake starts now.
    mutating func started() {
        guard monitoring.isEnabled, start == nil else { return }
        start = .now()
    }

    /// `peer` is asked for only when there is a log line to write: a channel's remote
    /// address may take a lock to read.
    func handshakeCompleted(_ parameters: NegotiatedParameters, peer: @autoclosure () -> SocketAddress?) {
        guard monitoring.isEnabled else { return }
        let duration = start.map { NIODeadline.now() - $0 } ?? .zero
        if let metrics = monitoring.metrics {
            metrics.increment(parameters.isResumed ? "handshakes_resumed_total" : "handshakes_full_total", role: role)
            metrics.recordHandshakeDuration(duration, role: role)
        }
        monitoring.logger?.info(
            "TLS handshake completed",
            metadata: [
                "tls.role": .string(role),
                "tls.peer": .string(peer().map { "\($0)" } ?? "unknown"),
                "tls.version": "TLSv1.3",
                "tls.suite": .string("\(parameters.cipherSuite)"),
                "tls.group": .string(parameters.group.map { "\($0)" } ?? "none"),
                "tls.resumed": .stringConvertible(parameters.isResumed),
                "tls.alpn": .string(parameters.applicationProtocol ?? "none"),
                "tls.duration_ms": .stringConvertible(Double(duration.nanoseconds / 1_000) / 1_000),
            ])
    }

    func connectionEvent(_ event: TLSEvent) {
        guard let metrics = monitoring.metrics else { return }
        switch event {
        case .sessionTicketIssued: metrics.increment("tickets_issued_total", role: role)
        case .sessionTicketReceived: metrics.increment("tickets_received_total", role: role)
        case .sessionTicketRejected(let reason): metrics.increment("tickets_rejected_total", role: role, [("reason", reason.rawValue)])
        case .earlyDataAccepted: metrics.increment("early_data_accepted_total", role: role)
        case .earlyDataRejected(let reason):
            metrics.increment("early_data_rejected_total", role: role, [("reason", reason?.rawValue ?? "unknown")])
        default: break
        }
    }

    /// The connection failed with `error` (after its alert, if any, was written).
    mutating func failed(_ error: Error, duringHandshake: Bool, peer: @autoclosure () -> SocketAddress?) {
        guard monitoring.isEnabled, !hasReportedFailure else { return }
        hasReportedFailure = true
        let tlsError = error as? TLSError
        if let metrics = monitoring.metrics {
            if duringHandshake { metrics.increment("handshake_failures_total", role: role) }
            if let alert = tlsError?.alertSent { metrics.increment("alerts_sent_total", role: role, [("description", "\(alert)")]) }
            if let alert = tlsError?.alertReceived { metrics.increment("alerts_received_total", role: role, [("description", "\(alert)")]) }
        }
        guard let logger = monitoring.logger else { return }
        var metadata: Logger.Metadata = [
            "tls.role": .string(role),
            "tls.peer": .string(peer().map { "\($0)" } ?? "unknown"),
            "tls.error": .string("\(error)"),
        ]
        if let alert = tlsError?.alertSent { metadata["tls.alert_sent"] = .string("\(alert)") }
        if let alert = tlsError?.alertReceived { metadata["tls.alert_received"] = .string("\(alert)") }
        logger.notice(duringHandshake ? "TLS handshake failed" : "TLS connection failed", metadata: metadata)
    }
}
