import Foundation
@_spi(Fuzzing) import TLSKit

/// A pair of configurations chosen by one input byte, so one target covers the main ways a
/// handshake can go: each suite, client authentication, HelloRetryRequest, ALPN,
/// post-handshake authentication, resumption and chain verification.
public struct Scenario: Hashable {
    public let suite: CipherSuite
    /// The server requires a client certificate during the handshake.
    public let requiresClientCertificate: Bool
    /// The server accepts secp256r1 only, so the client's x25519 share costs a HelloRetryRequest.
    public let helloRetry: Bool
    /// Both sides offer ALPN.
    public let applicationProtocols: Bool
    /// The client offers post-handshake authentication and has a certificate.
    public let postHandshakeAuthentication: Bool
    /// The client offers a ticket from an earlier connection.
    public let resumption: Bool
    /// The client verifies the server's chain and name (otherwise it accepts any certificate).
    public let verifiesServer: Bool

    public init(_ byte: UInt8) {
        suite = CipherSuite.supported[Int(byte & 3) % CipherSuite.supported.count]
        requiresClientCertificate = byte & 0x04 != 0
        helloRetry = byte & 0x08 != 0
        applicationProtocols = byte & 0x10 != 0
        postHandshakeAuthentication = byte & 0x20 != 0
        resumption = byte & 0x40 != 0
        verifiesServer = byte & 0x80 != 0
    }

    public static let serverName = "localhost"

    public func serverConfiguration(keyLog: KeyLog?) -> ServerConfiguration {
        var configuration = ServerConfiguration(certificate: Fixtures.serverCertificate)
        configuration.cipherSuites = [suite]
        if helloRetry { configuration.groups = [.secp256r1] }
        if applicationProtocols { configuration.applicationProtocols = ["h2", "http/1.1"] }
        if requiresClientCertificate {
            configuration.clientAuthentication = .required(trustRoots: .certificates([Fixtures.clientCertificate.chain[0]]))
        } else if postHandshakeAuthentication {
            configuration.clientAuthentication = .optional(trustRoots: .certificates([Fixtures.clientCertificate.chain[0]]))
        }
        configuration.ticketProtection = .stateless(Fixtures.ticketKeys)
        configuration.ticketCount = 1
        configuration.keyLog = keyLog?.callback
        configuration.random = Fixtures.random
        configuration.time = Fixtures.time
        return configuration
    }

    public func clientConfiguration(keyLog: KeyLog?) -> ClientConfiguration {
        var configuration = ClientConfiguration()
        if verifiesServer {
            configuration.trustRoots = .certificates([Fixtures.serverCertificate.chain[0]])
        } else {
            configuration.certificateVerification = .insecureNoVerification
        }
        if applicationProtocols { configuration.applicationProtocols = ["http/1.1", "h2"] }
        if requiresClientCertificate || postHandshakeAuthentication { configuration.certificate = Fixtures.clientCertificate }
        configuration.offersPostHandshakeAuthentication = postHandshakeAuthentication
        configuration.sessionStore = nil
        configuration.keyLog = keyLog?.callback
        configuration.random = Fixtures.random
        configuration.time = Fixtures.time
        return configuration
    }

    /// A new client for this scenario, with a session to offer when ``resumption`` is set.
    public func makeClient(keyLog: KeyLog?) -> ClientConnection {
        let session = resumption ? Self.session(for: suite) : nil
        return expect("client") {
            try ClientConnection(configuration: clientConfiguration(keyLog: keyLog), serverName: Self.serverName, session: session)
        }
    }

    public func makeServer(keyLog: KeyLog?) -> ServerConnection {
        expect("server") { try ServerConnection(configuration: serverConfiguration(keyLog: keyLog)) }
    }

    private static var sessions: [CipherSuite: ClientSession] = [:]

    /// A session for `suite` from a full handshake made the first time it is needed.
    static func session(for suite: CipherSuite) -> ClientSession {
        if let session = sessions[suite] { return session }
        let plain = Scenario(UInt8(CipherSuite.supported.firstIndex(of: suite)!))
        let client = plain.makeClient(keyLog: nil)
        let server = plain.makeServer(keyLog: nil)
        expect("handshake for a session") { try Exchange.run(client, server) }
        while let event = client.nextEvent() {
            if case .sessionTicketReceived(let session) = event {
                sessions[suite] = session
                return session
            }
        }
        fatalError("the server sent no ticket")
    }
}

/// Runs `body`, stopping the process if it throws: a failure in a target's setup is a bug.
public func expect<T>(_ what: String, _ body: () throws -> T) -> T {
    do {
        return try body()
    } catch {
        fatalError("\(what) failed: \(error)")
    }
}
