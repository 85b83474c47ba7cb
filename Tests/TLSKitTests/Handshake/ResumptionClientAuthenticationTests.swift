import Foundation
import XCTest

@testable import TLSKit

/// A resumed session meets the server's client-authentication policy as it is now, not as it
/// was when the ticket was issued: the same ticket keys (or session store) serve servers whose
/// policies differ, as in a fleet or across a configuration change. A session that does not
/// meet the policy falls back to a full handshake, counted as ``TicketRejection/clientAuthenticationMismatch``.
final class ResumptionClientAuthenticationTests: XCTestCase {
    private let serverKey = TestPKI.certifiedKey()
    private let clientKey = TestPKI.certifiedKey(names: ["client.example"])
    private let otherClientKey = TestPKI.certifiedKey(names: ["other-client.example"])
    /// One ticket key ring for every server configuration a test makes.
    private let ticketProtection = SessionTicketProtection.stateless(SessionTicketKeyRing.makeDefault())

    private func server(_ authentication: ClientAuthentication, protection: SessionTicketProtection? = nil) -> ServerConfiguration {
        var configuration = TestPKI.serverConfiguration(serverKey)
        configuration.ticketProtection = protection ?? ticketProtection
        configuration.clientAuthentication = authentication
        return configuration
    }

    private func client(certificate: CertifiedKey?) -> ClientConfiguration {
        var configuration = TestPKI.clientConfiguration(trusting: serverKey)
        configuration.certificate = certificate
        configuration.sessionStore = nil
        return configuration
    }

    private func roots(_ keys: CertifiedKey...) -> TrustRoots { .certificates(keys.map { $0.chain[0] }) }

    /// Connects, completes the handshake and returns the pair and the first session the client received.
    private func connect(
        _ server: ServerConfiguration, _ client: ClientConfiguration, session: ClientSession? = nil
    ) throws -> (ConnectionPair, ClientSession?) {
        let pair = ConnectionPair(
            client: try ClientConnection(configuration: client, serverName: "localhost", session: session),
            server: try ServerConnection(configuration: server))
        try pair.exchange()
        var received: ClientSession?
        while let event = pair.client.nextEvent() {
            if case .sessionTicketReceived(let session) = event, received == nil { received = session }
        }
        return (pair, received)
    }

    private func session(from server: ServerConfiguration, certificate: CertifiedKey?) throws -> ClientSession {
        let (pair, session) = try connect(server, client(certificate: certificate))
        XCTAssertEqual(pair.server.negotiatedParameters?.peerCertificates.count, certificate == nil ? 0 : 1)
        return try XCTUnwrap(session, "the server issued a ticket")
    }

    private func mismatches(_ server: ServerConfiguration) -> Int {
        server.statistics.snapshot().ticketsRejected[.clientAuthenticationMismatch] ?? -1
    }

    // MARK: optional → required

    func testSessionWithoutACertificateIsNotResumedWhereOneIsRequired() throws {
        let session = try session(from: server(.optional(trustRoots: roots(clientKey))), certificate: nil)
        let strict = server(.required(trustRoots: roots(clientKey)))

        // The client that has no certificate: refused resumption, then certificate_required.
        XCTAssertThrowsError(try connect(strict, client(certificate: nil), session: session)) { error in
            XCTAssertEqual((error as? TLSError)?.alertSent, .certificateRequired)
        }
        XCTAssertEqual(mismatches(strict), 1)
        XCTAssertEqual(strict.statistics.snapshot().resumptions, 0)

        // The same session from a client that now has a certificate: a full handshake, not an error.
        let (pair, _) = try connect(strict, client(certificate: clientKey), session: session)
        XCTAssertEqual(pair.server.negotiatedParameters?.isResumed, false)
        XCTAssertEqual(pair.client.negotiatedParameters?.isResumed, false)
        XCTAssertEqual(pair.server.negotiatedParameters?.peerCertificates, [clientKey.chain[0]])
        XCTAssertEqual(mismatches(strict), 2)
    }

    func testSessionFromAServerWithoutClientAuthenticationIsNotResumedWhereOneIsRequired() throws {
        let session = try session(from: server(.none), certificate: nil)
        let strict = server(.required(trustRoots: roots(clientKey)))
        let (pair, _) = try connect(strict, client(certificate: clientKey), session: session)
        XCTAssertEqual(pair.server.negotiatedParameters?.isResumed, false)
        XCTAssertEqual(mismatches(strict), 1)
    }

    func testSessionWithoutACertificateStillResumesWhereOneIsOptional() throws {
        let session = try session(from: server(.optional(trustRoots: roots(clientKey))), certificate: nil)
        let lenient = server(.optional(trustRoots: roots(clientKey)))
        let (pair, _) = try connect(lenient, client(certificate: nil), session: session)
        XCTAssertEqual(pair.server.negotiatedParameters?.isResumed, true)
        XCTAssertEqual(pair.server.negotiatedParameters?.peerCertificates, [])
        XCTAssertEqual(mismatches(lenient), 0)
    }

    // MARK: required → required under other roots

    func testSessionVerifiedUnderOtherRootsIsNotResumed() throws {
        let session = try session(from: server(.required(trustRoots: roots(clientKey))), certificate: clientKey)
        let otherRoots = server(.required(trustRoots: roots(otherClientKey)))
        let (pair, _) = try connect(otherRoots, client(certificate: otherClientKey), session: session)
        XCTAssertEqual(pair.server.negotiatedParameters?.isResumed, false)
        XCTAssertEqual(pair.server.negotiatedParameters?.peerCertificates, [otherClientKey.chain[0]])
        XCTAssertEqual(mismatches(otherRoots), 1)
    }

