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
