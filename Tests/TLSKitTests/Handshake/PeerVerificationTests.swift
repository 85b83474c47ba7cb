import XCTest

@testable import TLSKit

/// A verifier the core never runs: the sans-I/O connection only exposes the request, and these
/// tests hand it the verdict themselves, as an adapter would after awaiting a verifier.
private struct UnusedVerifier: PeerCertificateVerifier {
    func verify(_ request: PeerVerificationRequest) async -> PeerVerificationVerdict {
        .reject(reason: "the core never runs the verifier itself")
    }
}

/// The application's certificate verifier on both roles: the connection stops before the
/// peer's Finished, holds what arrives, and goes on or fails with the verdict.
final class PeerVerificationTests: XCTestCase {
    private var serverKey: CertifiedKey!
    private var clientKey: CertifiedKey!

    override func setUp() {
        serverKey = TestPKI.certifiedKey()
        clientKey = TestPKI.certifiedKey(TestPKI.ed25519, names: ["client.example"])
    }

    private func clientVerifying(mode: PeerVerificationMode = .afterChainVerification) -> ClientConfiguration {
        var client = TestPKI.clientConfiguration(trusting: serverKey)
        client.sessionStore = nil
        client.certificateVerifier = UnusedVerifier()
        client.certificateVerifierMode = mode
        return client
    }

    /// A server that requires a client certificate and asks its verifier about it.
    private func serverVerifying(
        roots: [CertifiedKey]? = nil, mode: PeerVerificationMode = .afterChainVerification
    ) -> ServerConfiguration {
        var server = TestPKI.serverConfiguration(serverKey)
        server.clientAuthentication = .required(trustRoots: .certificates((roots ?? [clientKey]).map { $0.chain[0] }))
        server.clientCertificateVerifier = UnusedVerifier()
        server.clientCertificateVerifierMode = mode
        return server
    }

    private func clientWithCertificate() -> ClientConfiguration {
        var client = TestPKI.clientConfiguration(trusting: serverKey)
        client.certificate = clientKey
        client.sessionStore = nil
        return client
    }

    private func assertDataFlowsBothWays(_ pair: ConnectionPair, file: StaticString = #filePath, line: UInt = #line) throws {
        try pair.client.write(Array("ping".utf8))
        try pair.exchange()
        XCTAssertEqual(pair.server.readApplicationData(), Array("ping".utf8), file: file, line: line)
        try pair.server.write(Array("pong".utf8))
        try pair.exchange()
        XCTAssertEqual(pair.client.readApplicationData(), Array("pong".utf8), file: file, line: line)
    }

    // MARK: Client verifying the server

    func testClientWaitsForTheVerdictBeforeTheServersFinished() throws {
        let pair = try ConnectionPair(clientConfiguration: clientVerifying(), serverConfiguration: TestPKI.serverConfiguration(serverKey))
        try pair.exchange()
        let request = try XCTUnwrap(pair.client.pendingPeerVerification)
        XCTAssertEqual(request.peerRole, .server)
        XCTAssertEqual(request.peerCertificates, [serverKey.chain[0]])
        XCTAssertEqual(request.serverName, "localhost")
        XCTAssertTrue(request.isChainVerified)
        XCTAssertFalse(request.isPostHandshake)
        XCTAssertFalse(pair.client.isHandshakeComplete)
        XCTAssertFalse(pair.client.hasPendingOutput, "no Finished leaves before the verdict")
        XCTAssertFalse(pair.server.isHandshakeComplete)

        try pair.client.resumePeerVerification(.accept)
        XCTAssertNil(pair.client.pendingPeerVerification)
        XCTAssertTrue(pair.client.isHandshakeComplete, "the server's Finished, held, is processed on resumption")
        try pair.exchange()
        XCTAssertTrue(pair.server.isHandshakeComplete)
        try assertDataFlowsBothWays(pair)
    }

