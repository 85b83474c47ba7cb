/// How many NewSessionTickets a server connection sends, and when: the policy of OpenSSL's
/// `SSL_CTX_set_num_tickets(3)`, in one place.
///
/// - After a full handshake, ``count`` tickets (2 by default); after a resumption at most one.
/// - After post-handshake client authentication, as many again as after the handshake, bound
///   to the new identity.
/// - On demand (`SSL_new_session_ticket`): requests are queued here and sent with the next
///   write or handshake drive, on a record boundary of their own.
///
/// A server connection owns one, starting from ``ServerConfiguration/ticketCount``; the
/// handshake asks it how many tickets to mint.
struct TicketSchedule: Sendable {
    /// The largest count accepted: each ticket costs a message and a seal, so an unbounded
    /// count would let one setting flood a connection.
    static let maximumCount = 1_024

    /// Tickets after a full handshake and after post-handshake authentication (`SSL_get_num_tickets`).
    private(set) var count: Int
    /// Tickets asked for on demand and not yet sent.
    private(set) var requested = 0

    init(count: Int) throws {
        try Self.validate(count: count)
        self.count = count
    }

    static func validate(count: Int) throws {
        guard (0...maximumCount).contains(count) else {
            throw TLSError.configuration("ticket count \(count) is outside 0...\(maximumCount)")
        }
    }

    /// `SSL_set_num_tickets`: applies to the handshake if it has not completed, and to later
    /// post-handshake authentications.
    mutating func setCount(_ count: Int) throws {
        try Self.validate(count: count)
        self.count = count
    }

    /// The tickets that follow a completed handshake, or a post-handshake authentication on it.
    func countAfterHandshake(resumed: Bool) -> Int { resumed ? min(count, 1) : count }

    /// Queues one ticket (`SSL_new_session_ticket`).
    mutating func request() { requested += 1 }

    var hasRequests: Bool { requested > 0 }

    /// Takes the queued requests.
    mutating func takeRequests() -> Int {
        defer { requested = 0 }
        return requested
    }
}
