import XCTest

@testable import TLSKit

/// The post-quantum hybrids in whole handshakes: the defaults, how the server picks a group,
/// HelloRetryRequest, resumption and message sizes.
final class HybridKeyExchangeTests: XCTestCase {
    private var certified: CertifiedKey!
    private var server: ServerConfiguration!
    private var client: ClientConfiguration!

    override func setUp() {
        certified = TestPKI.certifiedKey()
        server = TestPKI.serverConfiguration(certified)
        client = TestPKI.clientConfiguration(trusting: certified)
        client.sessionStore = InMemoryClientSessionStore()
    }

    private func connect(session: ClientSession? = nil) throws -> ConnectionPair {
        let pair = ConnectionPair(
            client: try ClientConnection(configuration: client, serverName: "localhost", session: session),
            server: try ServerConnection(configuration: server))
        try pair.exchange()
        XCTAssertTrue(pair.client.isHandshakeComplete)
        XCTAssertTrue(pair.server.isHandshakeComplete)
        return pair
    }

    private func assertNegotiated(
        _ pair: ConnectionPair, _ group: NamedGroup, retried: Bool, resumed: Bool = false, file: StaticString = #filePath, line: UInt = #line
    ) throws {
        for side in [pair.client as TLSConnection, pair.server] {
            let parameters = try XCTUnwrap(side.negotiatedParameters, file: file, line: line)
            XCTAssertEqual(parameters.group, group, file: file, line: line)
            XCTAssertEqual(parameters.usedHelloRetryRequest, retried, file: file, line: line)
            XCTAssertEqual(parameters.isResumed, resumed, file: file, line: line)
        }
        try pair.client.write(Array("ping".utf8))
        try pair.server.write(Array("pong".utf8))
        try pair.exchange()
        XCTAssertEqual(pair.server.readApplicationData(), Array("ping".utf8), file: file, line: line)
        XCTAssertEqual(pair.client.readApplicationData(), Array("pong".utf8), file: file, line: line)
    }

    private func sessions(_ connection: TLSConnection) -> [ClientSession] {
        var sessions: [ClientSession] = []
        while let event = connection.nextEvent() {
            if case .sessionTicketReceived(let session) = event { sessions.append(session) }
        }
        return sessions
    }

    // MARK: Defaults

    func testDefaultsOfferTheHybridFirstWithAnX25519ShareBesideIt() throws {
        let defaults = ClientConfiguration()
        XCTAssertEqual(defaults.groups, [.X25519MLKEM768, .x25519, .secp256r1, .secp384r1])
        XCTAssertEqual(defaults.keyShareGroups, [.X25519MLKEM768, .x25519])
        let serverDefaults = ServerConfiguration(certificate: certified)
        XCTAssertEqual(serverDefaults.groups, [.X25519MLKEM768, .SecP256r1MLKEM768, .SecP384r1MLKEM1024, .x25519, .secp256r1, .secp384r1])
        XCTAssertEqual(serverDefaults.keyShareSelection, .preferOfferedShares)

        let hello = try BadInput.clientHello(from: try ClientConnection(configuration: client, serverName: "localhost"))
        XCTAssertEqual(hello.extensions.supportedGroups, [.X25519MLKEM768, .x25519, .secp256r1, .secp384r1])
        XCTAssertEqual(hello.extensions.keyShares?.map(\.group), [.X25519MLKEM768, .x25519])
        XCTAssertEqual(hello.extensions.keyShares?.map(\.keyExchange.count), [1216, 32])
    }

    func testDefaultClientAndServerAgreeOnX25519MLKEM768WithoutARetry() throws {
        try assertNegotiated(try connect(), .X25519MLKEM768, retried: false)
    }

    // MARK: The server's choice

    func testServerPrefersTheHybridWhicheverShareTheClientListsFirst() throws {
        client.groups = [.x25519, .X25519MLKEM768]
        client.keyShareGroups = [.x25519, .X25519MLKEM768]
        try assertNegotiated(try connect(), .X25519MLKEM768, retried: false)
    }

    func testServerWithoutTheHybridUsesTheDefaultClientsX25519Share() throws {
        server.groups = [.x25519, .secp256r1, .secp384r1]
        try assertNegotiated(try connect(), .x25519, retried: false)
    }

    func testServerUsesAnOfferedClassicalShareRatherThanRetryForTheHybrid() throws {
        client.keyShareGroups = [.x25519]
        try assertNegotiated(try connect(), .x25519, retried: false)
    }

    func testServerRequiringItsPreferredGroupRetriesForTheHybrid() throws {
        client.keyShareGroups = [.x25519]
        server.keyShareSelection = .requireMostPreferredGroup
        try assertNegotiated(try connect(), .X25519MLKEM768, retried: true)
    }

    func testServerRequiringItsPreferredGroupDoesNotRetryWhenTheClientSharedIt() throws {
        server.keyShareSelection = .requireMostPreferredGroup
        try assertNegotiated(try connect(), .X25519MLKEM768, retried: false)
    }

    func testServerRequiringItsPreferredGroupSettlesForWhatTheClientSupports() throws {
        // The client does not list the hybrid: the most preferred group it supports is x25519, shared.
        client.groups = [.x25519, .secp256r1]
        client.keyShareGroups = [.x25519]
        server.keyShareSelection = .requireMostPreferredGroup
        try assertNegotiated(try connect(), .x25519, retried: false)
    }

    func testEveryHybridCanBeReachedThroughAHelloRetryRequest() throws {
        client.sessionStore = nil
        for group in [NamedGroup.X25519MLKEM768, .SecP256r1MLKEM768, .SecP384r1MLKEM1024] {
            client.groups = [.x25519, group]
            client.keyShareGroups = [.x25519]
            server.groups = [group]
            try assertNegotiated(try connect(), group, retried: true)
        }
    }

