import Glibc

/// Monotonic time in nanoseconds (`CLOCK_MONOTONIC`).
enum Monotonic {
    @inline(__always)
    static func now() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_MONOTONIC, &spec)
        return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
    }
}

/// How a figure spends its time: a short warm-up, then several timed rounds whose median is
/// reported, all within the `--seconds` budget.
struct Budget {
    /// Timed rounds; the median of their rates is the figure.
    static let rounds = 5
    /// Share of the budget spent warming up (caches, allocator, lazy initialisation).
    static let warmUpShare = 0.1

    let seconds: Double

    var warmUpNanoseconds: UInt64 { UInt64(seconds * Self.warmUpShare * 1e9) }
    var roundNanoseconds: UInt64 { UInt64(seconds * (1 - Self.warmUpShare) / Double(Self.rounds) * 1e9) }

    /// Runs `round` once to warm up and then `rounds` times, each given its duration in
    /// nanoseconds, and returns the median of the rates the timed rounds return.
    func medianRate(_ round: (_ nanoseconds: UInt64) throws -> Double) rethrows -> Double {
        try medianRates(count: 1) { [try round($0)] }[0]
    }

    /// The same for rounds that measure `count` rates at once: the median of each.
    func medianRates(count: Int, _ round: (_ nanoseconds: UInt64) throws -> [Double]) rethrows -> [Double] {
        _ = try round(warmUpNanoseconds)
        var rates = [[Double]](repeating: [], count: count)
        for _ in 0..<Self.rounds {
            let measured = try round(roundNanoseconds)
            precondition(measured.count == count, "a round measured \(measured.count) rates, not \(count)")
            for index in 0..<count { rates[index].append(measured[index]) }
        }
        return rates.map(median)
    }

    /// Repeats `iteration` for at least `nanoseconds` (and at least once) and returns
    /// iterations per second.
    static func iterationsPerSecond(for nanoseconds: UInt64, _ iteration: () throws -> Void) rethrows -> Double {
        let start = Monotonic.now()
        var count = 0
        var elapsed: UInt64 = 0
        repeat {
            try iteration()
            count += 1
            elapsed = Monotonic.now() - start
        } while elapsed < nanoseconds
        return Double(count) / (Double(elapsed) / 1e9)
    }
}

extension Budget {
    /// Repeats `iteration` for at least `nanoseconds` of wall time (and at least once); each
    /// iteration returns the nanoseconds of its timed part (set-up and teardown left out).
    /// Returns iterations per second of timed time.
    static func iterationsPerTimedSecond(for nanoseconds: UInt64, _ iteration: () throws -> UInt64) rethrows -> Double {
        let start = Monotonic.now()
        var count = 0
        var timed: UInt64 = 0
        repeat {
            timed += try iteration()
            count += 1
        } while Monotonic.now() - start < nanoseconds
        return Double(count) / (Double(timed) / 1e9)
    }
}

/// The median of `values` (the mean of the two middle ones for an even count).
func median(_ values: [Double]) -> Double {
    precondition(!values.isEmpty, "median of nothing")
    let sorted = values.sorted()
    let middle = sorted.count / 2
    return sorted.count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2
}
