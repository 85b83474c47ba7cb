import XCTest

/// curl against ``AsyncServer``, set up each of the two ways NIO's async API offers: the typed
/// negotiation handler over ``TLSHandler`` resolves to the protocol ALPN agreed on.
final class AsyncServerTests: XCTestCase {
    func testServerPipelineServesCurlHTTP2() async throws {
        try await assertServesHTTP2(.serverPipeline)
    }

    func testServerPipelineServesCurlHTTP1() async throws {
        try await assertServesHTTP1(.serverPipeline)
    }

    func testSecureUpgradeServesCurlHTTP2() async throws {
        try await assertServesHTTP2(.secureUpgrade)
    }

    func testSecureUpgradeServesCurlHTTP1() async throws {
        try await assertServesHTTP1(.secureUpgrade)
    }

    private func assertServesHTTP2(_ pipeline: AsyncPipeline, file: StaticString = #filePath, line: UInt = #line) async throws {
        let curl = try Curl.require()
        let log = ServerLog()
        let (result, entries) = try await AsyncServer.run(pipeline, log: log) { port in
            (await curl.get(port: port, ["--http2"]), log.entries)
        }
        assertCurl(result, alpn: "h2", httpVersion: "2", body: Bodies.h2, file: file, line: line)
        assertServer(entries, negotiated: "h2", requests: ["negotiated HTTP/2", "h2 stream: GET /"], file: file, line: line)
    }

    private func assertServesHTTP1(_ pipeline: AsyncPipeline, file: StaticString = #filePath, line: UInt = #line) async throws {
        let curl = try Curl.require()
        let log = ServerLog()
        let (result, entries) = try await AsyncServer.run(pipeline, log: log) { port in
            (await curl.get(port: port, ["--http1.1"]), log.entries)
        }
        assertCurl(result, alpn: "http/1.1", httpVersion: "1.1", body: Bodies.http1, file: file, line: line)
        assertServer(entries, negotiated: "http/1.1", requests: ["negotiated HTTP/1.1", "http/1.1: GET /"], file: file, line: line)
    }
}
