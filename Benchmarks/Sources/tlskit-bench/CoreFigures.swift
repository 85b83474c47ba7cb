import TLSKit

/// Figures for the sans-I/O core: client and server connections in one thread, bytes
/// handed between them in memory.
enum CoreFigures {
    /// New connections each time, full handshake; with tickets, the client stores them.
    static func fullHandshakes(_ context: BenchContext, ticketCount: Int) throws -> Rounds {
        let server = context.tlskit.serverConfiguration(ticketCount: ticketCount)
        let client = context.tlskit.clientConfiguration(sessionStore: StoreOnlySessionStore())
        return Rounds.rate { nanoseconds in
            try Budget.iterationsPerSecond(for: nanoseconds) {
                let pair = try TLSKitPair.handshake(client: client, server: server)
                guard pair.client.receivedTicketCount == ticketCount, pair.client.negotiatedParameters?.isResumed == false,
                    pair.client.negotiatedParameters?.group == context.tlskit.group
                else {
                    throw TLSKitPair.Failure(description: "expected a full handshake over \(context.tlskit.group) and \(ticketCount) tickets")
                }
            }
        }
    }

    /// The bytes each side sends in one full handshake over `group` (2 tickets): every record,
    /// headers included, as it would go on the wire.
    static func wireBytes(_ context: BenchContext, group: NamedGroup) throws -> [Double] {
        let context = context.using(group: group)
        let pair = try TLSKitPair.handshake(
            client: context.tlskit.clientConfiguration(sessionStore: StoreOnlySessionStore()),
            server: context.tlskit.serverConfiguration())
        guard pair.client.negotiatedParameters?.group == group else {
            throw TLSKitPair.Failure(description: "the handshake did not agree on \(group)")
        }
        return [Double(pair.clientBytesSent), Double(pair.serverBytesSent)]
    }

    /// The default full handshake (2 tickets), counting only the time inside each side's calls.
    /// Each round gives hs/s for the server side and the client side.
    static func fullHandshakeSides(_ context: BenchContext) -> Rounds {
        let server = context.tlskit.serverConfiguration()
        let client = context.tlskit.clientConfiguration(sessionStore: StoreOnlySessionStore())
        return Rounds.sides { times in _ = try TLSKitPair.handshake(client: client, server: server, meter: &times) }
    }

    /// Each connection resumes (psk_dhe_ke) with a ticket from an earlier one and receives
    /// one new ticket, so the client's store never runs dry.
    static func resumedHandshakes(_ context: BenchContext) throws -> Rounds {
        let server = context.tlskit.serverConfiguration()
        var client = context.tlskit.clientConfiguration(sessionStore: InMemoryClientSessionStore())
        client.resumptionModes = [.pskWithKeyExchange]
        // A full handshake first fills the store with two tickets.
        _ = try TLSKitPair.handshake(client: client, server: server)
        return Rounds.rate { nanoseconds in
            try Budget.iterationsPerSecond(for: nanoseconds) {
                let pair = try TLSKitPair.handshake(client: client, server: server)
                guard pair.client.negotiatedParameters?.isResumed == true, pair.client.receivedTicketCount == 1 else {
                    throw TLSKitPair.Failure(description: "expected a resumption and one new ticket")
                }
            }
        }
    }

    /// Resumptions as `resumedHandshakes` makes them, each also carrying 1 KiB of early data
    /// (0-RTT) that the server accepts and reads: the client's ClientHello is followed by the
    /// early records and, after the server's flight, by EndOfEarlyData under the early key.
    static func zeroRTTResumptions(_ context: BenchContext) throws -> Rounds {
        let replayGuard = BenchReplayGuard()
        var server = context.tlskit.serverConfiguration()
        server.maximumEarlyDataSize = UInt32(ZeroRTT.earlyData.count)
        server.earlyDataReplayGuard = replayGuard
        var client = context.tlskit.clientConfiguration(sessionStore: InMemoryClientSessionStore())
        client.resumptionModes = [.pskWithKeyExchange]
        // A full handshake first fills the store with two tickets that allow early data; each
        // connection takes the newest (and removes it) and receives one new one.
        _ = try TLSKitPair.handshake(client: client, server: server)
        // Once outside the timed loop: the early data is really sent, accepted and read.
        let first = try TLSKitPair.handshake(client: client, server: server, earlyData: ZeroRTT.earlyData, replayGuard: replayGuard)
        guard first.client.negotiatedParameters?.isResumed == true, first.client.isEarlyDataAccepted == true,
            first.server.earlyDataStatus == .accepted, first.earlyBytesRead == ZeroRTT.earlyData.count
        else {
            throw TLSKitPair.Failure(
                description: "expected \(ZeroRTT.earlyData.count) bytes of early data accepted and read, "
                    + "got \(first.earlyBytesRead) (client: \(first.client.earlyDataStatus))")
        }
        return Rounds.rate { nanoseconds in
            try Budget.iterationsPerSecond(for: nanoseconds) {
                let pair = try TLSKitPair.handshake(client: client, server: server, earlyData: ZeroRTT.earlyData, replayGuard: replayGuard)
                guard pair.earlyBytesRead == ZeroRTT.earlyData.count, pair.client.receivedTicketCount == 1 else {
                    throw TLSKitPair.Failure(description: "expected accepted early data and one new ticket")
                }
            }
        }
    }

    /// MB/s of the client writing 64 × 16 KiB and the server reading them, on one connection.
    static func bulk(_ context: BenchContext, suite: CipherSuite) throws -> Rounds {
        let pair = try TLSKitPair.handshake(
            client: context.tlskit.clientConfiguration(suite: suite, sessionStore: nil),
            server: context.tlskit.serverConfiguration(suite: suite))
        guard pair.client.negotiatedParameters?.cipherSuite == suite else {
            throw TLSKitPair.Failure(description: "the handshake did not agree on \(suite)")
        }
        let chunk = Bulk.chunk
        return Rounds.rate { nanoseconds in
            try Budget.iterationsPerSecond(for: nanoseconds) {
                try pair.transfer(chunk, count: Bulk.recordsPerIteration)
            }
        }.map { Bulk.megabytesPerSecond(iterations: $0) }
    }
}
