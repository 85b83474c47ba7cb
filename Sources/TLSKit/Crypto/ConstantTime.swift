/// Compares two secrets (Finished verify_data, PSK binders, ticket MACs) without
/// leaking where they differ.
///
/// Every byte is XOR-ed into one accumulator and the loop never exits early, so the
/// time taken depends only on the lengths, which are public. A length mismatch
/// returns `false`; lengths are protocol constants, not secrets.
func constantTimeEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
    guard a.count == b.count else { return false }
    var difference: UInt8 = 0
    for index in a.indices {
        difference |= a[index] ^ b[index]
    }
    return difference == 0
}

/// Whether every byte of a secret is zero, looking at every byte whatever it finds, as
/// ``constantTimeEquals(_:_:)`` does.
func constantTimeIsZero(_ bytes: UnsafeRawBufferPointer) -> Bool {
    var accumulated: UInt8 = 0
    for byte in bytes { accumulated |= byte }
    return accumulated == 0
}
