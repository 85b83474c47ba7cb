import Foundation

/// Where a connection gets its random bytes. Injectable so tests are deterministic.
///
/// Key generation inside swift-crypto uses the system generator regardless; this
/// source feeds the protocol's own random values (hello randoms, ticket nonces, cookies).
public struct RandomSource: Sendable {
    private let generator: @Sendable (Int) -> [UInt8]

    /// Wraps a closure returning exactly the requested number of bytes.
    public init(_ generator: @escaping @Sendable (Int) -> [UInt8]) { self.generator = generator }

    /// The operating system's cryptographically secure generator.
    ///
    /// On Linux, draws of up to 64 bytes come from a buffer per thread that the kernel refills
    /// 256 bytes at a time, in pages a fork wipes in the child; bytes leave the buffer as they
    /// are handed out.
    public static let system = RandomSource { count in
        var bytes = [UInt8](zeroedCount: count)
        bytes.withUnsafeMutableBytes { SystemRandom.fill($0) }
        return bytes
    }

    func bytes(_ count: Int) -> [UInt8] {
        let bytes = generator(count)
        precondition(bytes.count == count, "RandomSource returned the wrong number of bytes")
        return bytes
    }

    func uint32() -> UInt32 { bytes(4).reduce(0) { $0 << 8 | UInt32($1) } }
}

/// Where a connection reads the time. Injectable so tests can move it.
public struct TimeSource: Sendable {
    private let reader: @Sendable () -> Date

    public init(_ reader: @escaping @Sendable () -> Date) { self.reader = reader }

    /// The system's wall clock.
    public static let system = TimeSource { Date() }

    /// A clock stuck at one instant.
    public static func fixed(_ date: Date) -> TimeSource { TimeSource { date } }

    var now: Date { reader() }
}

/// Receives key log lines in the NSS key log format
/// (`CLIENT_HANDSHAKE_TRAFFIC_SECRET <client random> <secret>`), the one place TLSKit
/// ever reveals secrets. Meant for debugging with packet analysers; never enable it in production.
public typealias KeyLogCallback = @Sendable (String) -> Void
