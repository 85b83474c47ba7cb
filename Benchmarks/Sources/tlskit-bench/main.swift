import Foundation

// tlskit-bench: one `NAME VALUE UNIT` line per figure on stdout; comments start with `#`.
// See Benchmarks/README.md.

let options: Options
do {
    options = try Options(arguments: Array(CommandLine.arguments.dropFirst()))
} catch {
    Report.error("\(error)")
    exit(2)
}

if options.listOnly {
    for benchmark in Benchmark.all {
        for figure in benchmark.figures { print("\(figure.name) \(figure.unit)") }
    }
    exit(0)
}

if options.primitivesOnly {
    // --seconds scales the number of calls (2 s, the default, is the full count).
    PrimitiveCosts.run(scale: options.seconds / 2)
    exit(0)
}

let context: BenchContext
do {
    let pki = try PKI()
    context = BenchContext(options: options, budget: Budget(seconds: options.seconds), pki: pki, tlskit: try TLSKitSetup(pki: pki))
} catch {
    Report.error("set-up failed: \(error)")
    exit(1)
}

if let iterations = options.profileIterations {
    let context = options.profileBoringSSL ? context.using(.boringSSL) : context
    do {
        if let library = options.profileNIO {
            try profileNIOHandshakes(context, iterations: iterations, reference: library == "niossl")
            Report.comment("profile: \(iterations) full handshakes through NIO (\(library) handlers)")
        } else if options.profileResumptions {
            try profileResumptions(context, iterations: iterations)
            Report.comment("profile: \(iterations) resumptions (tlskit, psk_dhe_ke, one new ticket each)")
        } else {
            try profileFullHandshakes(context, iterations: iterations)
            Report.comment("profile: \(iterations) full handshakes (tlskit, no tickets)")
        }
        exit(0)
    } catch {
        Report.error("profile run failed: \(error)")
        exit(1)
    }
}

let selected = Benchmark.all.filter { $0.figures.contains { options.selects($0.name) } }
if selected.isEmpty {
    Report.error("no figure matches --only \(options.only.joined(separator: ","))")
    exit(2)
}
Report.comment(
    "tlskit-bench: TLS 1.3, x25519, TLS_AES_128_GCM_SHA256 (unless named), ECDSA P-256 leaf and root; "
        + "\(options.seconds) s per figure, median of \(Budget.rounds) rounds, the rounds of all figures interleaved; "
        + "\(options.connections) connections for memory; reference \(OpenSSLFigures.version)")
let schedule = Schedule(selected, context: context)
exit(schedule.run() ? 0 : 1)
