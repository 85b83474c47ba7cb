import XCTest

@testable import TLSKit

/// Round trips and decode rules for the messages after the hellos.
final class HandshakeMessageTests: XCTestCase {
    private func decode(_ type: HandshakeType, _ body: [UInt8]) throws -> HandshakeMessage {
        try HandshakeMessage.decode(type: type, body: body)
    }

    func testEncryptedExtensionsRoundTrip() {
        XCTAssertRoundTrips(.encryptedExtensions(EncryptedExtensions()))
        XCTAssertRoundTrips(
            .encryptedExtensions(
                EncryptedExtensions(
                    serverNameAcknowledged: true, supportedGroups: [.x25519, .secp384r1], applicationProtocol: Array("h2".utf8),
                    earlyData: true, other: [RawExtension(type: ExtensionType(rawValue: 0x1c), data: [0x40, 0x01])])))
    }

    func testEncryptedExtensionsRejectsSeveralApplicationProtocols() throws {
        var writer = ByteWriter()
        writer.writeExtensions([RawExtension(.applicationLayerProtocolNegotiation) { $0.writeProtocolNameList([[0x61], [0x62]]) }])
        XCTAssertThrowsAlert(.decodeError, try decode(.encryptedExtensions, writer.bytes))
    }

    func testEncryptedExtensionsRejectsNonEmptyServerNameAndDuplicates() {
        var nonEmpty = ByteWriter()
        nonEmpty.writeExtensions([RawExtension(type: .serverName, data: [0])])
        XCTAssertThrowsAlert(.decodeError, try decode(.encryptedExtensions, nonEmpty.bytes))
        var duplicate = ByteWriter()
        duplicate.writeExtensions([RawExtension(type: .earlyData, data: []), RawExtension(type: .earlyData, data: [])])
        XCTAssertThrowsAlert(.illegalParameter, try decode(.encryptedExtensions, duplicate.bytes))
    }

    func testCertificateRoundTrips() {
        XCTAssertRoundTrips(.certificate(CertificateMessage(requestContext: [], entries: [])))
        XCTAssertRoundTrips(
            .certificate(
                CertificateMessage(
                    requestContext: [1, 2, 3, 4],
                    entries: [
                        CertificateEntry(
                            certificateData: Array(repeating: 0x30, count: 300),
                            extensions: [RawExtension(type: .statusRequest, data: [1, 0, 0, 1, 0])]),
                        CertificateEntry(certificateData: [0x30, 0x00]),
                    ])))
    }

    func testCertificateEntryWithEmptyDataIsADecodeError() {
        var writer = ByteWriter()
        CertificateMessage(requestContext: [], entries: [CertificateEntry(certificateData: [])]).encode(into: &writer)
        XCTAssertThrowsAlert(.decodeError, try decode(.certificate, writer.bytes))
    }

    func testCertificateRequestRoundTrips() {
        XCTAssertRoundTrips(.certificateRequest(CertificateRequest(requestContext: [], signatureAlgorithms: [.ed25519])))
        XCTAssertRoundTrips(
            .certificateRequest(
                CertificateRequest(
                    requestContext: [9],
                    signatureAlgorithms: SignatureScheme.supported,
                    signatureAlgorithmsCert: SignatureScheme.supportedInCertificates,
                    certificateAuthorities: [[0x30, 0x03, 0x31, 0x01, 0x00], [0x30, 0x00]],
                    other: [RawExtension(type: .oidFilters, data: [0, 0])])))
    }

    func testCertificateRequestWithoutSignatureAlgorithmsIsAMissingExtension() {
        var writer = ByteWriter()
        writer.writeVector8([])
        writer.writeExtensions([RawExtension(.signatureAlgorithmsCert) { $0.writeSignatureSchemeList([.ed25519]) }])
        XCTAssertThrowsError(try decode(.certificateRequest, writer.bytes)) {
            XCTAssertEqual(($0 as? TLSError)?.reason, .missingExtension("signature_algorithms"))
        }
    }

    func testCertificateRequestRejectsDuplicates() {
        let algorithms = RawExtension(.signatureAlgorithms) { $0.writeSignatureSchemeList([.ed25519]) }
        var writer = ByteWriter()
        writer.writeVector8([])
        writer.writeExtensions([algorithms, algorithms])
        XCTAssertThrowsAlert(.illegalParameter, try decode(.certificateRequest, writer.bytes))
    }

    func testCertificateVerifyRoundTrips() {
        XCTAssertRoundTrips(.certificateVerify(CertificateVerify(scheme: .rsa_pss_rsae_sha256, signature: Array(repeating: 5, count: 256))))
        XCTAssertRoundTrips(.certificateVerify(CertificateVerify(scheme: SignatureScheme(rawValue: 0xFEFE), signature: [])))
    }

    func testFinishedRoundTripsAnyLength() {
        XCTAssertRoundTrips(.finished(Finished(verifyData: Array(repeating: 0xF1, count: 32))))
        XCTAssertRoundTrips(.finished(Finished(verifyData: Array(repeating: 0xF2, count: 48))))
    }

