/// Counters for a server, like OpenSSL's `SSL_CTX_sess_number`, `SSL_CTX_sess_hits`
/// and friends. One instance is shared by every connection of a server configuration.
///
/// | OpenSSL | TLSKit |
/// | --- | --- |
/// | `SSL_CTX_sess_accept_good` | ``Snapshot/fullHandshakes`` + ``Snapshot/resumptions`` |
/// | `SSL_CTX_sess_hits` | ``Snapshot/resumptions`` |
/// | `SSL_CTX_sess_misses` | ``Snapshot/ticketsRejected`` for ``TicketRejection/unknownKey`` |
/// | `SSL_CTX_sess_timeouts` | ``Snapshot/ticketsRejected`` for ``TicketRejection/expired`` |
public final class ServerStatistics: Sendable {
    // Sendable: the counters live in a `LockProtected` (an NSLock).

    /// The counters at one instant.
    public struct Snapshot: Sendable, Hashable {
        /// Handshakes completed without resumption.
        public var fullHandshakes: Int = 0
        /// Handshakes completed by resuming a session from a ticket.
        public var resumptions: Int = 0
        /// NewSessionTicket messages sent.
        public var ticketsIssued: Int = 0
        /// Tickets offered by clients and not used, by reason. Every reason is present, zero when never seen.
        public var ticketsRejected: [TicketRejection: Int] = Dictionary(
            uniqueKeysWithValues: TicketRejection.allCases.map { ($0, 0) }
        )
        /// Handshakes that failed with an error.
        public var handshakeFailures: Int = 0
    }

    private let counters = LockProtected(Snapshot())

    public init() {}

    /// A consistent copy of all counters.
    public func snapshot() -> Snapshot { counters.withValue { $0 } }

    func recordFullHandshake() { counters.withValue { $0.fullHandshakes += 1 } }
    func recordResumption() { counters.withValue { $0.resumptions += 1 } }
    func recordTicketIssued() { counters.withValue { $0.ticketsIssued += 1 } }
    func recordRejection(_ reason: TicketRejection) { counters.withValue { $0.ticketsRejected[reason, default: 0] += 1 } }
    func recordHandshakeFailure() { counters.withValue { $0.handshakeFailures += 1 } }
}
