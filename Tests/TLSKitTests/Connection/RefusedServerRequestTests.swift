import XCTest

@testable import TLSKit

/// Server requests the connection's state does not allow are refused with `invalidState` and
/// leave the connection working, as `SSL_verify_client_post_handshake` and
/// `SSL_new_session_ticket` return 0 in OpenSSL and the connection carries on.
final class RefusedServerRequestTests: XCTestCase {
    private func connectedPair() throws -> ConnectionPair {
        let pair = try ConnectionPair.established()
        XCTAssertTrue(pair.server.isHandshakeComplete)
        return pair
    }

    /// Data written by the server reaches the client and the other way round.
    private func assertDataFlowsBothWays(_ pair: ConnectionPair, file: StaticString = #filePath, line: UInt = #line) throws {
        try pair.server.write(Array("from server".utf8))
        try pair.client.write(Array("from client".utf8))
        try pair.exchange()
        XCTAssertEqual(pair.client.readApplicationData(), Array("from server".utf8), file: file, line: line)
        XCTAssertEqual(pair.server.readApplicationData(), Array("from client".utf8), file: file, line: line)
    }

    func testCertificateRequestToAClientWithoutPostHandshakeAuthLeavesTheConnectionUsable() throws {
        let pair = try connectedPair()
        _ = pair.server.takeOutput()
        XCTAssertThrowsError(try pair.server.requestClientCertificate(trustRoots: .certificates(TestPKI.certifiedKey().chain))) { error in
            XCTAssertEqual((error as? TLSError)?.code, .invalidState)
        }
        XCTAssertNil(pair.server.error, "a refused request must not fail the connection")
        XCTAssertFalse(pair.server.hasPendingOutput, "no CertificateRequest and no alert")
        try assertDataFlowsBothWays(pair)
    }

    func testTicketRequestBeforeTheHandshakeLeavesTheConnectionUsable() throws {
        let certified = TestPKI.certifiedKey()
        let pair = try ConnectionPair(
            clientConfiguration: TestPKI.clientConfiguration(trusting: certified), serverConfiguration: TestPKI.serverConfiguration(certified))
        XCTAssertThrowsError(try pair.server.requestSessionTicket()) { error in
            XCTAssertEqual((error as? TLSError)?.code, .invalidState)
        }
        XCTAssertNil(pair.server.error, "a refused request must not fail the connection")
        try pair.exchange()
        XCTAssertTrue(pair.client.isHandshakeComplete)
        XCTAssertEqual(pair.client.receivedTicketCount, 2, "the refused request adds no ticket to the default two")
        try assertDataFlowsBothWays(pair)
    }
}