    func testClientRejectionSendsTheVerifiersAlertAndBothSidesFail() throws {
        let pair = try ConnectionPair(clientConfiguration: clientVerifying(), serverConfiguration: TestPKI.serverConfiguration(serverKey))
        try pair.exchange()
        XCTAssertNotNil(pair.client.pendingPeerVerification)
        XCTAssertThrowsError(try pair.client.resumePeerVerification(.reject(reason: "serial 42 is revoked", alert: .certificateRevoked))) {
            let error = $0 as? TLSError
            XCTAssertEqual(error?.code, .certificateVerificationFailed)
            XCTAssertEqual(error?.alertSent, .certificateRevoked)
            XCTAssertTrue(error?.description.contains("serial 42 is revoked") ?? false, "\(String(describing: error))")
        }
        XCTAssertNil(pair.client.pendingPeerVerification)
        XCTAssertFalse(pair.client.isHandshakeComplete)
        let alert = pair.client.takeOutput()
        XCTAssertFalse(alert.isEmpty, "the alert waits in the output")
        XCTAssertThrowsError(try pair.server.receive(alert)) {
            XCTAssertEqual(($0 as? TLSError)?.alertReceived, .certificateRevoked)
        }
        // After the failure every call throws the same error.
        XCTAssertThrowsError(try pair.client.resumePeerVerification(.accept)) {
            XCTAssertEqual(($0 as? TLSError)?.alertSent, .certificateRevoked)
        }
    }

    func testServerFinishedInARecordOfItsOwnIsHeldUntilTheVerdict() throws {
        // The server's messages each in a record of their own, as many servers send them:
        // the Finished record arrives while the client waits, and is held still protected.
        let secrets = KeyLogSecrets()
        let serverConfiguration = BadInput.serverConfiguration(keyLog: secrets)
        var clientConfiguration = BadInput.clientConfiguration()
        clientConfiguration.certificateVerifier = UnusedVerifier()
        clientConfiguration.sessionStore = nil
        let client = try ClientConnection(configuration: clientConfiguration, serverName: "localhost")
        let server = try ServerConnection(configuration: serverConfiguration)
        try server.receive(client.takeOutput())
        let secret = try secrets.key("SERVER_HANDSHAKE_TRAFFIC_SECRET")
        let flight = try resealProtectedHandshake(server.takeOutput(), secret: secret) { messages, cipher in
            try messages.flatMap { try cipher.seal(.handshake, $0) }
        }
        let records = try WireRecords.split(flight)
        var pausedAfter: Int?
        for (index, record) in records.enumerated() {
            // One byte at a time, so records and messages are also reassembled across the pause.
            for byte in WireRecords.encode(record) { try client.receive([byte]) }
            if pausedAfter == nil && client.pendingPeerVerification != nil { pausedAfter = index }
        }
        XCTAssertEqual(pausedAfter, records.count - 2, "the pause comes with the CertificateVerify, before the Finished record")
        XCTAssertFalse(client.isHandshakeComplete)
        let sentBeforeVerdict = try WireRecords.split(client.takeOutput())
        XCTAssertEqual(sentBeforeVerdict.map(\.contentType), [.changeCipherSpec], "no Finished before the verdict")
        try client.resumePeerVerification(.accept)
        XCTAssertTrue(client.isHandshakeComplete, "the held Finished record is opened and processed on resumption")
        try server.receive(client.takeOutput())
        XCTAssertTrue(server.isHandshakeComplete)
    }

    func testResumptionWithoutAPendingVerificationIsRefusedAndChangesNothing() throws {
        let pair = try ConnectionPair(
            clientConfiguration: TestPKI.clientConfiguration(trusting: serverKey), serverConfiguration: TestPKI.serverConfiguration(serverKey))
        try pair.exchange()
        XCTAssertNil(pair.client.pendingPeerVerification, "no verifier, nothing pending")
        XCTAssertNil(pair.client.peerCertificateVerifier)
        XCTAssertNil(pair.server.pendingPeerVerification)
        for connection in [pair.client as TLSConnection, pair.server] {
            XCTAssertThrowsError(try connection.resumePeerVerification(.accept)) {
                XCTAssertEqual(($0 as? TLSError)?.code, .invalidState)
            }
            XCTAssertNil(connection.error)
        }
        try assertDataFlowsBothWays(pair)
    }

    func testUntrustedServerIsRefusedBeforeTheVerifierIsAsked() throws {
        var client = clientVerifying()
        client.trustRoots = .certificates([TestPKI.certifiedKey().chain[0]])
        let pair = try ConnectionPair(clientConfiguration: client, serverConfiguration: TestPKI.serverConfiguration(serverKey))
        XCTAssertThrowsError(try pair.exchange()) { XCTAssertEqual(($0 as? TLSError)?.alertSent, .unknownCA) }
        XCTAssertNil(pair.client.pendingPeerVerification)
    }

