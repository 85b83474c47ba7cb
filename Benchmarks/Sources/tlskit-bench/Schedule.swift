/// Runs the selected benchmarks: first those measured once (sizes, memory), printed as they
/// come; then every timed one is set up and warmed up, and their rounds are interleaved, round
/// 1 of every figure, then round 2 of every figure, and so on. A figure is the median of its
/// rounds; each round's values are printed as comments (`# round R NAME VALUE UNIT`), so that
/// `report.py` can compare two figures round by round, within the same stretch of time.
struct Schedule {
    private let benchmarks: [Benchmark]
    private let context: BenchContext

    init(_ benchmarks: [Benchmark], context: BenchContext) {
        self.benchmarks = benchmarks
        self.context = context
    }

    /// A timed benchmark once set up: its rounds and the values each round gave.
    private struct Timed {
        let benchmark: Benchmark
        let rounds: Rounds
        var values: [[Double]] = []
        var failed = false
    }

    /// Returns whether every benchmark succeeded; a failed one is reported on stderr and left
    /// out of later rounds.
    func run() -> Bool {
        var succeeded = true
        var timed: [Timed] = []
        for benchmark in benchmarks {
            do {
                switch try benchmark.prepare(context) {
                case .values(let values): report(benchmark, values)
                case .rounds(let rounds): timed.append(Timed(benchmark: benchmark, rounds: rounds))
                }
            } catch {
                succeeded = false
                report(benchmark, failedWith: error)
            }
        }

        let budget = context.budget
        for pass in 0...Budget.rounds {
            // Pass 0 warms up: caches, the allocator, lazy initialisation.
            let nanoseconds = pass == 0 ? budget.warmUpNanoseconds : budget.roundNanoseconds
            for index in timed.indices where !timed[index].failed {
                do {
                    let values = timed[index].rounds.values(try timed[index].rounds.round(nanoseconds))
                    guard pass > 0 else { continue }
                    timed[index].values.append(values)
                    for (figure, value) in zip(timed[index].benchmark.figures, values) where context.options.selects(figure.name) {
                        Report.comment("round \(pass) \(Figure(name: figure.name, value: value, unit: figure.unit).line)")
                    }
                } catch {
                    succeeded = false
                    timed[index].failed = true
                    report(timed[index].benchmark, failedWith: error)
                }
            }
        }

        for entry in timed {
            entry.rounds.finish()
            guard !entry.failed else { continue }
            let medians = entry.benchmark.figures.indices.map { figure in median(entry.values.map { $0[figure] }) }
            report(entry.benchmark, medians)
        }
        return succeeded
    }

    private func report(_ benchmark: Benchmark, _ values: [Double]) {
        for (figure, value) in zip(benchmark.figures, values) where context.options.selects(figure.name) {
            Report.figure(Figure(name: figure.name, value: value, unit: figure.unit))
        }
    }

    private func report(_ benchmark: Benchmark, failedWith error: Error) {
        Report.error("\(benchmark.figures.map(\.name).joined(separator: ", ")) failed: \(error)")
    }
}