    func testNewSessionTicketRoundTrips() {
        XCTAssertRoundTrips(
            .newSessionTicket(NewSessionTicket(lifetime: 7200, ageAdd: 0x1234_5678, nonce: [], ticket: [1])))
        XCTAssertRoundTrips(
            .newSessionTicket(
                NewSessionTicket(
                    lifetime: 604_800, ageAdd: .max, nonce: [0, 1], ticket: Array(repeating: 0xEE, count: 200),
                    maxEarlyDataSize: 16_384, other: [RawExtension(type: ExtensionType(rawValue: 0x2A2A), data: [])])))
    }

    func testNewSessionTicketRejectsEmptyTicketAndBadEarlyData() {
        var empty = ByteWriter()
        NewSessionTicket(lifetime: 1, ageAdd: 2, nonce: [], ticket: []).encode(into: &empty)
        XCTAssertThrowsAlert(.decodeError, try decode(.newSessionTicket, empty.bytes))
        // RFC 8446 §4.2.10: in a NewSessionTicket, early_data is exactly a uint32 max_early_data_size.
        for data: [UInt8] in [[], [0, 0], [0, 0, 0], [0, 0, 0x40, 0, 0]] {
            var badEarlyData = ByteWriter()
            NewSessionTicket(lifetime: 1, ageAdd: 2, nonce: [], ticket: [1], other: [RawExtension(type: .earlyData, data: data)])
                .encode(into: &badEarlyData)
            XCTAssertThrowsAlert(.decodeError, try decode(.newSessionTicket, badEarlyData.bytes), "\(data.count) bytes")
        }
    }

    func testNewSessionTicketReadsMaxEarlyDataSize() throws {
        var writer = ByteWriter()
        NewSessionTicket(lifetime: 1, ageAdd: 2, nonce: [], ticket: [1], other: [RawExtension(type: .earlyData, data: [0, 1, 0, 0])])
            .encode(into: &writer)
        guard case .newSessionTicket(let ticket) = try decode(.newSessionTicket, writer.bytes) else { return XCTFail("not a NewSessionTicket") }
        XCTAssertEqual(ticket.maxEarlyDataSize, 65_536)
        XCTAssertEqual(ticket.other, [])
    }

    func testNewSessionTicketRejectsTwoEarlyDataExtensions() {
        var writer = ByteWriter()
        let early = RawExtension(type: .earlyData, data: [0, 0, 0, 1])
        NewSessionTicket(lifetime: 1, ageAdd: 2, nonce: [], ticket: [1], other: [early, early]).encode(into: &writer)
        XCTAssertThrowsAlert(.illegalParameter, try decode(.newSessionTicket, writer.bytes))
    }

    func testKeyUpdateRoundTrips() {
        XCTAssertRoundTrips(.keyUpdate(KeyUpdate(request: .notRequested)))
        XCTAssertRoundTrips(.keyUpdate(KeyUpdate(request: .requested)))
        XCTAssertEqual(HandshakeMessage.keyUpdate(KeyUpdate(request: .requested)).encoded(), [24, 0, 0, 1, 1])
    }

    func testKeyUpdateWithAnotherValueIsAnIllegalParameter() {
        XCTAssertThrowsError(try decode(.keyUpdate, [2])) {
            XCTAssertEqual(($0 as? TLSError)?.reason, .illegalParameter("KeyUpdate request_update"))
        }
        XCTAssertThrowsAlert(.decodeError, try decode(.keyUpdate, []))
        XCTAssertThrowsAlert(.decodeError, try decode(.keyUpdate, [1, 0]))
    }

    func testEndOfEarlyDataIsEmpty() throws {
        XCTAssertEqual(HandshakeMessage.endOfEarlyData.encoded(), [5, 0, 0, 0])
        XCTAssertEqual(try decode(.endOfEarlyData, []), .endOfEarlyData)
        XCTAssertThrowsAlert(.decodeError, try decode(.endOfEarlyData, [0]))
    }

    func testTrailingBytesAreRejectedInEveryMessage() throws {
        let messages: [HandshakeMessage] = [
            .serverHello(ServerHelloTests.serverHello),
            .encryptedExtensions(EncryptedExtensions(earlyData: true)),
            .certificate(CertificateMessage(requestContext: [], entries: [CertificateEntry(certificateData: [1])])),
            .certificateRequest(CertificateRequest(requestContext: [], signatureAlgorithms: [.ed25519])),
            .certificateVerify(CertificateVerify(scheme: .ed25519, signature: [1, 2])),
            .newSessionTicket(NewSessionTicket(lifetime: 1, ageAdd: 1, nonce: [], ticket: [1])),
            .keyUpdate(KeyUpdate(request: .requested)),
        ]
        for message in messages {
            let (type, body) = try splitMessage(message.encoded())
            XCTAssertNoThrow(try decode(type, body))
            XCTAssertThrowsAlert(.decodeError, try decode(type, body + [0]), "\(type)")
        }
    }

    func testUnknownHandshakeTypeIsAnUnexpectedMessage() {
        XCTAssertThrowsAlert(.unexpectedMessage, try decode(HandshakeType(rawValue: 3), []))
        XCTAssertThrowsAlert(.unexpectedMessage, try decode(.messageHash, [0]))
    }
}
