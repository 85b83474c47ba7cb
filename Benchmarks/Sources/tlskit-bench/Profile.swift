import TLSKit

/// Exactly `iterations` TLSKit full handshakes without tickets, for a profiler. Its name is
/// what `valgrind --tool=callgrind --toggle-collect='*profileFullHandshakes*'` looks for, so
/// that set-up (certificates, configurations) stays out of the profile.
@inline(never)
func profileFullHandshakes(_ context: BenchContext, iterations: Int) throws {
    let server = context.tlskit.serverConfiguration(ticketCount: 0)
    let client = context.tlskit.clientConfiguration(sessionStore: StoreOnlySessionStore())
    for _ in 0..<iterations {
        _ = try TLSKitPair.handshake(client: client, server: server)
    }
}
