import Foundation
import XCTest

@testable import TLSKit

/// RFC 8446 §8.2: each ClientHello carries early data at most once, within a pair of sliding windows.
final class ClientHelloRecorderTests: XCTestCase {
    private let clock = TicketTestClock()
    private let window: TimeInterval = 10

    private func key(_ number: UInt8) -> [UInt8] { Array(repeating: number, count: 32) }

    /// A recorder past its start-up window, with the clock `offset` seconds into window 1.
    private func startedRecorder(maximumEntriesPerWindow: Int = 100, offset: TimeInterval = 5) -> ClientHelloRecorder {
        let recorder = ClientHelloRecorder(windowDuration: window, maximumEntriesPerWindow: maximumEntriesPerWindow, time: clock.source)
        clock.advance(by: window + offset)
        return recorder
    }

    /// The previous window is unknown for one full window after a start: a restart must not reopen replays.
    func testEverythingIsRejectedDuringTheStartUpWindow() {
        let recorder = ClientHelloRecorder(windowDuration: window, time: clock.source)
        for step in 0..<10 {
            let attempt = earlyDataAttempt(key: key(UInt8(step)), at: clock.now)
            XCTAssertEqual(recorder.checkAndRecord(attempt), .reject(.startingUp), "\(step) s after start")
            XCTAssertEqual(recorder.checkAndRecord(earlyDataAttempt(key: key(UInt8(step)), at: clock.now + window)), .reject(.startingUp))
            clock.advance(by: 1)
        }
        XCTAssertEqual(recorder.count, 0)
        // A whole window later, attempts of that time are decided.
        XCTAssertEqual(recorder.checkAndRecord(earlyDataAttempt(key: key(0), at: clock.now)), .accept)
    }

    /// An attempt placed in the start-up window stays undecidable after it: a process before a
    /// restart may have accepted it.
    func testAttemptTimedInTheStartUpWindowIsRejectedLater() {
        let start = clock.now
        let recorder = startedRecorder()
        XCTAssertEqual(recorder.checkAndRecord(earlyDataAttempt(key: key(1), at: start + window - 0.001)), .reject(.startingUp))
        XCTAssertEqual(recorder.checkAndRecord(earlyDataAttempt(key: key(1), at: start + window)), .accept)
    }

    func testFirstUseIsAcceptedAndReplayRejected() {
        let recorder = startedRecorder()
        let attempt = earlyDataAttempt(key: key(1), at: clock.now)
        XCTAssertEqual(recorder.checkAndRecord(attempt), .accept)
        XCTAssertEqual(recorder.checkAndRecord(attempt), .reject(.replayed))
        XCTAssertEqual(recorder.checkAndRecord(earlyDataAttempt(key: key(2), at: clock.now)), .accept, "another ClientHello")
        XCTAssertEqual(recorder.count, 2)
    }

    /// A replay carries the original's time, so it is found in the original's window after the
    /// clock has moved into the next one.
    func testReplayIsRejectedFromThePreviousWindow() {
        let recorder = startedRecorder()
        let attempt = earlyDataAttempt(key: key(1), at: clock.now)
        XCTAssertEqual(recorder.checkAndRecord(attempt), .accept)
        clock.advance(by: window)
        XCTAssertEqual(recorder.checkAndRecord(attempt), .reject(.replayed))
        XCTAssertEqual(recorder.checkAndRecord(earlyDataAttempt(key: key(2), at: attempt.time)), .accept, "late, but new")
    }

    /// Windows slide with the clock: entries age out with their window, and so does the range of
    /// times accepted, so an aged-out ClientHello is never accepted again.
    func testWindowsSlideAndOldEntriesAgeOut() {
        let recorder = startedRecorder()
        let first = earlyDataAttempt(key: key(1), at: clock.now)
        XCTAssertEqual(recorder.checkAndRecord(first), .accept)
        clock.advance(by: window)
        let second = earlyDataAttempt(key: key(2), at: clock.now)
        XCTAssertEqual(recorder.checkAndRecord(second), .accept)
        XCTAssertEqual(recorder.count, 2)
        clock.advance(by: window)
        XCTAssertEqual(recorder.checkAndRecord(first), .reject(.outsideWindow), "its window is gone, and the replay with it")
        XCTAssertEqual(recorder.count, 1, "only the second attempt's window is kept")
        XCTAssertEqual(recorder.checkAndRecord(second), .reject(.replayed))
        clock.advance(by: 5 * window)
        XCTAssertEqual(recorder.checkAndRecord(second), .reject(.outsideWindow))
        XCTAssertEqual(recorder.count, 0, "a jump of several windows drops both")
    }

