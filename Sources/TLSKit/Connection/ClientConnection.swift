/// The client end of a TLS 1.3 connection (the equivalent of an OpenSSL `SSL` in client mode).
public final class ClientConnection: TLSConnection {
    /// The configuration this connection was made with.
    public let configuration: ClientConfiguration
    /// The name the server's certificate is checked against and sent in SNI (unless it is an address).
    public let serverName: String?

    /// A client connection whose ClientHello is already waiting in ``TLSConnection/takeOutput()``.
    public init(configuration: ClientConfiguration, serverName: String?) throws {
        self.configuration = configuration
        self.serverName = serverName
        var output = HandshakeOutput()
        let state = try ClientHandshakeState.start(configuration: configuration, serverName: serverName, output: &output)
        super.init(
            machine: .client(state), maximumHandshakeMessageSize: configuration.maximumHandshakeMessageSize,
            keyLog: configuration.keyLog)
        try step { _, pending in pending = output }
    }
}
