import Foundation
import XCTest

@testable import TLSKit

/// One row of the conformance table set up: the connection the crafted input is for, the real
/// peer it talks to when there is one (it must read the alert), and the input itself.
/// Everything the connection sent before the input has been taken from its output.
struct ConformanceScenario {
    let connection: TLSConnection
    var peer: TLSConnection?
    let input: () throws -> Void
}

// MARK: Plaintext, before any keys

extension ConformanceScenario {
    /// A fresh server whose first input is `bytes`; there is no real peer.
    static func server(receiving bytes: [UInt8], limits: (inout ConnectionLimits) -> Void = { _ in }) throws -> ConformanceScenario {
        var configuration = BadInput.serverConfiguration()
        limits(&configuration.limits)
        let server = try ServerConnection(configuration: configuration)
        return ConformanceScenario(connection: server, input: { try server.receive(bytes) })
    }

    /// A server receiving a real client's ClientHello, after `changing` it when given; the
    /// client is the peer.
    static func serverReceivingHello(
        client adjustClient: (inout ClientConfiguration) -> Void = { _ in }, server adjustServer: (inout ServerConfiguration) -> Void = { _ in },
        changing change: ((inout ClientHello) throws -> Void)? = nil
    ) throws -> ConformanceScenario {
        var clientConfiguration = BadInput.clientConfiguration()
        adjustClient(&clientConfiguration)
        var serverConfiguration = BadInput.serverConfiguration()
        adjustServer(&serverConfiguration)
        let client = try ClientConnection(configuration: clientConfiguration, serverName: "localhost")
        let server = try ServerConnection(configuration: serverConfiguration)
        var bytes = client.takeOutput()
        if let change {
            var hello = try BadInput.clientHello(fromOutput: bytes)
            try change(&hello)
            bytes = WireRecords.handshake(.clientHello(hello))
        }
        return ConformanceScenario(connection: server, peer: client, input: { try server.receive(bytes) })
    }

    /// A server receiving the ClientHello of a client resuming a session that server issued,
    /// after `changing` the decoded ClientHello or its bytes; the client is the peer.
    static func serverReceivingResumption(
        changing change: ((inout ClientHello) throws -> Void)? = nil, bytes changeBytes: (inout [UInt8]) -> Void = { _ in }
    ) throws -> ConformanceScenario {
        var serverConfiguration = TestPKI.serverConfiguration(BadInput.certified)
        serverConfiguration.ticketCount = 1
        var clientConfiguration = BadInput.clientConfiguration()
        clientConfiguration.sessionStore = nil
        let first = try ConnectionPair(clientConfiguration: clientConfiguration, serverConfiguration: serverConfiguration)
        try first.exchange()
        var session: ClientSession?
        while let event = first.client.nextEvent() {
            if case .sessionTicketReceived(let received) = event { session = received }
        }
        let client = try ClientConnection(
            configuration: clientConfiguration, serverName: "localhost", session: try XCTUnwrap(session, "the first handshake issued a ticket"))
        let server = try ServerConnection(configuration: serverConfiguration)
        var bytes = client.takeOutput()
        if let change {
            var hello = try BadInput.clientHello(fromOutput: bytes)
            XCTAssertNotNil(hello.extensions.preSharedKey, "the resuming ClientHello offers a PSK")
            try change(&hello)
            bytes = WireRecords.handshake(.clientHello(hello))
        }
        changeBytes(&bytes)
        return ConformanceScenario(connection: server, peer: client, input: { try server.receive(bytes) })
    }

    /// A client that has sent its ClientHello receiving `answer` to it from a hand-made server.
    ///
    /// The client offers `session` for resumption when given; with `retryingFor`, it has
    /// already answered a HelloRetryRequest asking for that group (`answer` still gets the
    /// first ClientHello, whose legacy_session_id the second one repeats).
    static func client(
        configuration adjust: (inout ClientConfiguration) -> Void = { _ in }, resuming session: ClientSession? = nil,
        retryingFor group: NamedGroup? = nil, answer: (ClientHello) throws -> [UInt8]
    ) throws -> ConformanceScenario {
        var configuration = BadInput.clientConfiguration()
        adjust(&configuration)
        let client = try ClientConnection(configuration: configuration, serverName: "localhost", session: session)
        let hello = try BadInput.clientHello(from: client)
        if let group {
            try client.receive(helloRetryRequest(answering: hello, group: group))
            _ = client.takeOutput()
        }
        let bytes = try answer(hello)
        return ConformanceScenario(connection: client, input: { try client.receive(bytes) })
    }

