import ArgumentParser
import Metrics
import NIOCore
import NIOHTTP1
import NIOPosix
import Prometheus
import TLSKitNIO

/// `tlskit server --metrics HOST:PORT`: the handlers' metrics in Prometheus' text format, over
/// plain HTTP at `/metrics`, for a scraper on a trusted network.
final class MetricsEndpoint: Sendable {
    private let registry = PrometheusCollectorRegistry()
    /// What the TLS handlers count into.
    let metrics: TLSMetrics

    init() {
        metrics = TLSMetrics(factory: PrometheusMetricsFactory(registry: registry))
    }

    /// `HOST:PORT` (`[v6]:PORT` for IPv6), port 0…65535.
    static func parseAddress(_ text: String) throws -> (host: String, port: Int) {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]) else {
            throw ValidationError("--metrics must be HOST:PORT, got \(text)")
        }
        try FlagRange.check(port, in: 0...65_535, "the port of --metrics")
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return (host, port)
    }

    /// Listens on `host:port` and returns the address bound, as `HOST:PORT`.
    func start(host: String, port: Int, group: any EventLoopGroup) async throws -> String {
        let registry = self.registry
        let channel = try await ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    try channel.pipeline.syncOperations.addHandler(ScrapeHandler(registry: registry))
                }
            }
            .bind(host: host, port: port).get()
        return channel.localAddress.map { "\($0.ipAddress ?? host):\($0.port ?? port)" } ?? "\(host):\(port)"
    }
}

/// Answers `GET /metrics` with the registry's text, anything else with 404.
private final class ScrapeHandler: ChannelInboundHandler {
    typealias InboundIn = HTTPServerRequestPart
    typealias OutboundOut = HTTPServerResponsePart

    private let registry: PrometheusCollectorRegistry
    private var path: String?

    init(registry: PrometheusCollectorRegistry) {
        self.registry = registry
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        switch unwrapInboundIn(data) {
        case .head(let head):
            path = head.method == .GET ? String(head.uri.split(separator: "?").first ?? "") : nil
        case .body:
            break
        case .end:
            let found = path == "/metrics"
            let body = found ? registry.emitToBuffer() : Array("not found\n".utf8)
            var headers = HTTPHeaders()
            headers.add(name: "Content-Type", value: found ? "text/plain; version=0.0.4; charset=utf-8" : "text/plain")
            headers.add(name: "Content-Length", value: "\(body.count)")
            let head = HTTPResponseHead(version: .http1_1, status: found ? .ok : .notFound, headers: headers)
            context.write(wrapOutboundOut(.head(head)), promise: nil)
            context.write(wrapOutboundOut(.body(.byteBuffer(context.channel.allocator.buffer(bytes: body)))), promise: nil)
            context.writeAndFlush(wrapOutboundOut(.end(nil)), promise: nil)
            path = nil
        }
    }
}
