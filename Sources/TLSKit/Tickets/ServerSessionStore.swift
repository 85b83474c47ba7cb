import Foundation

/// Server-side session storage for stateful tickets: the ticket is an opaque random
/// identifier and the session stays on the server.
///
/// Implement it to share sessions between servers (a database, a cache service).
/// Calls come from many connections at once, so implementations must be thread safe.
public protocol ServerSessionStore: AnyObject, Sendable {
    /// Keeps `session` under `id` until `expiresAt`.
    func store(id: [UInt8], session: [UInt8], expiresAt: Date)
    /// Returns the session for `id`; removes it when `remove` is true (single-use tickets).
    func retrieve(id: [UInt8], remove: Bool) -> [UInt8]?
}

/// A bounded in-memory ``ServerSessionStore``.
///
/// Holds at most `capacity` sessions. A session lives until its expiry instant inclusive,
/// like the lifetime check on tickets. Expired sessions are never returned and are
/// pruned whenever the store is full; when still full, the session that expires
/// soonest (the oldest, on a tie) makes room. Eviction scans the store, so a full
/// store costs O(`capacity`) per insert.
public final class InMemoryServerSessionStore: ServerSessionStore, Sendable {
    // Sendable: the table lives in a `LockProtected` (an NSLock); everything else is immutable.

    private struct Entry {
        var session: [UInt8]
        var expiresAt: Date
        var sequence: UInt64
    }

    private struct Table {
        var entries: [[UInt8]: Entry] = [:]
        var nextSequence: UInt64 = 0
    }

    private let capacity: Int
    private let time: TimeSource
    private let table = LockProtected(Table())

    /// - Parameters:
    ///   - capacity: the most sessions kept at once; at least 1.
    ///   - time: the clock that decides expiry.
    public init(capacity: Int = 20_000, time: TimeSource = .system) {
        precondition(capacity >= 1, "a session store needs room for at least one session")
        self.capacity = capacity
        self.time = time
    }

    /// The number of sessions held, including expired ones not yet pruned.
    public var count: Int { table.withValue { $0.entries.count } }

    public func store(id: [UInt8], session: [UInt8], expiresAt: Date) {
        let now = time.now
        guard expiresAt >= now else { return }
        table.withValue { table in
            if table.entries[id] == nil, table.entries.count >= capacity {
                table.entries = table.entries.filter { $0.value.expiresAt >= now }
                if table.entries.count >= capacity, let victim = table.entries.min(by: Self.evictsFirst) {
                    table.entries[victim.key] = nil
                }
            }
            table.entries[id] = Entry(session: session, expiresAt: expiresAt, sequence: table.nextSequence)
            table.nextSequence += 1
        }
    }

    public func retrieve(id: [UInt8], remove: Bool) -> [UInt8]? {
        let now = time.now
        return table.withValue { table in
            guard let entry = table.entries[id] else { return nil }
            guard entry.expiresAt >= now else {
                table.entries[id] = nil
                return nil
            }
            if remove { table.entries[id] = nil }
            return entry.session
        }
    }

    private static func evictsFirst(_ a: (key: [UInt8], value: Entry), _ b: (key: [UInt8], value: Entry)) -> Bool {
        (a.value.expiresAt, a.value.sequence) < (b.value.expiresAt, b.value.sequence)
    }
}
