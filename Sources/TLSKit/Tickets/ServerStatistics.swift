/// Counters for a server, like OpenSSL's `SSL_CTX_sess_number`, `SSL_CTX_sess_hits`
/// and friends. One instance is shared by every connection of a server configuration.
///
/// | OpenSSL | TLSKit |
/// | --- | --- |
/// | `SSL_CTX_sess_accept_good` | ``Snapshot/fullHandshakes`` + ``Snapshot/resumptions`` |
/// | `SSL_CTX_sess_hits` | ``Snapshot/resumptions`` |
/// | `SSL_CTX_sess_misses` | ``Snapshot/ticketsRejected`` for ``TicketRejection/unknownKey`` |
/// | `SSL_CTX_sess_timeouts` | ``Snapshot/ticketsRejected`` for ``TicketRejection/expired`` |
///
/// Early data is counted once per connection whose ClientHello offers it: every offer ends as
/// an acceptance or a rejection with its reason, so ``Snapshot/earlyDataOffered`` is always
/// ``Snapshot/earlyDataAccepted`` plus the sum of ``Snapshot/earlyDataRejected``. An offer is
/// counted when it is decided: one still waiting for the replay guard when its connection ends
/// is not counted.
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
        /// ClientHellos that offered early data (0-RTT), accepted or not.
        public var earlyDataOffered: Int = 0
        /// Offers of early data the server accepted.
        public var earlyDataAccepted: Int = 0
        /// Offers of early data the server declined, by reason. Every reason is present, zero when never seen.
        public var earlyDataRejected: [EarlyDataRejection: Int] = Dictionary(
            uniqueKeysWithValues: EarlyDataRejection.allCases.map { ($0, 0) }
        )
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

    /// Counts an offer of early data and its acceptance, together so a snapshot never sees one without the other.
    func recordEarlyDataAccepted() {
        counters.withValue {
            $0.earlyDataOffered += 1
            $0.earlyDataAccepted += 1
        }
    }

    /// Counts an offer of early data and why it was declined.
    func recordEarlyDataRejected(_ reason: EarlyDataRejection) {
        counters.withValue {
            $0.earlyDataOffered += 1
            $0.earlyDataRejected[reason, default: 0] += 1
        }
    }
}