    func testVerifierInsteadOfChainVerificationDecidesAloneWithEmptyRoots() throws {
        // A server no root vouches for, and a client without roots: only the verifier decides.
        var client = clientVerifying(mode: .insteadOfChainVerification)
        client.trustRoots = .certificates([])
        XCTAssertNoThrow(try client.validate())
        for verdict in [PeerVerificationVerdict.accept, .reject(reason: "not pinned", alert: .unknownCA)] {
            let pair = try ConnectionPair(clientConfiguration: client, serverConfiguration: TestPKI.serverConfiguration(serverKey))
            try pair.exchange()
            let request = try XCTUnwrap(pair.client.pendingPeerVerification)
            XCTAssertFalse(request.isChainVerified)
            XCTAssertEqual(request.peerCertificates, [serverKey.chain[0]])
            if verdict == .accept {
                try pair.client.resumePeerVerification(verdict)
                try pair.exchange()
                XCTAssertTrue(pair.server.isHandshakeComplete)
                try assertDataFlowsBothWays(pair)
            } else {
                XCTAssertThrowsError(try pair.client.resumePeerVerification(verdict)) {
                    XCTAssertEqual(($0 as? TLSError)?.alertSent, .unknownCA)
                }
                XCTAssertThrowsError(try pair.server.receive(pair.client.takeOutput())) {
                    XCTAssertEqual(($0 as? TLSError)?.alertReceived, .unknownCA)
                }
            }
        }
    }

    // MARK: Server verifying a client

    func testServerWaitsForTheVerdictAndProcessesWhatArrivedMeanwhile() throws {
        let pair = try ConnectionPair(clientConfiguration: clientWithCertificate(), serverConfiguration: serverVerifying())
        try pair.exchange()
        let request = try XCTUnwrap(pair.server.pendingPeerVerification)
        XCTAssertEqual(request.peerRole, .client)
        XCTAssertEqual(request.peerCertificates, [clientKey.chain[0]])
        XCTAssertEqual(request.serverName, "localhost", "the name the client sent in SNI")
        XCTAssertTrue(request.isChainVerified)
        XCTAssertTrue(pair.client.isHandshakeComplete, "the client is done once its Finished is sent")
        XCTAssertFalse(pair.server.isHandshakeComplete)

        // The client's first request arrives while the server waits: it is held, not read.
        try pair.client.write(Array("GET /".utf8))
        try pair.exchange()
        XCTAssertNotNil(pair.server.pendingPeerVerification)
        XCTAssertNil(pair.server.readApplicationData())
        XCTAssertFalse(pair.server.hasPendingOutput, "no tickets before the verdict")

        try pair.server.resumePeerVerification(.accept)
        XCTAssertTrue(pair.server.isHandshakeComplete)
        XCTAssertEqual(pair.server.negotiatedParameters?.peerCertificates, [clientKey.chain[0]])
        XCTAssertEqual(pair.server.readApplicationData(), Array("GET /".utf8))
        try pair.exchange()
        XCTAssertEqual(pair.client.receivedTicketCount, 2, "tickets follow the accepted handshake")
        try assertDataFlowsBothWays(pair)
    }

    func testServerRejectionReachesTheClientAsTheVerifiersAlert() throws {
        let pair = try ConnectionPair(clientConfiguration: clientWithCertificate(), serverConfiguration: serverVerifying())
        try pair.exchange()
        XCTAssertNotNil(pair.server.pendingPeerVerification)
        XCTAssertThrowsError(try pair.server.resumePeerVerification(.reject(reason: "device not enrolled", alert: .accessDenied))) {
            XCTAssertEqual(($0 as? TLSError)?.code, .certificateVerificationFailed)
            XCTAssertEqual(($0 as? TLSError)?.alertSent, .accessDenied)
        }
        XCTAssertEqual(pair.server.configuration.statistics.snapshot().handshakeFailures, 1)
        XCTAssertThrowsError(try pair.client.receive(pair.server.takeOutput())) {
            XCTAssertEqual(($0 as? TLSError)?.alertReceived, .accessDenied)
        }
    }

    func testBytesHeldWhileWaitingAreBounded() throws {
        var server = serverVerifying()
        server.limits.maximumBytesWhileVerifyingPeer = 1_000
        let pair = try ConnectionPair(clientConfiguration: clientWithCertificate(), serverConfiguration: server)
        try pair.exchange()
        XCTAssertNotNil(pair.server.pendingPeerVerification)
        try pair.client.write([UInt8](repeating: 7, count: 900))
        XCTAssertNoThrow(try pair.server.receive(pair.client.takeOutput()), "within the bound")
        try pair.client.write([UInt8](repeating: 7, count: 900))
        XCTAssertThrowsError(try pair.server.receive(pair.client.takeOutput())) {
            XCTAssertEqual(($0 as? TLSError)?.code, .limitExceeded)
            XCTAssertEqual(($0 as? TLSError)?.alertSent, .internalError)
        }
        XCTAssertNil(pair.server.pendingPeerVerification, "a failed connection waits for nothing")
    }

