import Crypto
import XCTest

@testable import TLSKit

/// Bad input under record protection: forged or corrupted handshake messages and
/// post-handshake messages that RFC 8446 forbids.
///
/// Corrupting a protected record's ciphertext only ever yields bad_record_mac. To reach
/// the checks behind the AEAD (Finished, CertificateVerify, message order), these tests
/// act as a peer that knows the traffic secrets: the server's key log reveals them, the
/// test decrypts the real flight, changes one message and seals it again under the same
/// secret. That is exactly what a misbehaving peer holding the keys could send, and it
/// needs no test-only hook in the library.
final class BadInputProtectedTests: XCTestCase {
    private typealias Transform = (inout [[UInt8]]) throws -> Void

    /// A pair stopped with the server's first flight waiting for the client.
    private func pairWithServerFlight() throws -> (pair: ConnectionPair, secrets: KeyLogSecrets, flight: [UInt8]) {
        let secrets = KeyLogSecrets()
        let pair = try BadInput.pair(secrets: secrets)
        try pair.server.receive(pair.client.takeOutput())
        return (pair, secrets, pair.server.takeOutput())
    }

    func testClientRefusesCorruptedServerFlight() throws {
        let cases: [(name: String, alert: AlertDescription, code: TLSError.Code, transform: Transform)] = [
            // RFC 8446 §4.4.4: a Finished that does not verify is a decrypt_error.
            ("server Finished verify_data flipped", .decryptError, .peerMisbehaved, { $0.flipLastByte(of: .finished) }),
            // RFC 8446 §4.4.3: so is a CertificateVerify whose signature does not verify.
            ("server CertificateVerify signature flipped", .decryptError, .certificateVerificationFailed, { $0.flipLastByte(of: .certificateVerify) }),
            ("server Finished of 31 bytes", .decodeError, .peerMisbehaved, {
                $0.replace(.finished, with: .finished(Finished(verifyData: Array(repeating: 0, count: 31))))
            }),
            // RFC 8446 §4.4.2.4: an empty server Certificate is a decode_error.
            ("empty server Certificate", .decodeError, .peerMisbehaved, {
                $0.replace(.certificate, with: .certificate(CertificateMessage(requestContext: [], entries: [])))
            }),
            // RFC 8446 §4.2: key_share belongs in the ServerHello, never in EncryptedExtensions.
            ("key_share in EncryptedExtensions", .illegalParameter, .peerMisbehaved, {
                $0.replace(.encryptedExtensions, with: .encryptedExtensions(EncryptedExtensions(other: [RawExtension(type: .keyShare, data: [0, 29])])))
            }),
            ("CertificateVerify without Certificate", .unexpectedMessage, .peerMisbehaved, {
                $0.removeAll { $0.first == HandshakeType.certificate.rawValue }
            }),
            ("KeyUpdate during the handshake", .unexpectedMessage, .peerMisbehaved, {
                $0.insert(HandshakeMessage.keyUpdate(KeyUpdate(request: .notRequested)).encoded(), at: 1)
            }),
            // RFC 8446 §5.1: handshake messages may not span a key change (here, to application keys).
            ("server Finished followed by part of a message", .unexpectedMessage, .peerMisbehaved, {
                $0.append([HandshakeType.newSessionTicket.rawValue, 0])
            }),
        ]
        for (name, alert, code, transform) in cases {
            let (pair, secrets, flight) = try pairWithServerFlight()
            let forged = try rewriteProtectedHandshake(flight, secret: try secrets.key("SERVER_HANDSHAKE_TRAFFIC_SECRET"), transform)
            guard let failure = assertFails(pair.client, sending: alert, code: code, name, { try pair.client.receive(forged) }) else { continue }
            XCTAssertFalse(pair.client.isHandshakeComplete, name)
            // The client's alert is under its handshake keys; check it decrypts, then that the server reads it.
            try assertProtectedAlert(failure.output, cipher: TestCipher(secret: try secrets.key("CLIENT_HANDSHAKE_TRAFFIC_SECRET")), alert, name)
            assertPeerReceivesAlert(failure.output, peer: pair.server, alert, name)
        }
    }

