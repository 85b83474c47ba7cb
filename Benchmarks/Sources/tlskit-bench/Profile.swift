import TLSKit

/// Exactly `iterations` TLSKit full handshakes without tickets, for a profiler (see the
/// README). Never inlined, so that `--toggle-collect='*profileFullHandshakes*'` can find it.
@inline(never)
func profileFullHandshakes(_ context: BenchContext, iterations: Int) throws {
    let server = context.tlskit.serverConfiguration(ticketCount: 0)
    let client = context.tlskit.clientConfiguration(sessionStore: StoreOnlySessionStore())
    var meter = ProfiledSides()
    for _ in 0..<iterations {
        _ = try TLSKitPair.handshake(client: client, server: server, meter: &meter)
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
    var meter = ProfiledSides()
    _ = try TLSKitPair.handshake(client: client, server: server, meter: &meter)
    for _ in 0..<iterations {
        let pair = try TLSKitPair.handshake(client: client, server: server, meter: &meter)
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
    var meter = ProfiledSides()
    for _ in 0..<iterations {
        try EmbeddedPair.connect(factory, meter: &meter).close()
    }
}

/// Runs each side's calls inside a function of its own, never inlined, so that a profiler can
/// count one side alone (`--toggle-collect='*profiledServerSide*'`) with the calls attributed
/// exactly as the `_server_side` and `_client_side` figures time them.
struct ProfiledSides: SideMeter {
    mutating func client<T>(_ body: () throws -> T) rethrows -> T { try profiledClientSide(body) }
    mutating func server<T>(_ body: () throws -> T) rethrows -> T { try profiledServerSide(body) }
}

@inline(never)
func profiledClientSide<T>(_ body: () throws -> T) rethrows -> T { try body() }

@inline(never)
func profiledServerSide<T>(_ body: () throws -> T) rethrows -> T { try body() }
