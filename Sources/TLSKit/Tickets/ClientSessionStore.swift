import Foundation

/// Where a client keeps tickets between connections.
///
/// One store is shared by every connection of a client configuration, across threads,
/// so implementations must be thread safe.
public protocol ClientSessionStore: AnyObject, Sendable {
    /// Keeps a session received from a server.
    func store(_ session: ClientSession)
    /// A session to offer to `serverName`, or nil. Stores that use each ticket once remove it here.
    func take(serverName: String, now: Date) -> ClientSession?
}

/// An in-memory ``ClientSessionStore`` keyed by server name.
///
/// Keeps the newest `maximumPerServer` tickets for each name and offers the newest
/// first. Each ticket is offered once: RFC 8446 Appendix C.4 says "Clients SHOULD NOT
/// reuse a ticket for multiple connections", because reuse lets observers link the
/// connections. Set `reuseTickets` to offer a ticket until it expires instead.
/// Expired tickets are dropped whenever a name is looked up.
public final class InMemoryClientSessionStore: ClientSessionStore, Sendable {
    // Sendable: the sessions live in a `LockProtected` (an NSLock); everything else is immutable.

    private let maximumPerServer: Int
    private let reuseTickets: Bool
    /// Oldest first for each server name.
    private let sessions = LockProtected([String: [ClientSession]]())

    /// - Parameters:
    ///   - maximumPerServer: how many tickets to keep for each server name (at least 1); older ones are dropped.
    ///   - reuseTickets: offer the same ticket again instead of removing it when taken.
    public init(maximumPerServer: Int = 8, reuseTickets: Bool = false) {
        precondition(maximumPerServer >= 1, "a client session store must keep at least one ticket per server")
        self.maximumPerServer = maximumPerServer
        self.reuseTickets = reuseTickets
    }

    /// The number of tickets held for `serverName`, including expired ones not yet dropped.
    public func count(serverName: String) -> Int {
        sessions.withValue { $0[serverName]?.count ?? 0 }
    }

    // Each server's list is changed where it lies in the dictionary: a list taken out and put
    // back would be copied, sessions and all, on its first change, the dictionary still
    // holding it.

    public func store(_ session: ClientSession) {
        sessions.withValue { sessions in
            Self.append(session, to: &sessions[session.serverName, default: []], keeping: maximumPerServer)
        }
    }

    public func take(serverName: String, now: Date) -> ClientSession? {
        sessions.withValue { sessions in
            guard let index = sessions.index(forKey: serverName) else { return nil }
            let newest = Self.takeNewest(from: &sessions.values[index], now: now, leaving: reuseTickets)
            if sessions.values[index].isEmpty { sessions.remove(at: index) }
            return newest
        }
    }

    private static func append(_ session: ClientSession, to list: inout [ClientSession], keeping maximum: Int) {
        list.append(session)
        if list.count > maximum { list.removeFirst(list.count - maximum) }
    }

    /// The newest live session of `list`, removed from it unless `leaving`; expired ones are dropped.
    private static func takeNewest(from list: inout [ClientSession], now: Date, leaving: Bool) -> ClientSession? {
        list.removeAll { $0.isExpired(at: now) }
        return leaving ? list.last : list.popLast()
    }
}