    func testServerVerifierInsteadOfChainVerificationAcceptsWithoutRootsOrRejects() throws {
        let server = serverVerifying(roots: [], mode: .insteadOfChainVerification)
        XCTAssertNoThrow(try server.validate())
        // Accepted: a client certificate no root vouches for, because the verifier said so.
        let accepted = try ConnectionPair(clientConfiguration: clientWithCertificate(), serverConfiguration: server)
        try accepted.exchange()
        let request = try XCTUnwrap(accepted.server.pendingPeerVerification)
        XCTAssertFalse(request.isChainVerified)
        try accepted.server.resumePeerVerification(.accept)
        try accepted.exchange()
        XCTAssertEqual(accepted.server.negotiatedParameters?.peerCertificates, [clientKey.chain[0]])
        try assertDataFlowsBothWays(accepted)
        // Rejected: the handshake fails with the verifier's alert on both sides.
        let rejected = try ConnectionPair(clientConfiguration: clientWithCertificate(), serverConfiguration: server)
        try rejected.exchange()
        XCTAssertThrowsError(try rejected.server.resumePeerVerification(.reject(reason: "unknown device"))) {
            XCTAssertEqual(($0 as? TLSError)?.alertSent, .badCertificate, "the default rejection alert")
        }
        XCTAssertThrowsError(try rejected.client.receive(rejected.server.takeOutput())) {
            XCTAssertEqual(($0 as? TLSError)?.alertReceived, .badCertificate)
        }
    }

    func testRequiredCertificateIsStillRequiredWhenAVerifierReplacesChainVerification() throws {
        var client = clientWithCertificate()
        client.certificate = nil
        let pair = try ConnectionPair(clientConfiguration: client, serverConfiguration: serverVerifying(roots: [], mode: .insteadOfChainVerification))
        XCTAssertThrowsError(try pair.exchange()) { XCTAssertEqual(($0 as? TLSError)?.alertSent, .certificateRequired) }
        XCTAssertNil(pair.server.pendingPeerVerification, "no chain, nothing to ask about")
    }

    func testSessionWithAClientCertificateIsNotResumedWhenAVerifierIsConfigured() throws {
        var client = clientWithCertificate()
        client.sessionStore = InMemoryClientSessionStore()
        let server = serverVerifying()
        let first = try ConnectionPair(clientConfiguration: client, serverConfiguration: server)
        try first.exchange()
        try first.server.resumePeerVerification(.accept)
        try first.exchange()
        XCTAssertEqual(first.client.receivedTicketCount, 2)
        // The client offers its ticket; the server does a full handshake, so the verifier is asked again.
        let second = try ConnectionPair(clientConfiguration: client, serverConfiguration: server)
        try second.exchange()
        XCTAssertNotNil(second.server.pendingPeerVerification)
        try second.server.resumePeerVerification(.accept)
        try second.exchange()
        XCTAssertEqual(second.server.negotiatedParameters?.isResumed, false)
        XCTAssertEqual(second.server.negotiatedParameters?.peerCertificates, [clientKey.chain[0]])
    }

    // MARK: Post-handshake authentication

    private func connectedForPostHandshakeAuthentication() throws -> ConnectionPair {
        var client = clientWithCertificate()
        client.offersPostHandshakeAuthentication = true
        var server = TestPKI.serverConfiguration(serverKey)
        server.clientCertificateVerifier = UnusedVerifier()
        server.clientCertificateVerifierMode = .insteadOfChainVerification
        XCTAssertNoThrow(try server.validate())
        let pair = try ConnectionPair(clientConfiguration: client, serverConfiguration: server)
        try pair.exchange()
        XCTAssertTrue(pair.server.isHandshakeComplete)
        XCTAssertNil(pair.server.pendingPeerVerification, "no client certificate was asked for during the handshake")
        while pair.server.nextEvent() != nil {}
        return pair
    }

