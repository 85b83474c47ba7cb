/// What every figure shares: the options, the time budget and the set-up.
struct BenchContext {
    let options: Options
    let budget: Budget
    let pki: PKI
    let tlskit: TLSKitSetup
}

/// A measurement that produces one or more figures.
struct Benchmark {
    /// The names and units of the figures it produces, in output order.
    let figures: [(name: String, unit: String)]
    /// Measures and returns one value per figure, in the same order.
    let measure: (BenchContext) throws -> [Double]

    init(_ name: String, _ unit: String, _ measure: @escaping (BenchContext) throws -> Double) {
        self.figures = [(name, unit)]
        self.measure = { [try measure($0)] }
    }

    init(figures: [(name: String, unit: String)], measure: @escaping (BenchContext) throws -> [Double]) {
        self.figures = figures
        self.measure = measure
    }
}

extension Benchmark {
    /// Every figure, in the order they are printed.
    static let all: [Benchmark] = [
        Benchmark("tlskit_full_hs_notickets", "hs/s") { try CoreFigures.fullHandshakes($0, ticketCount: 0) },
        Benchmark("tlskit_full_hs_x25519", "hs/s") { try CoreFigures.fullHandshakes($0, ticketCount: 2) },
        Benchmark(figures: [("tlskit_full_hs_x25519_server_side", "hs/s"), ("tlskit_full_hs_x25519_client_side", "hs/s")]) {
            let sides = try CoreFigures.fullHandshakeSides($0)
            return [sides.server, sides.client]
        },
        Benchmark("tlskit_resumed_hs_psk_dhe", "hs/s", CoreFigures.resumedHandshakes),
        Benchmark("tlskit_bulk_aes128gcm_16k", "MB/s") { try CoreFigures.bulk($0, suite: .TLS_AES_128_GCM_SHA256) },
        Benchmark("tlskit_bulk_chacha20poly1305_16k", "MB/s") { try CoreFigures.bulk($0, suite: .TLS_CHACHA20_POLY1305_SHA256) },
        Benchmark(figures: [("tlskit_mem_server_rss_per_conn", "bytes"), ("tlskit_mem_server_heap_per_conn", "bytes")]) {
            let memory = try MemoryFigures.idleConnections($0, keepClients: false)
            return [memory.residentBytes, memory.heapBytes]
        },
        Benchmark(figures: [("tlskit_mem_pair_rss_per_conn", "bytes"), ("tlskit_mem_pair_heap_per_conn", "bytes")]) {
            let memory = try MemoryFigures.idleConnections($0, keepClients: true)
            return [memory.residentBytes, memory.heapBytes]
        },
        Benchmark("tlskitnio_full_hs_x25519", "hs/s") { try NIOFigures.fullHandshakes($0, .tlskit($0.tlskit)) },
        Benchmark(figures: [("tlskitnio_full_hs_x25519_server_side", "hs/s"), ("tlskitnio_full_hs_x25519_client_side", "hs/s")]) {
            let sides = try NIOFigures.fullHandshakeSides($0, .tlskit($0.tlskit))
            return [sides.server, sides.client]
        },
        Benchmark("niossl_full_hs_x25519", "hs/s") { try NIOFigures.fullHandshakes($0, .niossl($0.pki)) },
        Benchmark(figures: [("niossl_full_hs_x25519_server_side", "hs/s"), ("niossl_full_hs_x25519_client_side", "hs/s")]) {
            let sides = try NIOFigures.fullHandshakeSides($0, .niossl($0.pki))
            return [sides.server, sides.client]
        },
        Benchmark("tlskitnio_bulk_aes128gcm_16k", "MB/s") { try NIOFigures.bulk($0, .tlskit($0.tlskit)) },
        Benchmark("niossl_bulk_aes128gcm_16k", "MB/s") { try NIOFigures.bulk($0, .niossl($0.pki)) },
        Benchmark("openssl_full_hs_notickets", "hs/s") { try OpenSSLFigures.fullHandshakes($0, ticketCount: 0) },
        Benchmark("openssl_full_hs_x25519", "hs/s") { try OpenSSLFigures.fullHandshakes($0, ticketCount: 2) },
        Benchmark("openssl_resumed_hs_psk_dhe", "hs/s", OpenSSLFigures.resumedHandshakes),
        Benchmark("openssl_bulk_aes128gcm_16k", "MB/s", OpenSSLFigures.bulk),
        Benchmark("limit_full_hs", "hs/s", LimitFigures.fullHandshake),
        Benchmark("limit_resumed_hs", "hs/s", LimitFigures.resumedHandshake),
        Benchmark("limit_bulk_aes128gcm_16k", "MB/s", LimitFigures.bulkAES128GCM),
    ]
}
