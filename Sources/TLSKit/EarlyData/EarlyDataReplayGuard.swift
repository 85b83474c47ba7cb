import Foundation

/// Decides whether a server may accept early data (0-RTT) without accepting a replay.
///
/// RFC 8446 §8: TLS gives 0-RTT data no protection against replay, and "the server MUST ensure
/// that any instance of it … would accept 0-RTT for the same 0-RTT handshake at most once". A
/// guard is asked once per 0-RTT attempt, after the PSK binder has been verified, and both
/// checks and records the attempt: the first time it sees an attempt it may accept it; any
/// time after, it must reject it.
///
/// TLSKit has two in-memory guards, for one server process: ``SingleUseTicketRegister`` (RFC
/// 8446 §8.1, each ticket accepted once) and ``ClientHelloRecorder`` (§8.2, each ClientHello
/// accepted once within a time window). A fleet that must accept each attempt at most once
/// across all its servers implements this protocol over a shared store; the call is `async`
/// for that.
///
/// Guards fail closed: an answer other than ``EarlyDataReplayVerdict/accept`` rejects the
/// early data, and so does a thrown error (a store that cannot be reached, a cancelled task).
/// A guard that cannot decide must reject. A rejection costs only the round trip early data
/// would have saved: the handshake goes on in 1-RTT and the client may send the data again.
///
/// A server asks its ``ServerConfiguration/earlyDataReplayGuard`` (or the in-memory default)
/// through ``ServerConnection/pendingEarlyDataReplayCheck`` and
/// ``ServerConnection/resumeEarlyDataReplayCheck(_:)``; the NIO handler does so on its own.
public protocol EarlyDataReplayGuard: Sendable {
    /// Checks `attempt` against the attempts seen before and records it; returns
    /// ``EarlyDataReplayVerdict/accept`` at most once for the same attempt.
    ///
    /// - Throws: anything; the attempt is then rejected (``EarlyDataReplayRejection/undecidable``).
    func checkAndRecord(_ attempt: EarlyDataAttempt) async throws -> EarlyDataReplayVerdict
}

/// One ClientHello's attempt at 0-RTT, as an ``EarlyDataReplayGuard`` sees it.
public struct EarlyDataAttempt: Sendable, Hashable {
    /// A value unique to the ClientHello, taken only from its verified parts: the binder of the
    /// selected PSK. RFC 8446 §8.2: "If the validated binder or the ClientHello.random is used
    /// as the storage key", an attacker cannot make a replay look new by changing the binders
    /// of PSKs the server did not check.
    public var clientHelloKey: [UInt8]
    /// The selected PSK identity: the ticket.
    public var ticket: [UInt8]
    /// The time the ClientHello stands for: its expected arrival time, the ticket's creation
    /// time plus the ticket age the client reports (RFC 8446 §8.3). A replay carries the same
    /// time however late it comes, so a guard can place it in the window of the original.
    public var time: Date
    /// When the server issued the ticket.
    public var ticketIssuedAt: Date
    /// When the ticket expires: after this no attempt with it can succeed, and a guard may
    /// forget it.
    public var ticketExpiresAt: Date

    /// Describes an attempt; see the properties.
    public init(clientHelloKey: [UInt8], ticket: [UInt8], time: Date, ticketIssuedAt: Date, ticketExpiresAt: Date) {
        self.clientHelloKey = clientHelloKey
        self.ticket = ticket
        self.time = time
        self.ticketIssuedAt = ticketIssuedAt
        self.ticketExpiresAt = ticketExpiresAt
    }
}

/// An ``EarlyDataReplayGuard``'s answer.
public enum EarlyDataReplayVerdict: Sendable, Hashable {
    /// The attempt is new: its early data may be accepted, once.
    case accept
    /// The early data must not be accepted; the handshake goes on in 1-RTT.
    case reject(EarlyDataReplayRejection)
}

/// Why an ``EarlyDataReplayGuard`` rejected an attempt. Each is counted as
/// ``EarlyDataRejection/replay`` in the server's statistics.
public enum EarlyDataReplayRejection: String, Error, Sendable, Hashable, CaseIterable {
    /// The guard has seen this attempt (or, for ``SingleUseTicketRegister``, this ticket) before.
    case replayed
    /// The attempt may predate the guard: it cannot know what it accepted before it started
    /// (RFC 8446 §8.2: "When implementations are freshly started, they SHOULD reject 0-RTT as
    /// long as any portion of their recording window overlaps the startup time").
    case startingUp
    /// The attempt's time is outside the range the guard records, or its ticket has expired.
    case outsideWindow
    /// The guard holds as many attempts as it may; it cannot record this one, so it cannot
    /// accept it.
    case capacityReached
    /// The guard could not decide: it threw, its store failed, or the attempt lacks what it
    /// needs (an empty or oversized key).
    case undecidable
}

extension EarlyDataReplayGuard {
    /// Asks the guard, turning a thrown error into a rejection (fail closed): how TLSKit asks a guard.
    func verdictFailingClosed(for attempt: EarlyDataAttempt) async -> EarlyDataReplayVerdict {
        do {
            return try await checkAndRecord(attempt)
        } catch {
            return .reject(.undecidable)
        }
    }
}
