import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Where a connection gets its random bytes. Injectable so tests are deterministic.
///
/// Key generation inside swift-crypto uses the system generator regardless; this
/// source feeds the protocol's own random values (hello randoms, ticket nonces, cookies).
public struct RandomSource: Sendable {
    private let generator: @Sendable (Int) -> [UInt8]

    /// Wraps a closure returning exactly the requested number of bytes.
    public init(_ generator: @escaping @Sendable (Int) -> [UInt8]) { self.generator = generator }

    /// The operating system's cryptographically secure generator.
    public static let system = RandomSource { count in
        var bytes = [UInt8](repeating: 0, count: count)
        bytes.withUnsafeMutableBytes { fillFromSystem($0) }
        return bytes
    }

    /// Fills `buffer` from the kernel's generator with one `getentropy` call per 256 bytes,
    /// where `SystemRandomNumberGenerator` makes a system call per 8 bytes; where `getentropy`
    /// is missing or fails, through `SystemRandomNumberGenerator`.
    private static func fillFromSystem(_ buffer: UnsafeMutableRawBufferPointer) {
        var offset = 0
        #if canImport(Glibc) || canImport(Musl) || canImport(Darwin)
        while offset < buffer.count {
            let chunk = min(256, buffer.count - offset)
            guard getentropy(buffer.baseAddress! + offset, chunk) == 0 else { break }
            offset += chunk
        }
        #endif
        var generator = SystemRandomNumberGenerator()
        while offset < buffer.count {
            var word = generator.next()
            let take = min(8, buffer.count - offset)
            withUnsafeBytes(of: &word) { (buffer.baseAddress! + offset).copyMemory(from: $0.baseAddress!, byteCount: take) }
            offset += take
        }
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