    // MARK: Sizes

    func testClientHelloWithTheLargestHybridShareAndAClassicalShareFitsTheLimits() throws {
        client.groups = [.SecP384r1MLKEM1024, .x25519]
        client.keyShareGroups = [.SecP384r1MLKEM1024, .x25519]
        let probe = try ClientConnection(configuration: client, serverName: "localhost")
        let hello = try BadInput.clientHello(from: probe)
        XCTAssertEqual(hello.extensions.keyShares?.map(\.keyExchange.count), [1665, 32])
        let body = HandshakeMessage.clientHello(hello).encoded().count - 4
        XCTAssertGreaterThan(body, 1665 + 32)
        XCTAssertLessThanOrEqual(body, ConnectionLimits().maximumHandshakeMessageSize)
        XCTAssertLessThanOrEqual(body, try XCTUnwrap(HandshakeReassembler.largestBody(of: .clientHello)))
        // And the server's share, as large, fits a ServerHello.
        let pair = try connect()
        XCTAssertLessThanOrEqual(1665, try XCTUnwrap(HandshakeReassembler.largestBody(of: .serverHello)))
        try assertNegotiated(pair, .SecP384r1MLKEM1024, retried: false)
    }

    // MARK: Resumption

    func testPSKWithKeyExchangeResumptionUsesTheHybrid() throws {
        let first = try connect()
        try assertNegotiated(first, .X25519MLKEM768, retried: false)
        let session = try XCTUnwrap(sessions(first.client).first)
        let resumed = try connect(session: session)
        try assertNegotiated(resumed, .X25519MLKEM768, retried: false, resumed: true)
    }

    func testResumptionRetriesForTheHybridWhenTheServerRequiresIt() throws {
        client.keyShareGroups = [.x25519]
        let first = try connect()
        try assertNegotiated(first, .x25519, retried: false)
        server.keyShareSelection = .requireMostPreferredGroup
        let resumed = try connect(session: try XCTUnwrap(sessions(first.client).first))
        try assertNegotiated(resumed, .X25519MLKEM768, retried: true, resumed: true)
    }
}

/// Narrowing `groups` narrows the key shares too, instead of refusing the configuration.
final class KeyShareNarrowingTests: XCTestCase {
    func testSharesFollowTheOfferedGroups() throws {
        var client = ClientConfiguration()
        XCTAssertEqual(client.effectiveKeyShareGroups, [.X25519MLKEM768, .x25519])
        client.groups = [.x25519, .secp256r1]
        XCTAssertEqual(client.effectiveKeyShareGroups, [.x25519])
        client.groups = [.secp384r1, .secp256r1]
        XCTAssertEqual(client.effectiveKeyShareGroups, [.secp384r1], "none left: the first offered group")
        client.groups = [.SecP256r1MLKEM768, .secp256r1, .x25519]
        XCTAssertEqual(client.effectiveKeyShareGroups, [.x25519], "the default shares still offered keep theirs")
        client.keyShareGroups = []
        XCTAssertEqual(client.effectiveKeyShareGroups, [.SecP256r1MLKEM768, .secp256r1], "a hybrid first brings a classical share")
        client.groups = [.x25519, .X25519MLKEM768]
        XCTAssertEqual(client.effectiveKeyShareGroups, [.x25519])
        XCTAssertNoThrow(try client.validate())
        client.keyShareGroups = [.x25519, .x25519]
        XCTAssertThrowsError(try client.validate())
        client.keyShareGroups = [.x25519, .X25519MLKEM768, .x25519]
        XCTAssertThrowsError(try client.validate(), "a repeat that is not next to its first")
        client.keyShareGroups = Array(repeating: .x25519, count: 200)
        XCTAssertThrowsError(try client.validate())
    }

    func testConfigurationsWithNothingTLSKitImplementsAreRefused() throws {
        var client = ClientConfiguration()
        client.cipherSuites = [CipherSuite(rawValue: 0x1304)]
        XCTAssertThrowsError(try client.validate()) { XCTAssertEqual(($0 as? TLSError)?.code, .invalidConfiguration) }
        client.cipherSuites = [CipherSuite(rawValue: 0x1304), .TLS_AES_128_GCM_SHA256]
        XCTAssertNoThrow(try client.validate())
        client.groups = [.x448]
        XCTAssertThrowsError(try client.validate()) { XCTAssertEqual(($0 as? TLSError)?.code, .invalidConfiguration) }

        var server = TestPKI.serverConfiguration(TestPKI.certifiedKey())
        server.cipherSuites = [CipherSuite(rawValue: 0x1304)]
        XCTAssertThrowsError(try server.validate()) { XCTAssertEqual(($0 as? TLSError)?.code, .invalidConfiguration) }
        server.cipherSuites = CipherSuite.supported
        server.groups = [.x448]
        XCTAssertThrowsError(try server.validate()) { XCTAssertEqual(($0 as? TLSError)?.code, .invalidConfiguration) }
        server.groups.append(.x25519)
        XCTAssertNoThrow(try server.validate())
    }

    func testAClientOfferingOnlyClassicalGroupsHandshakesWithTheDefaults() throws {
        let certified = TestPKI.certifiedKey()
        var client = TestPKI.clientConfiguration(trusting: certified)
        client.groups = [.secp256r1]
        let pair = try ConnectionPair(clientConfiguration: client, serverConfiguration: TestPKI.serverConfiguration(certified))
        try pair.exchange()
        XCTAssertEqual(pair.client.negotiatedParameters?.group, .secp256r1)
        XCTAssertEqual(pair.client.negotiatedParameters?.usedHelloRetryRequest, false)
    }
}
