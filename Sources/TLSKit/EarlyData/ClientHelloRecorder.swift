import Foundation

/// An ``EarlyDataReplayGuard`` that accepts each ClientHello at most once within a time window
/// (RFC 8446 §8.2, ClientHello recording), for one server process. Meant for stateless tickets,
/// which can be used any number of times.
///
/// Time is cut into windows of `windowDuration` from the moment the recorder starts. An
/// attempt is placed in the window of its ``EarlyDataAttempt/time`` (its expected arrival time,
/// the same in every replay of it), and its ``EarlyDataAttempt/clientHelloKey`` (the verified
/// binder) is looked up in that window's set: found, it is a replay; not found, it is recorded
/// and accepted. Only the current window (the one the recorder's clock is in) and the previous
/// one are kept; as the clock moves on, the older window is dropped with everything in it.
///
/// Whatever it cannot decide, it rejects:
/// - every attempt during the first window after it starts, and every attempt whose time falls
///   in that window (``EarlyDataReplayRejection/startingUp``): before a restart, the process
///   may have accepted attempts up to a window ahead of its clock, and this one cannot know them;
/// - attempts whose time is outside the previous and current windows
///   (``EarlyDataReplayRejection/outsideWindow``): older ones may have been recorded in a window
///   already dropped, later ones belong to a window not open yet;
/// - attempts into a window that already holds `maximumEntriesPerWindow` keys
///   (``EarlyDataReplayRejection/capacityReached``);
/// - keys that are empty or longer than 255 bytes, the longest binder
///   (``EarlyDataReplayRejection/undecidable``).
///
/// Memory is bounded: two windows of at most `maximumEntriesPerWindow` keys of at most 255 bytes.
/// The window should be at least as long as the ticket age tolerance of the freshness check
/// that comes before it (RFC 8446 §8.3), so that fresh attempts land in a kept window.
public final class ClientHelloRecorder: EarlyDataReplayGuard, Sendable {
    // Sendable: the windows live in a `LockProtected` (an NSLock); everything else is immutable.

    /// RFC 8446 §4.2.11: `opaque PskBinderEntry<32..255>`.
    static let maximumKeyLength = 255

    private struct Windows {
        /// The number of the current window: window `n` spans
        /// `startedAt + n * windowDuration ..< startedAt + (n + 1) * windowDuration`.
        var index: Int64 = 0
        var current: Set<[UInt8]> = []
        var previous: Set<[UInt8]> = []

        /// Moves the current window to `index`; never backwards, should the clock be set back.
        mutating func slide(to newIndex: Int64) {
            guard newIndex > index else { return }
            previous = newIndex == index + 1 ? current : []
            current = []
            index = newIndex
        }
    }

    /// The length of each recording window, in seconds.
    public let windowDuration: TimeInterval
    /// The most keys each window records.
    public let maximumEntriesPerWindow: Int
    private let time: TimeSource
    private let startedAt: Date
    private let windows = LockProtected(Windows())

    /// - Parameters:
    ///   - windowDuration: seconds per window, more than 0. The default, 10 seconds, is the
    ///     order RFC 8446 §8.3 gives for clients on the Internet, and TLSKit's default
    ///     ``ServerConfiguration/ticketAgeTolerance``.
    ///   - maximumEntriesPerWindow: the most ClientHellos recorded per window; at least 1.
    ///   - time: the clock that places windows; the recorder starts at its current time.
    public init(windowDuration: TimeInterval = 10, maximumEntriesPerWindow: Int = 100_000, time: TimeSource = .system) {
        precondition(windowDuration > 0 && windowDuration.isFinite, "a recording window must last a positive, finite time")
        precondition(maximumEntriesPerWindow >= 1, "a recording window needs room for at least one ClientHello")
        self.windowDuration = windowDuration
        self.maximumEntriesPerWindow = maximumEntriesPerWindow
        self.time = time
        self.startedAt = time.now
    }

    /// The number of ClientHellos recorded in the kept windows, as of the last attempt.
    public var count: Int { windows.withValue { $0.current.count + $0.previous.count } }

    public func checkAndRecord(_ attempt: EarlyDataAttempt) -> EarlyDataReplayVerdict {
        let key = attempt.clientHelloKey
        guard 1...Self.maximumKeyLength ~= key.count else { return .reject(.undecidable) }
        // Window 0 is the start-up window: whatever it holds, or whatever arrives during it,
        // may have been accepted before the recorder started.
        guard let now = windowIndex(time.now), now >= 1 else { return .reject(.startingUp) }
        guard let index = windowIndex(attempt.time) else { return .reject(.outsideWindow) }
        guard index >= 1 else { return .reject(.startingUp) }
        return windows.withValue { windows in
            windows.slide(to: now)
            switch index {
            case windows.index: return Self.record(key, in: &windows.current, limit: maximumEntriesPerWindow)
            case windows.index - 1: return Self.record(key, in: &windows.previous, limit: maximumEntriesPerWindow)
            default: return .reject(.outsideWindow)
            }
        }
    }

    private static func record(_ key: [UInt8], in window: inout Set<[UInt8]>, limit: Int) -> EarlyDataReplayVerdict {
        guard !window.contains(key) else { return .reject(.replayed) }
        guard window.count < limit else { return .reject(.capacityReached) }
        window.insert(key)
        return .accept
    }

    /// The number of the window `date` falls in, or nil for a date too far off to number
    /// (negative numbers are dates before the recorder started).
    private func windowIndex(_ date: Date) -> Int64? {
        Int64(exactly: (date.timeIntervalSince(startedAt) / windowDuration).rounded(.down))
    }
}
