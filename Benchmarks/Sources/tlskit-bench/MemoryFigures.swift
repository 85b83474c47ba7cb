import TLSKit

/// Memory held by established, idle connections.
enum MemoryFigures {
    struct PerConnection {
        var residentBytes: Double
        var heapBytes: Double

        /// As the figures give them: resident bytes, then heap bytes.
        var values: [Double] { [residentBytes, heapBytes] }
    }

    /// Establishes `--connections` pairs with the default set-up (2 tickets, which the client
    /// reads but does not store) and keeps the server connections, and the client ones too
    /// when `keepClients` is set. Returns the growth divided by the connection count.
    static func idleConnections(_ context: BenchContext, keepClients: Bool) throws -> PerConnection {
        let count = context.options.connections
        let server = context.tlskit.serverConfiguration()
        let client = context.tlskit.clientConfiguration(sessionStore: nil)
        _ = try TLSKitPair.handshake(client: client, server: server)
        var servers: [ServerConnection] = []
        var clients: [ClientConnection] = []
        servers.reserveCapacity(count)
        clients.reserveCapacity(keepClients ? count : 0)

        let before = try ProcessMemory.snapshot()
        for _ in 0..<count {
            let pair = try TLSKitPair.handshake(client: client, server: server)
            servers.append(pair.server)
            if keepClients { clients.append(pair.client) }
        }
        let after = try ProcessMemory.snapshot()
        withExtendedLifetime((servers, clients)) {}
        return PerConnection(
            residentBytes: Double(after.residentBytes - before.residentBytes) / Double(count),
            heapBytes: Double(after.heapBytes - before.heapBytes) / Double(count))
    }
}