    func testSessionResumesUnderRootsThatStillTrustItsChain() throws {
        let session = try session(from: server(.required(trustRoots: roots(clientKey))), certificate: clientKey)
        let widened = server(.required(trustRoots: roots(otherClientKey, clientKey)))
        let (pair, _) = try connect(widened, client(certificate: clientKey), session: session)
        XCTAssertEqual(pair.server.negotiatedParameters?.isResumed, true)
        XCTAssertEqual(pair.server.negotiatedParameters?.peerCertificates, [clientKey.chain[0]])
    }

    func testSessionWhoseClientCertificateHasSinceExpiredIsNotResumed() throws {
        let clock = TicketTestClock(Date())
        // Valid for two more hours.
        let shortLived = try CertifiedKey.selfSigned(names: ["client.example"], key: .generateP256(), now: clock.now - 22 * 60 * 60)
        var issuing = server(.required(trustRoots: roots(shortLived)))
        issuing.time = clock.source
        issuing.ticketLifetime = 86_400
        var client = client(certificate: shortLived)
        client.time = clock.source
        let (_, received) = try connect(issuing, client)
        let session = try XCTUnwrap(received)
        clock.advance(by: 3 * 60 * 60)
        client.certificate = nil
        XCTAssertThrowsError(try connect(issuing, client, session: session)) { error in
            XCTAssertEqual((error as? TLSError)?.alertSent, .certificateRequired, "refused resumption, then no certificate")
        }
        XCTAssertEqual(mismatches(issuing), 1)
    }

    // MARK: required → optional

    func testSessionWithAVerifiedCertificateResumesWhereOneIsOptional() throws {
        let session = try session(from: server(.required(trustRoots: roots(clientKey))), certificate: clientKey)
        let lenient = server(.optional(trustRoots: roots(clientKey)))
        let (pair, _) = try connect(lenient, client(certificate: clientKey), session: session)
        XCTAssertEqual(pair.server.negotiatedParameters?.isResumed, true)
        XCTAssertEqual(pair.server.negotiatedParameters?.peerCertificates, [clientKey.chain[0]])
        XCTAssertEqual(mismatches(lenient), 0)
    }

    func testSessionWithACertificateFromOtherRootsIsNotResumedWhereOneIsOptional() throws {
        let session = try session(from: server(.required(trustRoots: roots(clientKey))), certificate: clientKey)
        let lenient = server(.optional(trustRoots: roots(otherClientKey)))
        let (pair, _) = try connect(lenient, client(certificate: nil), session: session)
        XCTAssertEqual(pair.server.negotiatedParameters?.isResumed, false)
        XCTAssertEqual(pair.server.negotiatedParameters?.peerCertificates, [])
        XCTAssertEqual(mismatches(lenient), 1)
    }

    // MARK: sessions made by post-handshake authentication

    /// A session from tickets re-issued after post-handshake authentication under `pha` roots.
    private func postHandshakeSession(trustRoots pha: TrustRoots) throws -> ClientSession {
        var client = client(certificate: clientKey)
        client.offersPostHandshakeAuthentication = true
        let (pair, _) = try connect(server(.none), client)
        XCTAssertEqual(pair.server.negotiatedParameters?.peerCertificates, [])
        try pair.server.requestClientCertificate(trustRoots: pha)
        try pair.exchange()
        var sessions: [ClientSession] = []
        while let event = pair.client.nextEvent() {
            if case .sessionTicketReceived(let session) = event { sessions.append(session) }
        }
        return try XCTUnwrap(sessions.last, "tickets re-issued after post-handshake authentication")
    }

    func testPostHandshakeAuthenticatedSessionResumesWhereACertificateIsRequired() throws {
        let session = try postHandshakeSession(trustRoots: roots(clientKey))
        let strict = server(.required(trustRoots: roots(clientKey)))
        let (pair, _) = try connect(strict, client(certificate: nil), session: session)
        XCTAssertEqual(pair.server.negotiatedParameters?.isResumed, true)
        XCTAssertEqual(pair.server.negotiatedParameters?.peerCertificates, [clientKey.chain[0]])
    }

    func testPostHandshakeAuthenticatedSessionIsNotResumedUnderOtherRoots() throws {
        let session = try postHandshakeSession(trustRoots: roots(clientKey))
        let strict = server(.required(trustRoots: roots(otherClientKey)))
        XCTAssertThrowsError(try connect(strict, client(certificate: nil), session: session)) { error in
            XCTAssertEqual((error as? TLSError)?.alertSent, .certificateRequired)
        }
        XCTAssertEqual(mismatches(strict), 1)
    }

    // MARK: the stateful store

    func testStatefulSessionWithoutACertificateIsNotResumedWhereOneIsRequired() throws {
        let store = SessionTicketProtection.stateful(InMemoryServerSessionStore(), singleUse: false)
        let session = try session(from: server(.optional(trustRoots: roots(clientKey)), protection: store), certificate: nil)
        let strict = server(.required(trustRoots: roots(clientKey)), protection: store)
        XCTAssertThrowsError(try connect(strict, client(certificate: nil), session: session)) { error in
            XCTAssertEqual((error as? TLSError)?.alertSent, .certificateRequired)
        }
        XCTAssertEqual(mismatches(strict), 1)

        let verified = try self.session(from: server(.required(trustRoots: roots(clientKey)), protection: store), certificate: clientKey)
        let (pair, _) = try connect(strict, client(certificate: nil), session: verified)
        XCTAssertEqual(pair.server.negotiatedParameters?.isResumed, true, "a stored session with a verified chain still resumes")
    }
}
