/// Attributes the time of each call to the client or the server side of a handshake.
protocol SideMeter {
    mutating func client<T>(_ body: () throws -> T) rethrows -> T
    mutating func server<T>(_ body: () throws -> T) rethrows -> T
}

/// Measures nothing (specialised away in release builds).
struct Unmetered: SideMeter {
    @inline(__always) mutating func client<T>(_ body: () throws -> T) rethrows -> T { try body() }
    @inline(__always) mutating func server<T>(_ body: () throws -> T) rethrows -> T { try body() }
}

/// Adds up the monotonic time spent inside each side's calls.
struct SideTimes: SideMeter {
    var clientNanoseconds: UInt64 = 0
    var serverNanoseconds: UInt64 = 0

    @inline(__always) mutating func client<T>(_ body: () throws -> T) rethrows -> T {
        let start = Monotonic.now()
        defer { clientNanoseconds += Monotonic.now() - start }
        return try body()
    }

    @inline(__always) mutating func server<T>(_ body: () throws -> T) rethrows -> T {
        let start = Monotonic.now()
        defer { serverNanoseconds += Monotonic.now() - start }
        return try body()
    }
}

extension Rounds {
    /// Handshakes per second of each side's own time: `handshake` runs back to back for each
    /// round, adding the time spent in each side's calls to the meter it is given. A round's
    /// rates are the server side's and then the client side's, the order the figures are named in.
    static func sides(_ handshake: @escaping (inout SideTimes) throws -> Void) -> Rounds {
        Rounds { nanoseconds in
            var times = SideTimes()
            var count = 0
            let start = Monotonic.now()
            repeat {
                try handshake(&times)
                count += 1
            } while Monotonic.now() - start < nanoseconds
            return [
                Double(count) / (Double(times.serverNanoseconds) / 1e9),
                Double(count) / (Double(times.clientNanoseconds) / 1e9),
            ]
        }
    }
}
