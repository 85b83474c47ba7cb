/// The server end of a TLS 1.3 connection (the equivalent of an OpenSSL `SSL` in server mode).
public final class ServerConnection: TLSConnection {
    /// The configuration this connection was made with.
    public let configuration: ServerConfiguration

    /// A server connection waiting for a ClientHello.
    public init(configuration: ServerConfiguration) throws {
        try configuration.validate()
        self.configuration = configuration
        super.init(
            machine: .server(ServerHandshakeState(configuration: configuration)),
            maximumHandshakeMessageSize: configuration.maximumHandshakeMessageSize, keyLog: configuration.keyLog)
    }
}
