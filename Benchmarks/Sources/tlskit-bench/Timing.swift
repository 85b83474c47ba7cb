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

/// How the run spends its time. Every figure gets a short warm-up, then `rounds` timed rounds
/// whose median is reported; the rounds of all figures are interleaved (round 1 of every
/// figure, then round 2 of every figure, …), so that a figure and the reference it is compared
/// with sample the same minutes of the machine rather than two different ones.
struct Budget {
    /// Timed rounds; the median of their rates is the figure.
    static let rounds = 5
    /// Share of the budget spent warming up (caches, allocator, lazy initialisation).
    static let warmUpShare = 0.1

    /// Each figure's share of the run, warm-up included.
    let seconds: Double

    var warmUpNanoseconds: UInt64 { UInt64(seconds * Self.warmUpShare * 1e9) }
    var roundNanoseconds: UInt64 { UInt64(seconds * (1 - Self.warmUpShare) / Double(Self.rounds) * 1e9) }

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

/// A figure's timed part, prepared once and run round by round by ``Schedule``.
struct Rounds {
    /// Measures for at least the nanoseconds given and returns one rate per figure.
    let round: (_ nanoseconds: UInt64) throws -> [Double]
    /// Turns a round's rates into the figures' values (iterations per second into MB/s, say).
    var values: ([Double]) -> [Double] = { $0 }
    /// Releases what the rounds kept (connections, channels) once every round has run.
    var finish: () -> Void = {}

    /// One figure whose rate a round measures; `finish` releases what `round` keeps.
    static func rate(finish: @escaping () -> Void = {}, _ round: @escaping (_ nanoseconds: UInt64) throws -> Double) -> Rounds {
        Rounds(round: { [try round($0)] }, finish: finish)
    }

    /// The same rounds, with each value turned by `transform`.
    func map(_ transform: @escaping (Double) -> Double) -> Rounds {
        var mapped = self
        let values = self.values
        mapped.values = { values($0).map(transform) }
        return mapped
    }
}
