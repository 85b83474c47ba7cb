import XCTest

@testable import TLSKit

final class HandshakeTests: XCTestCase {
    private func connect(
        suite: CipherSuite = .TLS_AES_128_GCM_SHA256, group: NamedGroup = .x25519, key: SigningKey = TestPKI.p256,
        adjustClient: (inout ClientConfiguration) -> Void = { _ in }, adjustServer: (inout ServerConfiguration) -> Void = { _ in }
    ) throws -> ConnectionPair {
        let certified = TestPKI.certifiedKey(key)
        var client = TestPKI.clientConfiguration(trusting: certified)
        client.cipherSuites = [suite]
        client.groups = [group]
        client.keyShareGroups = [group]
        adjustClient(&client)
        var server = TestPKI.serverConfiguration(certified)
        adjustServer(&server)
        let pair = try ConnectionPair(clientConfiguration: client, serverConfiguration: server)
        try pair.exchange()
        return pair
    }

    private func assertDataFlowsBothWays(_ pair: ConnectionPair, file: StaticString = #filePath, line: UInt = #line) throws {
        try pair.client.write(Array("ping".utf8))
        try pair.exchange()
        XCTAssertEqual(pair.server.readApplicationData(), Array("ping".utf8), file: file, line: line)
        let big = (0..<40_000).map { UInt8(truncatingIfNeeded: $0) }
        try pair.server.write(big)
        try pair.exchange()
        XCTAssertEqual(pair.client.readApplicationData(), big, file: file, line: line)
    }

    func testApplicationDataIsHandedOverOneRecordAtATime() throws {
        let pair = try connect()
        let data = (0..<40_000).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        try pair.client.write(data)
        try pair.exchange()
        XCTAssertEqual(pair.server.readableApplicationDataCount, 40_000)
        var pieces: [[UInt8]] = []
        XCTAssertEqual(pair.server.readApplicationData { pieces.append(Array($0)) }, 40_000)
        // Full-size records of 2^14 bytes, then the rest, each handed over as it was decrypted.
        XCTAssertEqual(pieces.map(\.count), [16_384, 16_384, 7_232])
        XCTAssertEqual(Array(pieces.joined()), data)
        XCTAssertEqual(pair.server.readableApplicationDataCount, 0)
        XCTAssertEqual(pair.server.readApplicationData { _ in XCTFail("nothing is left to read") }, 0)
        XCTAssertNil(pair.server.readApplicationData())
    }

    func testEverySuiteGroupAndSchemeCompletes() throws {
        let keys: [(SigningKey, SignatureScheme)] = [
            (TestPKI.p256, .ecdsa_secp256r1_sha256), (TestPKI.p384, .ecdsa_secp384r1_sha384),
            (TestPKI.ed25519, .ed25519), (TestPKI.rsa, .rsa_pss_rsae_sha256),
        ]
        for suite in CipherSuite.supported {
            for group in NamedGroup.supported {
                for (key, scheme) in keys {
                    let pair = try connect(suite: suite, group: group, key: key)
                    for side in [pair.client as TLSConnection, pair.server] {
                        let parameters = try XCTUnwrap(side.negotiatedParameters, "\(suite) \(group) \(scheme)")
                        XCTAssertEqual(parameters.cipherSuite, suite)
                        XCTAssertEqual(parameters.group, group)
                        XCTAssertEqual(parameters.serverSignatureScheme, scheme)
                        XCTAssertFalse(parameters.isResumed)
                        XCTAssertFalse(parameters.usedHelloRetryRequest)
                    }
                    try assertDataFlowsBothWays(pair)
                }
            }
        }
    }

    func testEachRSAPSSSchemeCanBeNegotiated() throws {
        for scheme in [SignatureScheme.rsa_pss_rsae_sha256, .rsa_pss_rsae_sha384, .rsa_pss_rsae_sha512] {
            let pair = try connect(key: TestPKI.rsa, adjustClient: { $0.signatureSchemes = [scheme] })
            XCTAssertEqual(pair.client.negotiatedParameters?.serverSignatureScheme, scheme)
        }
    }

