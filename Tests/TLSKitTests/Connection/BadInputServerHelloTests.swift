import XCTest

@testable import TLSKit

/// A client refuses ServerHellos and HelloRetryRequests that RFC 8446 forbids. The server
/// side is made by hand from the client's real ClientHello with the message codecs.
///
/// The client offers only TLS_AES_128_GCM_SHA256, supports X25519 and P-256, and shares X25519.
final class BadInputServerHelloTests: XCTestCase {
    private struct Case: Sendable {
        let name: String
        let alert: AlertDescription
        var code: TLSError.Code = .peerMisbehaved
        /// The server's answer to the client's ClientHello.
        let answer: @Sendable (ClientHello) throws -> [UInt8]
    }

    /// A valid ServerHello answering `hello` with an X25519 share, for cases to change.
    private static func serverHello(answering hello: ClientHello, _ change: (inout ServerHello) -> Void = { _ in }) -> [UInt8] {
        var serverHello = ServerHello(
            random: Array(repeating: 0x42, count: 32), legacySessionIDEcho: hello.legacySessionID, cipherSuite: BadInput.suite,
            extensions: ServerHelloExtensions(
                supportedVersion: .tls13, keyShare: KeyShareEntry(group: .x25519, keyExchange: try! EphemeralKey.generate(group: .x25519).publicKeyBytes)))
        change(&serverHello)
        return WireRecords.handshake(.serverHello(serverHello))
    }

    /// A HelloRetryRequest answering `hello`.
    private static func helloRetryRequest(answering hello: ClientHello, group: NamedGroup?, cookie: [UInt8]? = nil) -> [UInt8] {
        WireRecords.handshake(
            .serverHello(
                ServerHello(
                    random: ServerHello.helloRetryRequestRandom, legacySessionIDEcho: hello.legacySessionID, cipherSuite: BadInput.suite,
                    extensions: ServerHelloExtensions(supportedVersion: .tls13, selectedGroup: group, cookie: cookie))))
    }

    private static let cases: [Case] = [
        // RFC 8446 §4.1.3: a ServerHello without supported_versions negotiates TLS 1.2 or older.
        Case(name: "TLS 1.2 ServerHello (no supported_versions)", alert: .protocolVersion, code: .unsupportedProtocolVersion) { hello in
            serverHello(answering: hello) { $0.extensions.supportedVersion = nil }
        },
        Case(name: "TLS 1.2 ServerHello without an extensions block", alert: .protocolVersion, code: .unsupportedProtocolVersion) { hello in
            var writer = ByteWriter()
            writer.writeUInt16(0x0303)
            writer.writeBytes(Array(repeating: 0x42, count: 32))
            writer.writeVector8(hello.legacySessionID)
            writer.writeUInt16(0xC02F)  // TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256
            writer.writeUInt8(0)
            return WireRecords.record(.handshake, [HandshakeType.serverHello.rawValue, 0, 0, UInt8(writer.bytes.count)] + writer.bytes)
        },
        // RFC 8446 §4.2.1: supported_versions selecting an older version is an illegal_parameter.
        Case(name: "supported_versions selecting TLS 1.2", alert: .illegalParameter) { hello in
            serverHello(answering: hello) { $0.extensions.supportedVersion = .tls12 }
        },
        // RFC 8446 §4.1.3: the suite, the session ID echo and the compression method must match the offer.
        Case(name: "cipher suite not offered", alert: .illegalParameter) { hello in
            serverHello(answering: hello) { $0.cipherSuite = .TLS_AES_256_GCM_SHA384 }
        },
        Case(name: "legacy_session_id_echo differs", alert: .illegalParameter) { hello in
            serverHello(answering: hello) { $0.legacySessionIDEcho = Array(repeating: 0, count: 32) }
        },
        Case(name: "non-null compression method", alert: .illegalParameter) { hello in
            serverHello(answering: hello) { $0.legacyCompressionMethod = 1 }
        },
        // RFC 8446 §4.2.8: the server's share must be for a group the client shared, and valid.
        Case(name: "key share for a group the client did not share", alert: .illegalParameter) { hello in
            serverHello(answering: hello) {
                $0.extensions.keyShare = KeyShareEntry(group: .secp256r1, keyExchange: try! EphemeralKey.generate(group: .secp256r1).publicKeyBytes)
            }
        },
        Case(name: "X25519 share of 31 bytes", alert: .illegalParameter) { hello in
            serverHello(answering: hello) { $0.extensions.keyShare = KeyShareEntry(group: .x25519, keyExchange: Array(repeating: 9, count: 31)) }
        },
        Case(name: "no key_share", alert: .missingExtension) { hello in
            serverHello(answering: hello) { $0.extensions.keyShare = nil }
        },
        // RFC 8446 §4.2: a server may not send an extension the client did not offer.
        Case(name: "unsolicited extension in ServerHello", alert: .unsupportedExtension) { hello in
            serverHello(answering: hello) {
                $0.extensions.other.append(RawExtension(type: .applicationLayerProtocolNegotiation, data: [0, 3, 2, 0x68, 0x32]))
            }
        },
        Case(name: "duplicate extension in ServerHello", alert: .illegalParameter) { hello in
            serverHello(answering: hello) { $0.extensions.other.append(RawExtension(type: .supportedVersions, data: [3, 4])) }
        },
        // RFC 8446 §4.1.4: a HelloRetryRequest must change the ClientHello, with a group the client offered.
        Case(name: "HelloRetryRequest for a group already shared", alert: .illegalParameter) { hello in
            helloRetryRequest(answering: hello, group: .x25519)
        },
        Case(name: "HelloRetryRequest for a group not offered", alert: .illegalParameter) { hello in
            helloRetryRequest(answering: hello, group: .secp384r1)
        },
        Case(name: "HelloRetryRequest changing nothing", alert: .illegalParameter) { hello in
            helloRetryRequest(answering: hello, group: nil)
        },
        // Out of order and undecodable messages.
        Case(name: "EncryptedExtensions instead of ServerHello", alert: .unexpectedMessage) { _ in
            WireRecords.handshake(.encryptedExtensions(EncryptedExtensions()))
        },
        Case(name: "ClientHello sent to a client", alert: .unexpectedMessage) { hello in
            WireRecords.handshake(.clientHello(hello))
        },
        Case(name: "ServerHello cut short", alert: .decodeError) { hello in
            Array(serverHello(answering: hello).dropLast(10)).withRecordLength()
        },
    ]

