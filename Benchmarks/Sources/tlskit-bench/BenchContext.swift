import TLSKit

/// What every figure shares: the options, the time budget and the set-up.
struct BenchContext {
    let options: Options
    let budget: Budget
    let pki: PKI
    var tlskit: TLSKitSetup

    /// The same context with both TLSKit sides offering only `group`.
    func using(group: NamedGroup) -> BenchContext {
        var context = self
        context.tlskit.group = group
        return context
    }

    /// The same context with TLSKit's record layer on `provider`.
    func using(_ provider: CryptoProvider) -> BenchContext {
        var context = self
        context.tlskit.provider = provider
        return context
    }
}

/// What a benchmark gives once it is set up: values measured at once (sizes, memory), or
/// rounds for ``Schedule`` to time.
enum Measurement {
    case values([Double])
    case rounds(Rounds)
}

/// A measurement that produces one or more figures.
struct Benchmark {
    /// The names and units of the figures it produces, in output order.
    let figures: [(name: String, unit: String)]
    /// Sets up and returns one value per figure, or the rounds that measure them.
    let prepare: (BenchContext) throws -> Measurement

    /// A timed figure, or several a round measures together.
    init(figures: [(name: String, unit: String)], rounds: @escaping (BenchContext) throws -> Rounds) {
        self.figures = figures
        self.prepare = { .rounds(try rounds($0)) }
    }

    init(_ name: String, _ unit: String, _ rounds: @escaping (BenchContext) throws -> Rounds) {
        self.init(figures: [(name, unit)], rounds: rounds)
    }

    /// Figures measured once, not timed.
    init(figures: [(name: String, unit: String)], values: @escaping (BenchContext) throws -> [Double]) {
        self.figures = figures
        self.prepare = { .values(try values($0)) }
    }

    private init(figures: [(name: String, unit: String)], prepare: @escaping (BenchContext) throws -> Measurement) {
        self.figures = figures
        self.prepare = prepare
    }
}

extension Benchmark {
    /// Every figure, in the order they are printed.
    static let all: [Benchmark] = tlskit(core: "tlskit", nio: "tlskitnio", provider: .swiftCrypto) + [
        Benchmark("niossl_full_hs_x25519", "hs/s") { try NIOFigures.fullHandshakes($0, .niossl($0.pki)) },
        Benchmark(figures: [("niossl_full_hs_x25519_server_side", "hs/s"), ("niossl_full_hs_x25519_client_side", "hs/s")]) {
            try NIOFigures.fullHandshakeSides($0, .niossl($0.pki))
        },
        Benchmark("niossl_full_hs_x25519mlkem768", "hs/s") {
            try NIOFigures.fullHandshakes($0, .niossl($0.pki, group: .X25519MLKEM768))
        },
        Benchmark("niossl_bulk_aes128gcm_16k", "MB/s") { try NIOFigures.bulk($0, .niossl($0.pki)) },
        Benchmark("nio_harness_bulk_16k", "MB/s", NIOFigures.harnessBulk),
        Benchmark(figures: [("nio_harness_hs_server_side", "hs/s"), ("nio_harness_hs_client_side", "hs/s")]) {
            NIOFigures.fullHandshakeSides($0, try .harness($0.tlskit))
        },
        Benchmark(
            figures: [("tlskit_wire_full_hs_x25519_client_bytes", "bytes"), ("tlskit_wire_full_hs_x25519_server_bytes", "bytes")],
            values: { try CoreFigures.wireBytes($0, group: .x25519) }),
        Benchmark(
            figures: [
                ("tlskit_wire_full_hs_x25519mlkem768_client_bytes", "bytes"), ("tlskit_wire_full_hs_x25519mlkem768_server_bytes", "bytes"),
            ],
            values: { try CoreFigures.wireBytes($0, group: .X25519MLKEM768) }),
        Benchmark("openssl_full_hs_notickets", "hs/s") { try OpenSSLFigures.fullHandshakes($0, ticketCount: 0) },
        Benchmark("openssl_full_hs_x25519", "hs/s") { try OpenSSLFigures.fullHandshakes($0, ticketCount: 2) },
        Benchmark("openssl_resumed_hs_psk_dhe", "hs/s", OpenSSLFigures.resumedHandshakes),
        Benchmark("openssl_bulk_aes128gcm_16k", "MB/s", OpenSSLFigures.bulk),
        Benchmark("limit_full_hs", "hs/s") { try LimitFigures.fullHandshake($0) },
        Benchmark("limit_full_hs_cached_chain", "hs/s") { try LimitFigures.fullHandshake($0, verifyingChain: false) },
        Benchmark("limit_resumed_hs", "hs/s", LimitFigures.resumedHandshake),
        Benchmark("limit_bulk_aes128gcm_16k", "MB/s", LimitFigures.bulkAES128GCM),
    ] + tlskit(core: "tlskitbssl", nio: "tlskitbsslnio", provider: .boringSSL)
}