    func testHelloRetryRequestWhenServerWantsAnotherGroup() throws {
        let pair = try connect(
            adjustClient: {
                $0.groups = [.x25519, .secp384r1]
                $0.keyShareGroups = [.x25519]
            },
            adjustServer: { $0.groups = [.secp384r1] })
        XCTAssertEqual(pair.client.negotiatedParameters?.group, .secp384r1)
        XCTAssertEqual(pair.client.negotiatedParameters?.usedHelloRetryRequest, true)
        XCTAssertEqual(pair.server.negotiatedParameters?.usedHelloRetryRequest, true)
        try assertDataFlowsBothWays(pair)
    }

    func testHelloRetryRequestWithoutCookie() throws {
        let pair = try connect(
            adjustClient: { $0.groups = [.x25519, .secp256r1] },
            adjustServer: {
                $0.groups = [.secp256r1]
                $0.sendsHelloRetryCookie = false
            })
        XCTAssertEqual(pair.server.negotiatedParameters?.group, .secp256r1)
        try assertDataFlowsBothWays(pair)
    }

    func testNoCommonGroupFailsWithHandshakeFailure() throws {
        XCTAssertThrowsError(try connect(group: .x25519, adjustServer: { $0.groups = [.secp384r1] })) { error in
            XCTAssertEqual((error as? TLSError)?.alertSent, .handshakeFailure)
        }
    }

    func testNoCommonSuiteFailsWithHandshakeFailure() throws {
        XCTAssertThrowsError(try connect(suite: .TLS_AES_128_GCM_SHA256, adjustServer: { $0.cipherSuites = [.TLS_AES_256_GCM_SHA384] })) { error in
            XCTAssertEqual((error as? TLSError)?.alertSent, .handshakeFailure)
        }
    }

    func testApplicationProtocolNegotiation() throws {
        let pair = try connect(
            adjustClient: { $0.applicationProtocols = ["h2", "http/1.1"] },
            adjustServer: { $0.applicationProtocols = ["http/1.1", "h2"] })
        XCTAssertEqual(pair.client.negotiatedParameters?.applicationProtocol, "http/1.1")
        XCTAssertEqual(pair.server.negotiatedParameters?.applicationProtocol, "http/1.1")
    }

    func testNoCommonApplicationProtocolIsRefused() throws {
        XCTAssertThrowsError(
            try connect(adjustClient: { $0.applicationProtocols = ["h2"] }, adjustServer: { $0.applicationProtocols = ["http/1.1"] })
        ) { error in
            XCTAssertEqual((error as? TLSError)?.alertSent, .noApplicationProtocol)
        }
    }

    func testServerPicksCertificateByServerName() throws {
        let first = TestPKI.certifiedKey(names: ["one.example"])
        let second = TestPKI.certifiedKey(names: ["two.example"])
        var client = ClientConfiguration()
        client.trustRoots = .certificates([first.chain[0], second.chain[0]])
        let server = try ServerConfiguration(certificates: [first, second])
        let pair = try ConnectionPair(clientConfiguration: client, serverConfiguration: server, serverName: "two.example")
        try pair.exchange()
        XCTAssertEqual(pair.client.negotiatedParameters?.peerCertificates.first, second.chain[0])
        XCTAssertEqual(pair.server.negotiatedParameters?.serverName, "two.example")
    }

    func testClientRefusesUntrustedServer() throws {
        let certified = TestPKI.certifiedKey()
        let stranger = TestPKI.certifiedKey()
        let pair = try ConnectionPair(
            clientConfiguration: TestPKI.clientConfiguration(trusting: stranger), serverConfiguration: TestPKI.serverConfiguration(certified))
        XCTAssertThrowsError(try pair.exchange()) { error in
            XCTAssertEqual((error as? TLSError)?.alertSent, .unknownCA)
        }
        XCTAssertEqual(pair.server.error?.alertReceived, .unknownCA)
    }