    func testUnchangedRewrittenFlightCompletes() throws {
        // The control for the forged flights: decrypting and resealing without a change is accepted.
        let (pair, secrets, flight) = try pairWithServerFlight()
        try pair.client.receive(try rewriteProtectedHandshake(flight, secret: try secrets.key("SERVER_HANDSHAKE_TRAFFIC_SECRET")) { _ in })
        try pair.exchange()
        XCTAssertTrue(pair.client.isHandshakeComplete && pair.server.isHandshakeComplete)
    }

    func testServerRefusesCorruptedClientFlight() throws {
        let cases: [(name: String, alert: AlertDescription, transform: Transform)] = [
            ("client Finished verify_data flipped", .decryptError, { $0.flipLastByte(of: .finished) }),
            ("client Finished of 31 bytes", .decodeError, {
                $0.replace(.finished, with: .finished(Finished(verifyData: Array(repeating: 0, count: 31))))
            }),
            ("client Finished followed by part of a message", .unexpectedMessage, { $0.append([HandshakeType.keyUpdate.rawValue]) }),
            ("KeyUpdate instead of Finished", .unexpectedMessage, { $0 = [HandshakeMessage.keyUpdate(KeyUpdate(request: .notRequested)).encoded()] }),
            ("Certificate that was not requested", .unexpectedMessage, {
                $0.insert(HandshakeMessage.certificate(CertificateMessage(requestContext: [], entries: [])).encoded(), at: 0)
            }),
        ]
        for (name, alert, transform) in cases {
            let (pair, secrets, flight) = try pairWithServerFlight()
            try pair.client.receive(flight)
            let forged = try rewriteProtectedHandshake(
                pair.client.takeOutput(), secret: try secrets.key("CLIENT_HANDSHAKE_TRAFFIC_SECRET"), transform)
            guard let failure = assertFails(pair.server, sending: alert, name, { try pair.server.receive(forged) }) else { continue }
            XCTAssertFalse(pair.server.isHandshakeComplete, name)
            try assertProtectedAlert(failure.output, cipher: TestCipher(secret: try secrets.key("SERVER_TRAFFIC_SECRET_0")), alert, name)
            assertPeerReceivesAlert(failure.output, peer: pair.client, alert, name)
        }
    }

    func testApplicationDataUnderHandshakeKeysIsUnexpected() throws {
        let (pair, secrets, flight) = try pairWithServerFlight()
        try pair.client.receive(flight)
        _ = pair.client.takeOutput()
        var cipher = TestCipher(secret: try secrets.key("CLIENT_HANDSHAKE_TRAFFIC_SECRET"))
        let early = WireRecords.record(.changeCipherSpec, [1]) + (try cipher.seal(.applicationData, Array("too early".utf8)))
        let name = "application data before the client Finished"
        guard let failure = assertFails(pair.server, sending: .unexpectedMessage, name, { try pair.server.receive(early) }) else { return }
        XCTAssertNil(pair.server.readApplicationData())
        assertPeerReceivesAlert(failure.output, peer: pair.client, .unexpectedMessage, name)
    }

