/// The bulk transfer every `*_bulk_*_16k` figure measures: 64 writes of 16 KiB.
enum Bulk {
    static let recordSize = 16_384
    static let recordsPerIteration = 64
    static let bytesPerIteration = recordSize * recordsPerIteration
    /// The plaintext written each time.
    static let chunk = [UInt8](repeating: 0x5a, count: recordSize)

    /// MB/s (10^6 bytes) for a rate of `iterations` per second of `bytes` each.
    static func megabytesPerSecond(iterations: Double, bytes: Int = bytesPerIteration) -> Double {
        iterations * Double(bytes) / 1e6
    }
}