    func testClientRefusesWrongHostName() throws {
        let certified = TestPKI.certifiedKey(names: ["localhost"])
        let pair = try ConnectionPair(
            clientConfiguration: TestPKI.clientConfiguration(trusting: certified), serverConfiguration: TestPKI.serverConfiguration(certified),
            serverName: "example.com")
        XCTAssertThrowsError(try pair.exchange()) { error in
            XCTAssertEqual((error as? TLSError)?.alertSent, .badCertificate)
        }
    }

    func testInsecureVerificationAcceptsAnyCertificate() throws {
        let certified = TestPKI.certifiedKey(names: ["localhost"])
        var client = ClientConfiguration()
        client.certificateVerification = .insecureNoVerification
        let pair = try ConnectionPair(clientConfiguration: client, serverConfiguration: TestPKI.serverConfiguration(certified), serverName: "example.com")
        try pair.exchange()
        XCTAssertTrue(pair.client.isHandshakeComplete)
    }

    func testKeyUpdateBothDirections() throws {
        let pair = try connect()
        try pair.client.updateKeys(requestPeerUpdate: true)
        try pair.exchange()
        func keyUpdates(_ connection: TLSConnection) -> Int {
            var count = 0
            while let event = connection.nextEvent() { count += event == .peerKeysUpdated ? 1 : 0 }
            return count
        }
        XCTAssertEqual(keyUpdates(pair.server), 1)
        XCTAssertEqual(keyUpdates(pair.client), 1, "the server answers update_requested with its own KeyUpdate")
        try assertDataFlowsBothWays(pair)
        try pair.server.updateKeys()
        try assertDataFlowsBothWays(pair)
    }

    func testMutualAuthenticationRequired() throws {
        let serverKey = TestPKI.certifiedKey()
        let clientKey = TestPKI.certifiedKey(TestPKI.ed25519, names: ["client.example"])
        var client = TestPKI.clientConfiguration(trusting: serverKey)
        client.certificate = clientKey
        var server = TestPKI.serverConfiguration(serverKey)
        server.clientAuthentication = .required(trustRoots: .certificates([clientKey.chain[0]]))
        let pair = try ConnectionPair(clientConfiguration: client, serverConfiguration: server)
        try pair.exchange()
        XCTAssertEqual(pair.server.negotiatedParameters?.peerCertificates.first, clientKey.chain[0])
        try assertDataFlowsBothWays(pair)
    }

    func testMissingClientCertificateWhenRequired() throws {
        let serverKey = TestPKI.certifiedKey()
        var server = TestPKI.serverConfiguration(serverKey)
        server.clientAuthentication = .required(trustRoots: .certificates(serverKey.chain))
        let pair = try ConnectionPair(clientConfiguration: TestPKI.clientConfiguration(trusting: serverKey), serverConfiguration: server)
        XCTAssertThrowsError(try pair.exchange()) { error in
            XCTAssertEqual((error as? TLSError)?.alertSent, .certificateRequired)
        }
    }

    func testOptionalClientCertificateMayBeAbsent() throws {
        let serverKey = TestPKI.certifiedKey()
        var server = TestPKI.serverConfiguration(serverKey)
        server.clientAuthentication = .optional(trustRoots: .certificates(serverKey.chain))
        let pair = try ConnectionPair(clientConfiguration: TestPKI.clientConfiguration(trusting: serverKey), serverConfiguration: server)
        try pair.exchange()
        XCTAssertEqual(pair.server.negotiatedParameters?.peerCertificates, [])
        try assertDataFlowsBothWays(pair)
    }

    func testClientAuthenticationAgainstNoRootsIsRefusedWhenConfigured() throws {
        let serverKey = TestPKI.certifiedKey()
        for authentication in [ClientAuthentication.required(trustRoots: .certificates([])), .optional(trustRoots: .certificates([]))] {
            var server = TestPKI.serverConfiguration(serverKey)
            server.clientAuthentication = authentication
            XCTAssertThrowsError(try server.validate()) { XCTAssertEqual(($0 as? TLSError)?.code, .invalidConfiguration) }
            XCTAssertThrowsError(try ServerConnection(configuration: server)) { XCTAssertEqual(($0 as? TLSError)?.code, .invalidConfiguration) }
        }
        let pair = try connect()
        XCTAssertThrowsError(try pair.server.requestClientCertificate(trustRoots: .certificates([]))) {
            XCTAssertEqual(($0 as? TLSError)?.code, .invalidConfiguration)
        }
        XCTAssertNil(pair.server.error, "a refused request leaves the connection as it was")
    }