    func testServerRefusesForbiddenPostHandshakeRecords() throws {
        let ticket = HandshakeMessage.newSessionTicket(NewSessionTicket(lifetime: 60, ageAdd: 1, nonce: [0], ticket: [1, 2, 3]))
        let cases: [(name: String, type: ContentType, content: [UInt8], padding: Int, alert: AlertDescription)] = [
            // RFC 8446 §4.6.3: request_update other than 0 or 1 is an illegal_parameter.
            ("KeyUpdate with request_update 2", .handshake, [HandshakeType.keyUpdate.rawValue, 0, 0, 1, 2], 0, .illegalParameter),
            // RFC 8446 §4.6.1: only servers send NewSessionTicket.
            ("NewSessionTicket from a client", .handshake, ticket.encoded(), 0, .unexpectedMessage),
            ("ClientHello after the handshake", .handshake, HandshakeMessage.clientHello(try BadInput.clientHello()).encoded(), 0, .unexpectedMessage),
            (
                "second client Finished", .handshake, HandshakeMessage.finished(Finished(verifyData: Array(repeating: 0, count: 32))).encoded(), 0,
                .unexpectedMessage
            ),
            ("empty protected handshake record", .handshake, [], 0, .unexpectedMessage),
            // RFC 8446 §5.1: handshake messages may not span a key change.
            (
                "KeyUpdate followed by part of a message", .handshake, HandshakeMessage.keyUpdate(KeyUpdate(request: .notRequested)).encoded() + [24],
                0, .unexpectedMessage
            ),
            // RFC 8446 §5: a protected change_cipher_spec is an unexpected_message.
            ("protected change_cipher_spec", .changeCipherSpec, [1], 0, .unexpectedMessage),
            ("unknown inner content type", ContentType(rawValue: 0x20), [1], 0, .unexpectedMessage),
            // RFC 8446 §5.4: a plaintext of only zeros has no content type.
            ("inner plaintext of only zeros", .invalid, [], 8, .unexpectedMessage),
            ("protected alert of three bytes", .alert, [2, 40, 0], 0, .decodeError),
        ]
        for (name, type, content, padding, alert) in cases {
            let secrets = KeyLogSecrets()
            let pair = try BadInput.connectedPair(secrets: secrets)
            // The client has sent nothing under its application keys yet: the forged record is its record 0.
            var cipher = TestCipher(secret: try secrets.key("CLIENT_TRAFFIC_SECRET_0"))
            let record = try cipher.seal(type, content, padding: padding)
            guard let failure = assertFails(pair.server, sending: alert, name, { try pair.server.receive(record) }) else { continue }
            try assertProtectedAlert(failure.output, cipher: TestCipher(secret: try secrets.key("SERVER_TRAFFIC_SECRET_0")), alert, name)
            assertPeerReceivesAlert(failure.output, peer: pair.client, alert, name)
        }
    }

    func testForgedRecordsUnderApplicationKeysAreReadAsGenuine() throws {
        // The control for the table above: a forged KeyUpdate the RFC allows is accepted.
        let secrets = KeyLogSecrets()
        let pair = try BadInput.connectedPair(secrets: secrets)
        var cipher = TestCipher(secret: try secrets.key("CLIENT_TRAFFIC_SECRET_0"))
        try pair.server.receive(try cipher.seal(.handshake, HandshakeMessage.keyUpdate(KeyUpdate(request: .notRequested)).encoded()))
        XCTAssertNil(pair.server.error)
        var events: [TLSEvent] = []
        while let event = pair.server.nextEvent() { events.append(event) }
        XCTAssertEqual(events.last, .peerKeysUpdated)
        XCTAssertEqual(pair.server.takeOutput(), [], "update_not_requested needs no answer")
    }

    func testHandshakeMessageSplitAcrossPlaintextKeyChange() throws {
        // RFC 8446 §5.1: the ServerHello (and ClientHello) must end at a record boundary,
        // because the keys change after it. One extra byte in the same record is refused
        // before anything is answered, so the alert is still plaintext.
        let pair = try BadInput.pair()
        var hello = pair.client.takeOutput()
        hello = WireRecords.record(.handshake, Array(hello[TLSRecord.headerLength...]) + [HandshakeType.finished.rawValue])
        if let failure = assertFails(pair.server, sending: .unexpectedMessage, "ClientHello followed by a byte", { try pair.server.receive(hello) }) {
            assertPlaintextAlert(failure.output, .unexpectedMessage, "ClientHello followed by a byte")
        }

        let (other, _, flight) = try pairWithServerFlight()
        var records = try WireRecords.split(flight)
        XCTAssertEqual(records.first?.contentType, .handshake)
        records[0].fragment += [HandshakeType.encryptedExtensions.rawValue, 0]
        let forged = records.flatMap(WireRecords.encode)
        let name = "ServerHello followed by part of a message"
        if let failure = assertFails(other.client, sending: .unexpectedMessage, name, { try other.client.receive(forged) }) {
            assertPlaintextAlert(failure.output, .unexpectedMessage, name)
            XCTAssertFalse(try WireRecords.split(failure.output).contains { $0.contentType == .changeCipherSpec }, "nothing of the failed step is sent")
        }
    }
}
