@_spi(Fuzzing) import TLSKit

/// The four connection targets: a client or a server under test, fed the input as its peer's
/// records, during the handshake or after it. Byte 0 of the input chooses the ``Scenario``.
public enum ConnectionFuzzing {
    public enum Role {
        case client
        case server

        /// The NSS key log prefix of the peer's write secrets.
        var peerSecretPrefix: String { self == .server ? "CLIENT" : "SERVER" }
    }

    /// A connection during its handshake. When bit 0 of byte 1 is set, its real peer's first
    /// flight comes first (ClientHello, or ServerHello, with a HelloRetryRequest round if the
    /// scenario makes one) and the chunks that follow are protected under the peer's
    /// handshake keys; otherwise the chunks are the peer's whole side, hello included.
    public static func duringHandshake(_ role: Role, _ input: inout FuzzInput) {
        let scenario = Scenario(input.byte())
        let validStart = input.byte() & 1 != 0
        let keyLog = KeyLog()
        let connection: TLSConnection
        switch role {
        case .server:
            let server = scenario.makeServer(keyLog: keyLog)
            if validStart {
                expect("the start of the handshake") { try Exchange.startServer(server, keyLog: keyLog, with: scenario.makeClient(keyLog: nil)) }
            }
            connection = server
        case .client:
            let client = scenario.makeClient(keyLog: keyLog)
            if validStart {
                expect("the start of the handshake") { try Exchange.startClient(client, keyLog: keyLog, with: scenario.makeServer(keyLog: nil)) }
            }
            connection = client
        }
        feed(connection, role, &input, keyLog: keyLog, label: "\(role.peerSecretPrefix)_HANDSHAKE_TRAFFIC_SECRET", suite: scenario.suite)
    }

    /// A connection after a complete handshake with its real peer (a server peer sends no
    /// tickets, so the input decides what arrives): the chunks are the peer's records under
    /// its application traffic keys, mixed with the application's calls.
    public static func afterHandshake(_ role: Role, _ input: inout FuzzInput) {
        let scenario = Scenario(input.byte())
        let keyLog = KeyLog()
        let client = scenario.makeClient(keyLog: role == .client ? keyLog : nil)
        let server = scenario.makeServer(keyLog: role == .server ? keyLog : nil)
        if role == .client { expect("no tickets") { try server.setTicketCount(0) } }
        expect("the handshake") { try Exchange.run(client, server) }
        let connection: TLSConnection = role == .server ? server : client
        feed(connection, role, &input, keyLog: keyLog, label: "\(role.peerSecretPrefix)_TRAFFIC_SECRET_0", suite: scenario.suite)
    }

    private static func feed(_ connection: TLSConnection, _ role: Role, _ input: inout FuzzInput, keyLog: KeyLog, label: String, suite: CipherSuite) {
        var feeder = Feeder(connection, keyLog: keyLog, label: label, suite: suite)
        switch connection {
        case let server as ServerConnection: feeder.feedAll(&input) { try Calls.server(server, $0) }
        case let client as ClientConnection: feeder.feedAll(&input) { try Calls.client(client, $0) }
        default: preconditionFailure("a connection is a client or a server")
        }
    }
}
