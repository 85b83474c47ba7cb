import NIOSSL
import TLSKit
import XCTest

/// Mutual TLS in both directions: each library's server requires a client certificate chained
/// to the interop root, and the other library's client presents one.
final class ClientCertificateTests: XCTestCase {
    func testTLSKitServerVerifiesSwiftNIOSSLClientCertificate() async throws {
        let pki = try InteropPKI()
        var server = try pki.tlskitServerConfiguration()
        server.clientAuthentication = .required(trustRoots: pki.tlskitRoots)
        var client = try pki.niosslClientConfiguration()
        client.certificateChain = try pki.niosslClientChain
        client.privateKey = try pki.niosslClientKey

        let connections = try await Loopback.run(server: Handlers.tlskitServer(server), client: try Handlers.niosslClient(client))
        let connection = try XCTUnwrap(connections.first)

        assertExchanged(connection)
        let negotiated = try XCTUnwrap(connection.server.negotiated, "TLSKit reported no completed handshake")
        XCTAssertEqual(negotiated.peerCertificates, [pki.clientLeaf])
        XCTAssertFalse(negotiated.isResumed)
        XCTAssertEqual(connection.client.niossl?.peerCertificate, try InteropPKI.der(pki.serverLeaf))
    }

    /// Without a certificate, swift-nio-ssl's client is refused by TLSKit's server.
    func testTLSKitServerRefusesSwiftNIOSSLClientWithoutCertificate() async throws {
        let pki = try InteropPKI()
        var server = try pki.tlskitServerConfiguration()
        server.clientAuthentication = .required(trustRoots: pki.tlskitRoots)

        let connections = try await Loopback.run(
            server: Handlers.tlskitServer(server), client: try Handlers.niosslClient(pki.niosslClientConfiguration()))
        let connection = try XCTUnwrap(connections.first)

        XCTAssertNil(connection.server.negotiated, "TLSKit's server never completes the handshake")
        XCTAssertEqual(connection.server.received.readableBytes, 0, "no data reaches the server")
        XCTAssertEqual(connection.client.received.readableBytes, 0, "no data reaches the client")
        // RFC 8446 §4.4.2.4: a server that requires a certificate and gets none sends certificate_required.
        XCTAssertEqual(connection.server.errors.compactMap { ($0 as? TLSError)?.alertSent }, [.certificateRequired])
        XCTAssertFalse(connection.client.errors.isEmpty, "the client reports the refusal")
    }

    func testSwiftNIOSSLServerVerifiesTLSKitClientCertificate() async throws {
        let pki = try InteropPKI()
        var server = try pki.niosslServerConfiguration()
        // On a server, any verification mode asks for a certificate and refuses a client without one.
        server.certificateVerification = .noHostnameVerification
        server.trustRoots = .certificates([try pki.niosslRoot])
        var client = pki.tlskitClientConfiguration()
        client.certificate = try pki.tlskitClientKey

        let connections = try await Loopback.run(server: try Handlers.niosslServer(server), client: Handlers.tlskitClient(client))
        let connection = try XCTUnwrap(connections.first)

        assertExchanged(connection)
        let niossl = try XCTUnwrap(connection.server.niossl, "swift-nio-ssl reported no completed handshake")
        XCTAssertEqual(niossl.peerCertificate, try InteropPKI.der(pki.clientLeaf))
        let negotiated = try XCTUnwrap(connection.client.negotiated, "TLSKit reported no completed handshake")
        XCTAssertEqual(negotiated.peerCertificates, [pki.serverLeaf])
    }

    /// Without a certificate, TLSKit's client is refused by a server that requires one.
    func testSwiftNIOSSLServerRefusesTLSKitClientWithoutCertificate() async throws {
        let pki = try InteropPKI()
        var server = try pki.niosslServerConfiguration()
        server.certificateVerification = .noHostnameVerification
        server.trustRoots = .certificates([try pki.niosslRoot])

        let connections = try await Loopback.run(
            server: try Handlers.niosslServer(server), client: Handlers.tlskitClient(pki.tlskitClientConfiguration()))
        let connection = try XCTUnwrap(connections.first)

        // In TLS 1.3 the client's handshake is over once it has sent Finished (RFC 8446 §4.4.4),
        // so TLSKit reports it complete; the refusal arrives after, and no data gets through.
        XCTAssertEqual(connection.server.received.readableBytes, 0, "no data reaches the server")
        XCTAssertEqual(connection.client.received.readableBytes, 0, "no data reaches the client")
        XCTAssertFalse(connection.server.errors.isEmpty, "the server reports the refusal")
        // RFC 8446 §4.4.2.4: a server that requires a certificate and gets none sends certificate_required.
        XCTAssertEqual(connection.client.errors.compactMap { ($0 as? TLSError)?.alertReceived }, [.certificateRequired])
    }
}
