import Crypto
import XCTest

@testable import TLSKit

extension ConformanceScenario {
    /// A server that sent its first flight receiving, in place of the client's second flight,
    /// what `sending` returns: records sealed with `cipher` as the client seals its next one
    /// (under CLIENT_HANDSHAKE_TRAFFIC_SECRET, from sequence number 0). The real client, which
    /// has read the server's flight, is the peer.
    static func serverAwaitingClientFlight(sending: (inout TestCipher) throws -> [UInt8]) throws -> ConformanceScenario {
        let secrets = KeyLogSecrets()
        let pair = try ConnectionPair(
            clientConfiguration: BadInput.clientConfiguration(), serverConfiguration: BadInput.serverConfiguration(keyLog: secrets))
        try pair.server.receive(pair.client.takeOutput())
        try pair.client.receive(pair.server.takeOutput())
        _ = pair.client.takeOutput()
        var cipher = TestCipher(secret: try secrets.key("CLIENT_HANDSHAKE_TRAFFIC_SECRET"))
        let bytes = try sending(&cipher)
        return ConformanceScenario(connection: pair.server, peer: pair.client, input: { try pair.server.receive(bytes) })
    }

    /// A server receiving a real client's ClientHello rewritten by `change` (the client's state
    /// rewritten with it, so the transcripts agree), with `extra` records in the same input, and
    /// then what `next` does: by default the rest of the handshake. The client is the peer.
    static func serverReceivingRewrittenHello(
        server adjustServer: (inout ServerConfiguration) -> Void = { _ in }, changing change: (inout ClientHello) -> Void,
        followedBy extra: [UInt8] = [], then next: @escaping (ClientConnection, ServerConnection) throws -> Void = completeHandshake
    ) throws -> ConformanceScenario {
        var serverConfiguration = BadInput.serverConfiguration()
        adjustServer(&serverConfiguration)
        let client = try ClientConnection(configuration: BadInput.clientConfiguration(), serverName: "localhost")
        let server = try ServerConnection(configuration: serverConfiguration)
        let hello = try client.rewritePendingHello(change)
        return ConformanceScenario(
            connection: server, peer: client,
            input: {
                try server.receive(hello + extra)
                try next(client, server)
            })
    }

    /// Moves the flights of a handshake the server has begun until neither side has more to say.
    static func completeHandshake(_ client: ClientConnection, _ server: ServerConnection) throws {
        for _ in 0..<4 {
            let fromServer = server.takeOutput()
            if !fromServer.isEmpty { try client.receive(fromServer) }
            let fromClient = client.takeOutput()
            guard !fromClient.isEmpty else { return }
            try server.receive(fromClient)
        }
    }
}

/// 0-RTT records as a client sends them: application_data sealed under keys the server does not have.
func earlyDataRecords(_ sizes: Int...) throws -> [UInt8] {
    var cipher = TestCipher(secret: SymmetricKey(size: .bits128))
    return try sizes.flatMap { try cipher.seal(.applicationData, Array(repeating: 0x30, count: $0)) }
}

extension ClientConnection {
    /// Rewrites the ClientHello this client is about to send with `change` (TLSKit's client never
    /// sends early_data, for one), and its state with it so that the transcripts still agree.
    /// Returns the new ClientHello in plaintext records.
    func rewritePendingHello(_ change: (inout ClientHello) -> Void) throws -> [UInt8] {
        _ = takeOutput()
        guard case .expectServerHello(let state) = machine else { throw FixtureError("the client is not waiting for a ServerHello") }
        var hello = state.hello
        change(&hello)
        let attached = state.offer?.attach(to: &hello, prefix: nil, now: state.configuration.time.now)
        let bytes = attached?.message ?? HandshakeMessage.clientHello(hello).encoded()
        machine = .expectServerHello(
            ClientHandshake.ExpectServerHello(
                sharedConfiguration: state.sharedConfiguration, serverName: state.serverName, hello: hello, helloBytes: bytes,
                offeredTranscript: attached?.transcript, keys: state.keys, offer: state.offer, retry: nil))
        return stride(from: 0, to: bytes.count, by: TLSRecord.maximumPlaintextLength).flatMap { start in
            WireRecords.record(.handshake, Array(bytes[start..<min(start + TLSRecord.maximumPlaintextLength, bytes.count)]))
        }
    }
}

extension ConformanceTableTests {
    /// Fills `hello`'s extension block to its 65,535-byte maximum with signature schemes in the
    /// list at `keyPath`, after the schemes it already has; `signature_algorithms` keeps one
    /// scheme the server signs with, so that the other list has the room. Both lists cannot be
    /// that long at once: together they would pass the block's 2^16-1 bytes. Returns the list's
    /// length.
    @discardableResult
    static func fillExtensionBlock(_ hello: inout ClientHello, _ keyPath: WritableKeyPath<ClientHelloExtensions, [SignatureScheme]?>) -> Int {
        hello.extensions.signatureAlgorithms = [.ecdsa_secp256r1_sha256]
        let listed = hello.extensions[keyPath: keyPath] ?? []
        hello.extensions[keyPath: keyPath] = listed
        let used = hello.extensions.rawExtensions.reduce(0) { $0 + 4 + $1.data.count }
        // Private-use code points (0xFE00 to 0xFFFF) fill the rest.
        let filler = (0..<(65_535 - used) / 2).map { SignatureScheme(rawValue: 0xFE00 + UInt16($0 % 0x0200)) }
        hello.extensions[keyPath: keyPath] = listed + filler
        return listed.count + filler.count
    }
}