    /// A session for "localhost" with `suite`, received just now, that no server issued: a
    /// hand-made server can select it without knowing its PSK, as the client fails first.
    static func session(suite: CipherSuite = BadInput.suite) -> ClientSession {
        ClientSession(
            serverName: "localhost", cipherSuite: suite, psk: Array(repeating: 7, count: suite.hashLength), ticket: [1, 2, 3],
            lifetime: 3_600, ageAdd: 0, receivedAt: Date(), maximumEarlyDataSize: 0, applicationProtocol: nil)
    }

    /// A valid ServerHello answering `hello` with a share for `group` (X25519 unless told), after `change`.
    /// The share answers the client's share for `group` when it sent one (as a hybrid's must),
    /// and is a fresh public key otherwise.
    static func serverHello(
        answering hello: ClientHello, share group: NamedGroup = .x25519, _ change: (inout ServerHello) -> Void = { _ in }
    ) -> [UInt8] {
        let clientShare = hello.extensions.keyShares?.first { $0.group == group }
        let share = try! clientShare.map { try ServerKeyShare.respond(group: group, toClientShare: $0.keyExchange).keyExchange }
            ?? ClientKeyShare.generate(group: group).keyExchange
        var serverHello = ServerHello(
            random: Array(repeating: 0x42, count: 32), legacySessionIDEcho: hello.legacySessionID, cipherSuite: BadInput.suite,
            extensions: ServerHelloExtensions(supportedVersion: .tls13, keyShare: KeyShareEntry(group: group, keyExchange: share)))
        change(&serverHello)
        return WireRecords.handshake(.serverHello(serverHello))
    }

    /// A HelloRetryRequest answering `hello`, asking for `group`.
    static func helloRetryRequest(answering hello: ClientHello, group: NamedGroup?) -> [UInt8] {
        WireRecords.handshake(
            .serverHello(
                ServerHello(
                    random: ServerHello.helloRetryRequestRandom, legacySessionIDEcho: hello.legacySessionID, cipherSuite: BadInput.suite,
                    extensions: ServerHelloExtensions(supportedVersion: .tls13, selectedGroup: group))))
    }
}

// MARK: Under handshake keys

extension ConformanceScenario {
    /// A client receiving a real server's first flight; the server is the peer.
    ///
    /// `forging` rewrites the flight's protected handshake messages as a server holding the
    /// keys could (see `rewriteProtectedHandshake`); `resealing` replaces its protected records
    /// with records of its own (see `resealProtectedHandshake`); `tampering` changes its bytes.
    static func clientReceivingServerFlight(
        certified: CertifiedKey = BadInput.certified, trusting root: CertifiedKey? = nil, serverName: String = "localhost",
        limits: (inout ConnectionLimits) -> Void = { _ in }, tampering: (inout [UInt8]) -> Void = { _ in },
        forging forge: ((inout [[UInt8]]) throws -> Void)? = nil, resealing reseal: (([[UInt8]], inout TestCipher) throws -> [UInt8])? = nil
    ) throws -> ConformanceScenario {
        let secrets = KeyLogSecrets()
        var clientConfiguration = BadInput.clientConfiguration()
        clientConfiguration.trustRoots = .certificates([(root ?? certified).chain[0]])
        limits(&clientConfiguration.limits)
        var serverConfiguration = BadInput.serverConfiguration(keyLog: secrets)
        serverConfiguration.certificates = [certified]
        let pair = try ConnectionPair(clientConfiguration: clientConfiguration, serverConfiguration: serverConfiguration, serverName: serverName)
        try pair.server.receive(pair.client.takeOutput())
        var flight = pair.server.takeOutput()
        if let forge {
            flight = try rewriteProtectedHandshake(flight, secret: try secrets.key("SERVER_HANDSHAKE_TRAFFIC_SECRET"), forge)
        }
        if let reseal {
            flight = try resealProtectedHandshake(flight, secret: try secrets.key("SERVER_HANDSHAKE_TRAFFIC_SECRET"), reseal)
        }
        tampering(&flight)
        return ConformanceScenario(connection: pair.client, peer: pair.server, input: { [flight] in try pair.client.receive(flight) })
    }

    /// A server receiving a real client's second flight (Certificate when asked, Finished);
    /// the client, done with its handshake, is the peer.
    static func serverReceivingClientFlight(
        client adjustClient: (inout ClientConfiguration) -> Void = { _ in }, server adjustServer: (inout ServerConfiguration) -> Void
    ) throws -> ConformanceScenario {
        var clientConfiguration = BadInput.clientConfiguration()
        adjustClient(&clientConfiguration)
        var serverConfiguration = BadInput.serverConfiguration()
        adjustServer(&serverConfiguration)
        let pair = try ConnectionPair(clientConfiguration: clientConfiguration, serverConfiguration: serverConfiguration)
        try pair.server.receive(pair.client.takeOutput())
        try pair.client.receive(pair.server.takeOutput())
        let flight = pair.client.takeOutput()
        return ConformanceScenario(connection: pair.server, peer: pair.client, input: { try pair.server.receive(flight) })
    }
}

