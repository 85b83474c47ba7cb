import Foundation

/// An ``EarlyDataReplayGuard`` that accepts early data at most once per ticket (RFC 8446 §8.1,
/// single-use tickets), for one server process.
///
/// Meant for stateful tickets (``SessionTicketProtection/stateful(_:singleUse:)``), whose
/// identifiers are unique and short: each ticket identity is accepted once, then remembered
/// until the ticket expires (``EarlyDataAttempt/ticketExpiresAt``, which comes from the ticket's
/// session and so is the same at every use) and forgotten, since an expired ticket is refused anyway.
///
/// Fails closed:
/// - a ticket issued before the register started is rejected (``EarlyDataReplayRejection/startingUp``):
///   it may have been used before a restart;
/// - an expired ticket is rejected (``EarlyDataReplayRejection/outsideWindow``);
/// - when the register holds `capacity` live tickets, new ones are rejected
///   (``EarlyDataReplayRejection/capacityReached``) rather than forgetting one that could then
///   be replayed. Expired entries are dropped first, whenever one has expired.
///
/// Memory is bounded by `capacity` entries of a ticket identity and a date each.
public final class SingleUseTicketRegister: EarlyDataReplayGuard, Sendable {
    // Sendable: the table lives in a `LockProtected` (an NSLock); everything else is immutable.

    private struct Table {
        /// Ticket identity → when it expires.
        var used: [[UInt8]: Date] = [:]
        /// The earliest expiry in `used`, or nil when it is empty: pruning is worth a scan only
        /// once this has passed.
        var earliestExpiry: Date?

        mutating func prune(now: Date) {
            guard let earliestExpiry, earliestExpiry < now else { return }
            used = used.filter { $0.value >= now }
            self.earliestExpiry = used.values.min()
        }
    }

    /// The most tickets remembered at once.
    public let capacity: Int
    private let time: TimeSource
    private let startedAt: Date
    private let table = LockProtected(Table())

    /// - Parameters:
    ///   - capacity: the most tickets remembered at once; at least 1. Size it for the tickets
    ///     used with early data within one ticket lifetime.
    ///   - time: the clock that decides expiry; the register starts at its current time.
    public init(capacity: Int = 100_000, time: TimeSource = .system) {
        precondition(capacity >= 1, "a ticket register needs room for at least one ticket")
        self.capacity = capacity
        self.time = time
        self.startedAt = time.now
    }

    /// The number of tickets remembered, including expired ones not yet dropped.
    public var count: Int { table.withValue { $0.used.count } }

    public func checkAndRecord(_ attempt: EarlyDataAttempt) -> EarlyDataReplayVerdict {
        let now = time.now
        guard !attempt.ticket.isEmpty else { return .reject(.undecidable) }
        guard attempt.ticketIssuedAt >= startedAt else { return .reject(.startingUp) }
        guard now <= attempt.ticketExpiresAt else { return .reject(.outsideWindow) }
        return table.withValue { table in
            guard table.used[attempt.ticket] == nil else { return .reject(.replayed) }
            table.prune(now: now)
            guard table.used.count < capacity else { return .reject(.capacityReached) }
            table.used[attempt.ticket] = attempt.ticketExpiresAt
            table.earliestExpiry = min(table.earliestExpiry ?? attempt.ticketExpiresAt, attempt.ticketExpiresAt)
            return .accept
        }
    }
}