    func testClientRefusesForbiddenServerHellos() throws {
        for row in Self.cases {
            let client = try BadInput.client()
            let hello = try BadInput.clientHello(from: client)
            let answer = try row.answer(hello)
            guard let failure = assertFails(client, sending: row.alert, code: row.code, row.name, { try client.receive(answer) }) else { continue }
            // The client has no keys yet: its alert is plaintext.
            assertPlaintextAlert(failure.output, row.alert, row.name)
        }
    }

    func testHandMadeServerHelloIsAccepted() throws {
        // The control for the table above: the unchanged hand-made ServerHello moves the client on.
        let client = try BadInput.client()
        try client.receive(Self.serverHello(answering: try BadInput.clientHello(from: client)))
        XCTAssertNil(client.error)
        XCTAssertEqual(try WireRecords.split(client.takeOutput()).first?.contentType, .changeCipherSpec)
    }

    func testSecondHelloRetryRequestIsUnexpected() throws {
        let client = try BadInput.client()
        let hello = try BadInput.clientHello(from: client)
        try client.receive(Self.helloRetryRequest(answering: hello, group: .secp256r1, cookie: [1, 2, 3]))
        let answer = try WireRecords.split(client.takeOutput())
        XCTAssertEqual(answer.map(\.contentType), [.changeCipherSpec, .handshake], "the client answers the first one")
        let name = "second HelloRetryRequest"
        guard
            let failure = assertFails(
                client, sending: .unexpectedMessage, name, { try client.receive(Self.helloRetryRequest(answering: hello, group: .secp256r1)) })
        else { return }
        assertPlaintextAlert(failure.output, .unexpectedMessage, name)
    }

    func testServerHelloAfterHelloRetryRequestMustKeepTheSuite() throws {
        var configuration = BadInput.clientConfiguration()
        configuration.cipherSuites = [.TLS_AES_128_GCM_SHA256, .TLS_AES_256_GCM_SHA384]
        let client = try ClientConnection(configuration: configuration, serverName: "localhost")
        let hello = try BadInput.clientHello(from: client)
        try client.receive(Self.helloRetryRequest(answering: hello, group: .secp256r1))
        _ = client.takeOutput()
        let name = "ServerHello changing the suite after a HelloRetryRequest"
        let answer = Self.serverHello(answering: hello) {
            $0.cipherSuite = .TLS_AES_256_GCM_SHA384
            $0.extensions.keyShare = KeyShareEntry(group: .secp256r1, keyExchange: try! EphemeralKey.generate(group: .secp256r1).publicKeyBytes)
        }
        guard let failure = assertFails(client, sending: .illegalParameter, name, { try client.receive(answer) }) else { return }
        assertPlaintextAlert(failure.output, .illegalParameter, name)
    }
}

extension Array where Element == UInt8 {
    /// A single record whose header length is corrected to its (shortened) fragment and
    /// whose handshake header is corrected to the shortened body.
    fileprivate func withRecordLength() -> [UInt8] {
        let fragment = Array(self[TLSRecord.headerLength...])
        let body = Array(fragment.dropFirst(4))
        return WireRecords.record(
            .handshake, [fragment[0], UInt8(body.count >> 16), UInt8(truncatingIfNeeded: body.count >> 8), UInt8(truncatingIfNeeded: body.count)] + body)
    }
}