    func testPostHandshakeAuthenticationWaitsForTheVerdict() throws {
        let pair = try connectedForPostHandshakeAuthentication()
        // No roots: the verifier replaces chain verification.
        try pair.server.requestClientCertificate()
        try pair.exchange()
        let request = try XCTUnwrap(pair.server.pendingPeerVerification)
        XCTAssertTrue(request.isPostHandshake)
        XCTAssertFalse(request.isChainVerified)
        XCTAssertEqual(request.peerCertificates, [clientKey.chain[0]])
        XCTAssertNil(pair.server.nextEvent(), "not authenticated before the verdict")
        // Application data the client sends meanwhile waits with the Finished.
        try pair.client.write(Array("after".utf8))
        try pair.exchange()
        XCTAssertNil(pair.server.readApplicationData())
        try pair.server.resumePeerVerification(.accept)
        XCTAssertEqual(pair.server.nextEvent(), .clientAuthenticated([clientKey.chain[0]]))
        XCTAssertEqual(pair.server.readApplicationData(), Array("after".utf8))
        try assertDataFlowsBothWays(pair)
    }

    func testPostHandshakeRejectionFailsTheConnection() throws {
        let pair = try connectedForPostHandshakeAuthentication()
        try pair.server.requestClientCertificate()
        try pair.exchange()
        XCTAssertThrowsError(try pair.server.resumePeerVerification(.reject(reason: "revoked", alert: .certificateRevoked))) {
            XCTAssertEqual(($0 as? TLSError)?.alertSent, .certificateRevoked)
        }
        XCTAssertThrowsError(try pair.client.receive(pair.server.takeOutput())) {
            XCTAssertEqual(($0 as? TLSError)?.alertReceived, .certificateRevoked)
        }
    }

    // MARK: Configuration and alerts

    func testEmptyRootsAreAllowedOnlyWhenAVerifierReplacesChainVerification() throws {
        for authentication in [ClientAuthentication.required(trustRoots: .certificates([])), .optional(trustRoots: .certificates([]))] {
            var server = TestPKI.serverConfiguration(serverKey)
            server.clientAuthentication = authentication
            XCTAssertThrowsError(try server.validate(), "no roots, no verifier")
            server.clientCertificateVerifierMode = .insteadOfChainVerification
            XCTAssertThrowsError(try server.validate(), "a mode without a verifier verifies nothing")
            server.clientCertificateVerifier = UnusedVerifier()
            server.clientCertificateVerifierMode = .afterChainVerification
            XCTAssertThrowsError(try server.validate(), "chains are still verified against the empty roots")
            server.clientCertificateVerifierMode = .insteadOfChainVerification
            XCTAssertNoThrow(try server.validate())
        }
        var client = ClientConfiguration()
        client.trustRoots = .certificates([])
        client.certificateVerifierMode = .insteadOfChainVerification
        XCTAssertThrowsError(try client.validate(), "a mode without a verifier verifies nothing")
        client.certificateVerifier = UnusedVerifier()
        client.certificateVerifierMode = .afterChainVerification
        XCTAssertThrowsError(try client.validate())
        client.certificateVerifierMode = .insteadOfChainVerification
        XCTAssertNoThrow(try client.validate())
    }

    func testPostHandshakeRequestWithoutRootsNeedsAVerifierInTheirPlace() throws {
        var client = clientWithCertificate()
        client.offersPostHandshakeAuthentication = true
        var server = TestPKI.serverConfiguration(serverKey)
        server.clientCertificateVerifier = UnusedVerifier()
        let pair = try ConnectionPair(clientConfiguration: client, serverConfiguration: server)
        try pair.exchange()
        XCTAssertThrowsError(try pair.server.requestClientCertificate(), "after chain verification, roots are needed") {
            XCTAssertEqual(($0 as? TLSError)?.code, .invalidConfiguration)
        }
        XCTAssertNil(pair.server.error)
    }

    func testEachRejectionAlertIsTheAlertSent() {
        let alerts: [(PeerVerificationVerdict.RejectionAlert, AlertDescription)] = [
            (.badCertificate, .badCertificate), (.unsupportedCertificate, .unsupportedCertificate),
            (.certificateRevoked, .certificateRevoked), (.certificateExpired, .certificateExpired),
            (.certificateUnknown, .certificateUnknown), (.unknownCA, .unknownCA), (.accessDenied, .accessDenied),
        ]
        for (rejection, alert) in alerts {
            XCTAssertThrowsError(try PeerVerificationVerdict.reject(reason: "r", alert: rejection).check()) {
                XCTAssertEqual(($0 as? TLSError)?.alertSent, alert)
                XCTAssertEqual(($0 as? TLSError)?.code, .certificateVerificationFailed)
            }
        }
        XCTAssertNoThrow(try PeerVerificationVerdict.accept.check())
    }
}
