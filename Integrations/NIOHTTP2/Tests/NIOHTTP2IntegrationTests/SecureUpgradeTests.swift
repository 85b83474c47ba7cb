import XCTest

/// curl against ``SecureUpgradeServer``: `configureHTTP2SecureUpgrade` over ``TLSHandler`` picks
/// the pipeline ALPN agreed on, from the `TLSUserEvent` TLSHandler fires.
final class SecureUpgradeTests: XCTestCase {
    func testCurlHTTP2IsServedOnAnHTTP2Stream() async throws {
        let curl = try Curl.require()
        let log = ServerLog()
        let (result, entries) = try await SecureUpgradeServer.run(log: log) { port in
            (await curl.get(port: port, ["--http2"]), log.entries)
        }
        assertCurl(result, alpn: "h2", httpVersion: "2", body: Bodies.h2)
        assertServer(entries, negotiated: "h2", requests: ["h2 stream: GET / HTTP/2.0"])
    }

    func testCurlHTTP1IsServedOnTheHTTP1Pipeline() async throws {
        let curl = try Curl.require()
        let log = ServerLog()
        let (result, entries) = try await SecureUpgradeServer.run(log: log) { port in
            (await curl.get(port: port, ["--http1.1"]), log.entries)
        }
        assertCurl(result, alpn: "http/1.1", httpVersion: "1.1", body: Bodies.http1)
        assertServer(entries, negotiated: "http/1.1", requests: ["http/1.1: GET / HTTP/1.1"])
    }

    /// No ALPN at all: TLSHandler reports no protocol, and NIO falls back to HTTP/1.1.
    func testCurlWithoutALPNFallsBackToHTTP1() async throws {
        let curl = try Curl.require()
        let log = ServerLog()
        let (result, entries) = try await SecureUpgradeServer.run(log: log) { port in
            (await curl.get(port: port, ["--http1.1", "--no-alpn"]), log.entries)
        }
        assertCurl(result, alpn: nil, httpVersion: "1.1", body: Bodies.http1)
        assertServer(entries, negotiated: nil, requests: ["http/1.1: GET / HTTP/1.1"])
    }
}