    func testAttemptsOutsideTheWindowRangeAreRejected() {
        let recorder = startedRecorder(offset: 15)  // in window 2: windows 1 and 2 are kept
        let start = clock.now - 2 * window - 5
        XCTAssertEqual(recorder.checkAndRecord(earlyDataAttempt(key: key(1), at: start + window)), .accept, "first instant of the previous window")
        XCTAssertEqual(
            recorder.checkAndRecord(earlyDataAttempt(key: key(2), at: start + 3 * window - 0.001)), .accept, "last instant of the current one")
        XCTAssertEqual(recorder.checkAndRecord(earlyDataAttempt(key: key(3), at: start + 3 * window)), .reject(.outsideWindow), "the next window")
        XCTAssertEqual(recorder.checkAndRecord(earlyDataAttempt(key: key(4), at: start + 10 * window)), .reject(.outsideWindow))
        XCTAssertEqual(recorder.checkAndRecord(earlyDataAttempt(key: key(5), at: .distantFuture)), .reject(.outsideWindow))
        XCTAssertEqual(recorder.checkAndRecord(earlyDataAttempt(key: key(6), at: .distantPast)), .reject(.startingUp))
        XCTAssertEqual(recorder.count, 2)
    }

    /// Bounded memory: a full window refuses new ClientHellos (it cannot record them); the other
    /// window, and the next one, still take theirs.
    func testFullWindowRejects() {
        let recorder = startedRecorder(maximumEntriesPerWindow: 2)
        let previous = clock.now
        XCTAssertEqual(recorder.checkAndRecord(earlyDataAttempt(key: key(1), at: previous)), .accept)
        XCTAssertEqual(recorder.checkAndRecord(earlyDataAttempt(key: key(2), at: previous)), .accept)
        XCTAssertEqual(recorder.checkAndRecord(earlyDataAttempt(key: key(3), at: previous)), .reject(.capacityReached))
        XCTAssertEqual(recorder.checkAndRecord(earlyDataAttempt(key: key(1), at: previous)), .reject(.replayed), "a replay is still a replay")
        clock.advance(by: window)
        XCTAssertEqual(
            recorder.checkAndRecord(earlyDataAttempt(key: key(3), at: previous)), .reject(.capacityReached), "still full as the previous window")
        XCTAssertEqual(recorder.checkAndRecord(earlyDataAttempt(key: key(3), at: clock.now)), .accept, "the current window has room")
        XCTAssertEqual(recorder.count, 3)
    }

    func testKeysOfBadLengthAreUndecidable() {
        let recorder = startedRecorder()
        XCTAssertEqual(recorder.checkAndRecord(earlyDataAttempt(key: [], at: clock.now)), .reject(.undecidable))
        XCTAssertEqual(recorder.checkAndRecord(earlyDataAttempt(key: Array(repeating: 1, count: 256), at: clock.now)), .reject(.undecidable))
        XCTAssertEqual(recorder.checkAndRecord(earlyDataAttempt(key: Array(repeating: 1, count: 255), at: clock.now)), .accept)
    }

    /// A clock set back does not bring back windows already dropped.
    func testClockSetBackDoesNotReopenDroppedWindows() {
        let recorder = startedRecorder()
        let old = earlyDataAttempt(key: key(1), at: clock.now)
        XCTAssertEqual(recorder.checkAndRecord(old), .accept)
        clock.advance(by: 3 * window)
        XCTAssertEqual(recorder.checkAndRecord(earlyDataAttempt(key: key(2), at: clock.now)), .accept)
        clock.advance(by: -3 * window)
        XCTAssertEqual(recorder.checkAndRecord(old), .reject(.outsideWindow))
    }

    func testConcurrentAttemptsAcceptEachClientHelloOnce() async {
        let recorder = startedRecorder(maximumEntriesPerWindow: 1_000, offset: window + 5)  // windows 1 and 2 kept
        let attempts = (0..<200).map { earlyDataAttempt(key: key(UInt8($0)), at: clock.now - Double($0 % 2) * window) }
        let accepted = await acceptances(of: attempts, by: recorder, tasks: 8)
        XCTAssertEqual(accepted, [Int](repeating: 1, count: 200))
        XCTAssertEqual(recorder.count, 200)
    }
}
