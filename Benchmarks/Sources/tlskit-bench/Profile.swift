import TLSKit

/// Exactly `iterations` TLSKit full handshakes without tickets, for a profiler (see the
/// README). Never inlined, so that `--toggle-collect='*profileFullHandshakes*'` can find it.
@inline(never)
func profileFullHandshakes(_ context: BenchContext, iterations: Int) throws {
    let server = context.tlskit.serverConfiguration(ticketCount: 0)
    let client = context.tlskit.clientConfiguration(sessionStore: StoreOnlySessionStore())
    for _ in 0..<iterations {
        _ = try TLSKitPair.handshake(client: client, server: server)
    }
}

/// Exactly `iterations` TLSKit resumptions as `tlskit_resumed_hs_psk_dhe` makes them (each
/// with a ticket from an earlier connection, one new ticket each), after one full handshake
/// that fills the client's store.
@inline(never)
func profileResumptions(_ context: BenchContext, iterations: Int) throws {
    let server = context.tlskit.serverConfiguration()
    var client = context.tlskit.clientConfiguration(sessionStore: InMemoryClientSessionStore())
    client.resumptionModes = [.pskWithKeyExchange]
    _ = try TLSKitPair.handshake(client: client, server: server)
    for _ in 0..<iterations {
        let pair = try TLSKitPair.handshake(client: client, server: server)
        guard pair.client.negotiatedParameters?.isResumed == true else {
            throw TLSKitPair.Failure(description: "expected a resumption")
        }
    }
}

/// Exactly `iterations` full handshakes over `EmbeddedChannel`s as `*nio_full_hs_x25519` makes
/// them (2 tickets, channels closed after each), with TLSKit's handlers or, with `reference`,
/// swift-nio-ssl's: what the NIO adapter and the harness add to the core's work.
@inline(never)
func profileNIOHandshakes(_ context: BenchContext, iterations: Int, reference: Bool) throws {
    let factory = reference ? try HandlerFactory.niossl(context.pki) : HandlerFactory.tlskit(context.tlskit)
    for _ in 0..<iterations {
        try factory.connect().close()
    }
}
