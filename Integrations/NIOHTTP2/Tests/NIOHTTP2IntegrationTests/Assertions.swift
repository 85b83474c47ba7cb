import XCTest

/// Asserts what curl saw of a request: its exit status, the protocol ALPN agreed on (`nil` for
/// none), the HTTP version it spoke and the body it got. Prints a one-line summary either way.
func assertCurl(
    _ result: CurlResult, alpn: String?, httpVersion: String, body: String,
    file: StaticString = #filePath, line: UInt = #line
) {
    print(result.summary)
    XCTAssertEqual(result.exitStatus, 0, "curl failed\n\(result.transcript)", file: file, line: line)
    XCTAssertEqual(result.acceptedALPN, alpn, "ALPN\n\(result.transcript)", file: file, line: line)
    XCTAssertEqual(result.httpVersion, httpVersion, "HTTP version\n\(result.transcript)", file: file, line: line)
    XCTAssertEqual(result.body, body, "body\n\(result.transcript)", file: file, line: line)
}

/// Asserts what the server saw of one connection: NIO's `TLSUserEvent.handshakeCompleted`, then
/// TLSKit's `TLSKitEvent.handshakeCompleted`, both with the protocol ALPN agreed on (`nil` for
/// none), and then `requests` as the server logged them.
func assertServer(
    _ entries: ServerLog.Entries, negotiated: String?, requests: [String],
    file: StaticString = #filePath, line: UInt = #line
) {
    if !entries.errors.isEmpty { print("server errors (not asserted): \(entries.errors)") }
    let expectedHandshake = [
        "TLSUserEvent.handshakeCompleted(\(negotiated ?? "nil"))",
        "TLSKitEvent.handshakeCompleted(\(negotiated ?? "nil"))",
    ]
    XCTAssertEqual(entries.handshake, expectedHandshake, "\(entries)", file: file, line: line)
    XCTAssertEqual(entries.requests, requests, "\(entries)", file: file, line: line)
}