    func testVerifyingClientAgainstNoRootsIsRefusedWhenConfigured() throws {
        var client = ClientConfiguration()
        client.trustRoots = .certificates([])
        XCTAssertThrowsError(try client.validate()) { XCTAssertEqual(($0 as? TLSError)?.code, .invalidConfiguration) }
        XCTAssertThrowsError(try ClientConnection(configuration: client, serverName: "localhost"))
        client.certificateVerification = .insecureNoVerification
        XCTAssertNoThrow(try client.validate(), "nothing is verified, so no roots are needed")
    }

    func testUntrustedClientCertificateIsRefused() throws {
        let serverKey = TestPKI.certifiedKey()
        var client = TestPKI.clientConfiguration(trusting: serverKey)
        client.certificate = TestPKI.certifiedKey()
        var server = TestPKI.serverConfiguration(serverKey)
        server.clientAuthentication = .optional(trustRoots: .certificates([TestPKI.certifiedKey().chain[0]]))
        let pair = try ConnectionPair(clientConfiguration: client, serverConfiguration: server)
        XCTAssertThrowsError(try pair.exchange()) { error in
            XCTAssertEqual((error as? TLSError)?.alertSent, .unknownCA)
        }
    }

    func testExportersAgree() throws {
        let pair = try connect()
        let clientValue = try pair.client.exportKeyingMaterial(label: "EXPORTER-test", context: [1, 2], length: 32)
        let serverValue = try pair.server.exportKeyingMaterial(label: "EXPORTER-test", context: [1, 2], length: 32)
        XCTAssertEqual(clientValue, serverValue)
        XCTAssertNotEqual(clientValue, try pair.client.exportKeyingMaterial(label: "EXPORTER-other", length: 32))
    }

    func testExporterRefusesALabelTooLongForHkdfLabelAndTheConnectionGoesOn() throws {
        let pair = try connect()
        XCTAssertEqual(try pair.client.exportKeyingMaterial(label: String(repeating: "e", count: 249), length: 16).count, 16)
        XCTAssertThrowsError(try pair.client.exportKeyingMaterial(label: String(repeating: "e", count: 250), length: 16)) { error in
            XCTAssertEqual((error as? TLSError)?.code, .invalidState)
        }
        XCTAssertNil(pair.client.error)
        XCTAssertEqual(try pair.client.exportKeyingMaterial(label: "EXPORTER-test", length: 16).count, 16)
    }

    func testCloseNotifyReachesPeer() throws {
        let pair = try connect()
        pair.client.close()
        try pair.exchange()
        XCTAssertTrue(pair.server.isPeerClosed)
        XCTAssertThrowsError(try pair.client.write([1])) { error in
            XCTAssertEqual((error as? TLSError)?.code, .connectionClosed)
        }
    }

    func testKeyLogLinesUseNSSFormat() throws {
        let lines = LockedLines()
        let pair = try connect(adjustClient: { $0.keyLog = { lines.append($0) } })
        XCTAssertTrue(pair.client.isHandshakeComplete)
        let labels = lines.all.map { String($0.split(separator: " ")[0]) }
        XCTAssertEqual(
            labels,
            ["CLIENT_HANDSHAKE_TRAFFIC_SECRET", "SERVER_HANDSHAKE_TRAFFIC_SECRET", "CLIENT_TRAFFIC_SECRET_0", "SERVER_TRAFFIC_SECRET_0", "EXPORTER_SECRET"])
        XCTAssertEqual(lines.all.first?.split(separator: " ").map(\.count), [31, 64, 64])
    }
}

final class LockedLines: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []
    func append(_ line: String) { lock.withLock { lines.append(line) } }
    var all: [String] { lock.withLock { lines } }
}
