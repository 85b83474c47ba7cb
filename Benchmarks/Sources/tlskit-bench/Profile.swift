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
