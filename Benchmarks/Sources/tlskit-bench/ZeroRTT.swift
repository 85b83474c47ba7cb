import TLSKit

/// What the 0-RTT figures send and the replay guard their servers use.
enum ZeroRTT {
    /// The early data each 0-RTT resumption carries: 1 KiB.
    static let earlyData = [UInt8](repeating: 0x47, count: 1_024)
}

/// The bench servers' replay guard for 0-RTT: it accepts every attempt whose ticket is not the
/// one it was last asked about.
///
/// TLSKit's default in-memory guard, ``ClientHelloRecorder``, rejects every attempt during its
/// first recording window (10 seconds) after it starts, as RFC 8446 §8.2 asks of a freshly
/// started server, so a figure measured within that window would time rejected early data. This
/// guard is fine for a benchmark: each connection resumes with a ticket it has never used (the
/// client's store hands out the newest and removes it, and each connection receives a new one)
/// and sends a new ClientHello, so every attempt is fresh and any correct guard would accept it.
/// It remembers only the last ticket (a check that the bench really uses a new one each time), so
/// it would not stop a real replay: it is not a guard for a server.
/// What a real guard's bookkeeping costs (a set lookup under a lock, or a shared store's round
/// trip) is left out of the figure.
final class BenchReplayGuard: EarlyDataReplayGuard, @unchecked Sendable {
    // @unchecked: only the bench's one thread calls it.
    private var lastTicket: [UInt8] = []

    func checkAndRecord(_ attempt: EarlyDataAttempt) -> EarlyDataReplayVerdict {
        guard attempt.ticket != lastTicket else { return .reject(.replayed) }
        lastTicket = attempt.ticket
        return .accept
    }
}
