/// The in-memory replay guards a ``ServerConfiguration`` uses when it accepts early data and
/// has no ``ServerConfiguration/earlyDataReplayGuard`` of its own: one per kind of ticket
/// protection, made by the first connection that needs it and shared by every connection of the
/// configuration and its copies (as ``ServerStatistics`` is).
final class DefaultEarlyDataReplayGuards: Sendable {
    // Sendable: the guards live in a `LockProtected` (an NSLock).
    private struct Guards {
        var recorder: ClientHelloRecorder?
        var register: SingleUseTicketRegister?
    }

    private let guards = LockProtected(Guards())

    /// A ``SingleUseTicketRegister`` for stateful tickets (each identifier is unique, so each
    /// ticket is accepted once); a ``ClientHelloRecorder`` for stateless ones (a ticket can be
    /// used any number of times, so each ClientHello is accepted once in a window as long as the
    /// ticket age tolerance, at least a second).
    func replayGuard(for protection: SessionTicketProtection, tolerance: Double, time: TimeSource) -> any EarlyDataReplayGuard {
        guards.withValue { guards in
            switch protection {
            case .stateful:
                if let register = guards.register { return register }
                let register = SingleUseTicketRegister(time: time)
                guards.register = register
                return register
            case .stateless:
                if let recorder = guards.recorder { return recorder }
                let window = tolerance.isFinite ? max(tolerance, 1) : 10
                let recorder = ClientHelloRecorder(windowDuration: window, time: time)
                guards.recorder = recorder
                return recorder
            }
        }
    }
}
