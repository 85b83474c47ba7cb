import TLSKit

/// A TLSKit client and server in one thread, bytes handed between them in memory.
struct TLSKitPair {
    let client: ClientConnection
    let server: ServerConnection
    /// What each side sent during the handshake (records, headers included).
    var clientBytesSent = 0
    var serverBytesSent = 0
    /// The early data (0-RTT) the server read during the handshake, in bytes.
    var earlyBytesRead = 0

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// New connections on both sides and a complete handshake: ClientHello, the server's
    /// flight, the client's Finished, and the tickets (if any) read by the client. Every call
    /// is attributed to its side through `meter`; events are taken as an application would.
    ///
    /// With `earlyData`, the client sends it as 0-RTT with the session its store offers; the
    /// server, paused for the replay check, is answered by `replayGuard` and reads the early
    /// data it accepts (counted in `earlyBytesRead`).
    static func handshake<Meter: SideMeter>(
        client clientConfiguration: ClientConfiguration, server serverConfiguration: ServerConfiguration,
        earlyData: [UInt8]? = nil, replayGuard: BenchReplayGuard? = nil, meter: inout Meter
    ) throws -> TLSKitPair {
        let client = try meter.client {
            try ClientConnection(configuration: clientConfiguration, serverName: PKI.serverName, earlyData: earlyData)
        }
        let server = try meter.server { try ServerConnection(configuration: serverConfiguration) }
        var fromClient = meter.client { client.takeOutput() }
        var sent = (client: 0, server: 0)
        var earlyBytesRead = 0
        // Two round trips at most: hello → flight, Finished → tickets.
        for _ in 0..<4 where !fromClient.isEmpty {
            sent.client += fromClient.count
            let fromServer = try meter.server {
                try server.receive(fromClient)
                if let attempt = server.pendingEarlyDataReplayCheck {
                    guard let replayGuard else { throw Failure(description: "a replay check with no guard to answer it") }
                    try server.resumeEarlyDataReplayCheck(replayGuard.checkAndRecord(attempt))
                }
                while server.nextEvent() != nil {}
                while let early = server.readEarlyData() { earlyBytesRead += early.count }
                return server.takeOutput()
            }
            sent.server += fromServer.count
            if fromServer.isEmpty { break }
            fromClient = try meter.client {
                try client.receive(fromServer)
                while client.nextEvent() != nil {}
                return client.takeOutput()
            }
        }
        guard client.isHandshakeComplete, server.isHandshakeComplete else {
            throw Failure(description: "the in-memory handshake did not complete")
        }
        return TLSKitPair(
            client: client, server: server, clientBytesSent: sent.client, serverBytesSent: sent.server, earlyBytesRead: earlyBytesRead)
    }

    static func handshake(
        client: ClientConfiguration, server: ServerConfiguration, earlyData: [UInt8]? = nil, replayGuard: BenchReplayGuard? = nil
    ) throws -> TLSKitPair {
        var meter = Unmetered()
        return try handshake(client: client, server: server, earlyData: earlyData, replayGuard: replayGuard, meter: &meter)
    }

    /// The client writes `count` × `chunk`; the server receives and reads each one.
    func transfer(_ chunk: [UInt8], count: Int) throws {
        for _ in 0..<count {
            try client.write(chunk)
            try server.receive(client.takeOutput())
            guard server.readApplicationData()?.count == chunk.count else {
                throw Failure(description: "the server did not read back what the client wrote")
            }
        }
    }
}
