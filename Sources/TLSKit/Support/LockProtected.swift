import Foundation

/// A value that is only ever read or written while holding an `NSLock`.
///
/// The session stores, the ticket key ring and the statistics are shared by every
/// connection of a configuration, across threads; they keep their mutable state in
/// one of these so the locking lives in one place.
final class LockProtected<Value>: @unchecked Sendable {
    // @unchecked Sendable: `value` is only accessed inside `withValue`, under `lock`.
    private let lock = NSLock()
    private var value: Value

    init(_ value: Value) { self.value = value }

    func withValue<Result>(_ body: (inout Value) throws -> Result) rethrows -> Result {
        lock.lock()
        defer { lock.unlock() }
        return try body(&value)
    }
}
