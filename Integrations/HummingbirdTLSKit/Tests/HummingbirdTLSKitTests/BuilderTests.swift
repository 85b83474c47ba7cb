import HummingbirdCore
import HummingbirdTLSKit
import TLSKit
import XCTest

/// The builders refuse a configuration up front, before an application serves with it.
final class BuilderTests: XCTestCase {
    private func serverConfiguration() throws -> TLSKit.ServerConfiguration {
        TLSKit.ServerConfiguration(certificate: try CertifiedKey.selfSigned())
    }

    /// Client authentication against no roots could accept no certificate at all: every builder
    /// throws when it is called, not at the first handshake.
    func testBuildersRefuseClientAuthenticationWithoutRoots() throws {
        var configuration = try serverConfiguration()
        configuration.clientAuthentication = .required(trustRoots: .certificates([]))

        func assertRefused(_ make: @autoclosure () throws -> HTTPServerBuilder, line: UInt = #line) {
            XCTAssertThrowsError(try make(), line: line) { error in
                XCTAssertEqual((error as? TLSError)?.code, .invalidConfiguration, "\(error)", line: line)
            }
        }
        assertRefused(try .tls(serverConfiguration: configuration))
        assertRefused(try .http2Upgrade(serverConfiguration: configuration))
        assertRefused(try .tls(serverConfiguration: configuration) { HTTP1Channel(responder: $0) })
        XCTAssertThrowsError(try TLSKitChannel(HTTP1Channel(responder: { _, _, _ in }), serverConfiguration: configuration))
    }

    func testBuildersRefuseTooManyTickets() throws {
        var configuration = try serverConfiguration()
        configuration.ticketCount = TLSKit.ServerConfiguration.maximumTicketCount + 1
        XCTAssertThrowsError(try HTTPServerBuilder.tls(serverConfiguration: configuration))
        XCTAssertThrowsError(try HTTPServerBuilder.http2Upgrade(serverConfiguration: configuration))
    }

    /// An HTTP/1.1 server offering h2 would have clients speak HTTP/2 to it.
    func testHTTP1BuilderRefusesH2() throws {
        var configuration = try serverConfiguration()
        configuration.applicationProtocols = ["h2", "http/1.1"]
        XCTAssertThrowsError(try HTTPServerBuilder.tls(serverConfiguration: configuration)) { error in
            XCTAssertTrue(error is TLSKitChannelConfigurationError, "\(error)")
        }
        configuration.applicationProtocols = ["http/1.1"]
        XCTAssertNoThrow(try HTTPServerBuilder.tls(serverConfiguration: configuration))
    }

    /// Whatever the configuration offered, the upgrade channel offers what it serves, h2 first.
    func testHTTP2UpgradeChannelOffersH2ThenHTTP1() throws {
        var configuration = try serverConfiguration()
        configuration.applicationProtocols = ["spdy/3"]
        let channel = try TLSKitHTTP2UpgradeChannel(serverConfiguration: configuration) { _, _, _ in }
        XCTAssertEqual(channel.serverConfiguration.applicationProtocols, ["h2", "http/1.1"])
    }
}