// MARK: Under application keys

extension ConformanceScenario {
    /// A server that completed its handshake receiving what `sending` returns: records the
    /// real client makes, or records sealed with `cipher` as the client would seal its next
    /// one (under CLIENT_TRAFFIC_SECRET_0, from sequence number 0). The client is the peer.
    /// With `peerCloses`, the real client's close_notify has already arrived.
    static func connectedServer(
        limits: (inout ConnectionLimits) -> Void = { _ in }, peerCloses: Bool = false,
        sending: (ClientConnection, inout TestCipher) throws -> [UInt8]
    ) throws -> ConformanceScenario {
        let secrets = KeyLogSecrets()
        var serverConfiguration = BadInput.serverConfiguration(keyLog: secrets)
        limits(&serverConfiguration.limits)
        let pair = try ConnectionPair(clientConfiguration: BadInput.clientConfiguration(), serverConfiguration: serverConfiguration)
        try pair.exchange()
        XCTAssertTrue(pair.client.isHandshakeComplete && pair.server.isHandshakeComplete)
        if peerCloses {
            pair.client.close()
            try pair.server.receive(pair.client.takeOutput())
        }
        var cipher = TestCipher(secret: try secrets.key("CLIENT_TRAFFIC_SECRET_0"))
        let bytes = try sending(pair.client, &cipher)
        return ConformanceScenario(connection: pair.server, peer: pair.client, input: { try pair.server.receive(bytes) })
    }

    /// A client that completed its handshake receiving what `sending` returns: records sealed
    /// with `cipher` as the server would seal its next one (under SERVER_TRAFFIC_SECRET_0, from
    /// sequence number 0: the server sends no tickets). The server is the peer.
    static func connectedClient(
        client adjust: (inout ClientConfiguration) -> Void = { _ in }, sending: (inout TestCipher) throws -> [UInt8]
    ) throws -> ConformanceScenario {
        let secrets = KeyLogSecrets()
        var clientConfiguration = BadInput.clientConfiguration()
        adjust(&clientConfiguration)
        let pair = try ConnectionPair(clientConfiguration: clientConfiguration, serverConfiguration: BadInput.serverConfiguration(keyLog: secrets))
        try pair.exchange()
        XCTAssertTrue(pair.client.isHandshakeComplete && pair.server.isHandshakeComplete)
        while pair.client.nextEvent() != nil {}
        var cipher = TestCipher(secret: try secrets.key("SERVER_TRAFFIC_SECRET_0"))
        let bytes = try sending(&cipher)
        return ConformanceScenario(connection: pair.client, peer: pair.server, input: { try pair.client.receive(bytes) })
    }
}

// MARK: Fixtures

extension ConformanceScenario {
    /// `der`, a certificate with a P-256 key, with the key's named curve relabelled as P-192
    /// (prime192v1, 1.2.840.10045.3.1.1): a certificate whose public key swift-certificates
    /// does not support. Its signature no longer verifies, but parsing fails before that.
    static func relabelledAsP192(_ der: [UInt8]) throws -> [UInt8] {
        // OBJECT IDENTIFIER 1.2.840.10045.3.1.7 (prime256v1); prime192v1 differs in the last byte.
        let prime256v1: [UInt8] = [0x06, 0x08, 0x2A, 0x86, 0x48, 0xCE, 0x3D, 0x03, 0x01, 0x07]
        let starts = der.indices.dropLast(prime256v1.count - 1).filter { der[$0..<($0 + prime256v1.count)].elementsEqual(prime256v1) }
        guard starts.count == 1, let start = starts.first else { throw FixtureError("expected one prime256v1 OID, found \(starts.count)") }
        var patched = der
        patched[start + prime256v1.count - 1] = 0x01
        return patched
    }
}

extension HandshakeMessage {
    /// EncryptedExtensions carrying only an extension of `type`, with a body that would be valid
    /// where that extension belongs.
    static func encryptedExtensions(carrying type: ExtensionType) -> HandshakeMessage {
        let bodies: [ExtensionType: [UInt8]] = [
            .keyShare: [0x00, 0x1D, 0x00, 0x20] + Array(repeating: 9, count: 32),
            .supportedVersions: [0x03, 0x04],
            .preSharedKey: [0x00, 0x00],
        ]
        return .encryptedExtensions(EncryptedExtensions(other: [RawExtension(type: type, data: bodies[type] ?? [])]))
    }
}

extension BadInput {
    /// The ClientHello in a client's first output.
    static func clientHello(fromOutput output: [UInt8]) throws -> ClientHello {
        let message = try firstMessage(of: output)
        guard case .clientHello(let hello) = message else { throw FixtureError("expected a ClientHello, got \(message.type)") }
        return hello
    }
}