extension Benchmark {
    /// TLSKit's figures with its record layer on `provider`, named `core_…` and `nio_…`.
    static func tlskit(core: String, nio: String, provider: CryptoProvider) -> [Benchmark] {
        [
            Benchmark("\(core)_full_hs_notickets", "hs/s") { try CoreFigures.fullHandshakes($0, ticketCount: 0) },
            Benchmark("\(core)_full_hs_x25519", "hs/s") { try CoreFigures.fullHandshakes($0, ticketCount: 2) },
            Benchmark(figures: [("\(core)_full_hs_x25519_server_side", "hs/s"), ("\(core)_full_hs_x25519_client_side", "hs/s")]) {
                CoreFigures.fullHandshakeSides($0)
            },
            Benchmark("\(core)_full_hs_x25519mlkem768", "hs/s") {
                try CoreFigures.fullHandshakes($0.using(group: .X25519MLKEM768), ticketCount: 2)
            },
            Benchmark("\(core)_resumed_hs_psk_dhe", "hs/s", CoreFigures.resumedHandshakes),
            Benchmark("\(core)_resumed_hs_0rtt", "hs/s", CoreFigures.zeroRTTResumptions),
            Benchmark("\(core)_bulk_aes128gcm_16k", "MB/s") { try CoreFigures.bulk($0, suite: .TLS_AES_128_GCM_SHA256) },
            Benchmark("\(core)_bulk_chacha20poly1305_16k", "MB/s") { try CoreFigures.bulk($0, suite: .TLS_CHACHA20_POLY1305_SHA256) },
            Benchmark(
                figures: [("\(core)_mem_server_rss_per_conn", "bytes"), ("\(core)_mem_server_heap_per_conn", "bytes")],
                values: { try MemoryFigures.idleConnections($0, keepClients: false).values }),
            Benchmark(
                figures: [("\(core)_mem_pair_rss_per_conn", "bytes"), ("\(core)_mem_pair_heap_per_conn", "bytes")],
                values: { try MemoryFigures.idleConnections($0, keepClients: true).values }),
            Benchmark("\(nio)_full_hs_x25519", "hs/s") { try NIOFigures.fullHandshakes($0, .tlskit($0.tlskit)) },
            Benchmark(figures: [("\(nio)_full_hs_x25519_server_side", "hs/s"), ("\(nio)_full_hs_x25519_client_side", "hs/s")]) {
                NIOFigures.fullHandshakeSides($0, .tlskit($0.tlskit))
            },
            Benchmark("\(nio)_full_hs_x25519mlkem768", "hs/s") {
                let context = $0.using(group: .X25519MLKEM768)
                return try NIOFigures.fullHandshakes(context, .tlskit(context.tlskit))
            },
            Benchmark("\(nio)_bulk_aes128gcm_16k", "MB/s") { try NIOFigures.bulk($0, .tlskit($0.tlskit)) },
        ].map { $0.using(provider) }
    }

    /// The same benchmark measured on a context whose TLSKit uses `provider`.
    func using(_ provider: CryptoProvider) -> Benchmark {
        let prepare = self.prepare
        return Benchmark(figures: figures, prepare: { try prepare($0.using(provider)) })
    }
}
