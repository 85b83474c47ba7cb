@_spi(Fuzzing) import TLSKit

/// Moves bytes between a real client and a real server in memory.
public enum Exchange {
    /// Runs the handshake to the end: bytes go both ways until neither side has any to send.
    public static func run(_ client: ClientConnection, _ server: ServerConnection) throws {
        for _ in 0..<10 {
            let fromClient = client.takeOutput()
            if !fromClient.isEmpty { try server.receive(fromClient) }
            let fromServer = server.takeOutput()
            if !fromServer.isEmpty { try client.receive(fromServer) }
            if fromClient.isEmpty && fromServer.isEmpty { break }
        }
        precondition(client.isHandshakeComplete && server.isHandshakeComplete, "the in-memory handshake did not complete")
    }

    /// Brings `server` to the point where it has answered the client's last ClientHello and
    /// installed the client's handshake keys (after a HelloRetryRequest if there is one).
    /// The server's flight stays undelivered.
    public static func startServer(_ server: ServerConnection, keyLog: KeyLog, with client: ClientConnection) throws {
        for _ in 0..<3 {
            try server.receive(client.takeOutput())
            if keyLog["CLIENT_HANDSHAKE_TRAFFIC_SECRET"] != nil { return }
            try client.receive(server.takeOutput())
        }
        preconditionFailure("the server did not reach its handshake keys")
    }

    /// Brings `client` to the point where it has taken the server's ServerHello and installed
    /// the server's handshake keys (after a HelloRetryRequest if there is one). The encrypted
    /// part of the server's flight stays undelivered.
    public static func startClient(_ client: ClientConnection, keyLog: KeyLog, with server: ServerConnection) throws {
        for _ in 0..<3 {
            try server.receive(client.takeOutput())
            try client.receive(plaintextRecords(server.takeOutput()))
            if keyLog["SERVER_HANDSHAKE_TRAFFIC_SECRET"] != nil { return }
        }
        preconditionFailure("the client did not reach its handshake keys")
    }

    /// The records of `bytes` before the first protected one.
    static func plaintextRecords(_ bytes: [UInt8]) -> [UInt8] {
        guard let (records, _) = FuzzEntryPoints.deframe([bytes[...]]) else { preconditionFailure("the server sent a malformed record") }
        var output: [UInt8] = []
        for record in records {
            if record.contentType == 23 { break }
            output += recordHeader(type: record.contentType, length: record.fragment.count) + record.fragment
        }
        return output
    }

    /// A TLSPlaintext header with legacy_record_version 0x0303.
    static func recordHeader(type: UInt8, length: Int) -> [UInt8] {
        [type, 0x03, 0x03, UInt8(truncatingIfNeeded: length >> 8), UInt8(truncatingIfNeeded: length)]
    }
}
