import Foundation
import XCTest

@testable import TLSKit

/// An attempt at `time`, with a ticket issued at `issuedAt` and expiring `lifetime` seconds later.
func earlyDataAttempt(
    key: [UInt8] = Array(repeating: 0xB1, count: 32), ticket: [UInt8] = Array(repeating: 0x71, count: 32), at time: Date,
    issuedAt: Date? = nil, lifetime: TimeInterval = 7_200
) -> EarlyDataAttempt {
    let issuedAt = issuedAt ?? time
    return EarlyDataAttempt(clientHelloKey: key, ticket: ticket, time: time, ticketIssuedAt: issuedAt, ticketExpiresAt: issuedAt + lifetime)
}

/// Asks `replayGuard` about `attempts` from `tasks` concurrent tasks, each attempt once per task;
/// returns how many times each attempt was accepted.
func acceptances(of attempts: [EarlyDataAttempt], by replayGuard: any EarlyDataReplayGuard, tasks: Int) async -> [Int] {
    await withTaskGroup(of: [Int].self) { group in
        for _ in 0..<tasks {
            group.addTask {
                var accepted = [Int](repeating: 0, count: attempts.count)
                for (index, attempt) in attempts.enumerated().shuffled() {
                    if await replayGuard.verdictFailingClosed(for: attempt) == .accept { accepted[index] += 1 }
                }
                return accepted
            }
        }
        var total = [Int](repeating: 0, count: attempts.count)
        for await counts in group {
            for index in counts.indices { total[index] += counts[index] }
        }
        return total
    }
}

final class EarlyDataReplayGuardTests: XCTestCase {
    private struct FailingStore: Error {}

    /// A guard over a store that cannot be reached.
    private struct UnreachableGuard: EarlyDataReplayGuard {
        func checkAndRecord(_ attempt: EarlyDataAttempt) async throws -> EarlyDataReplayVerdict {
            throw FailingStore()
        }
    }

    /// A guard that would accept anything, for checking what the wrapper passes through.
    private struct AcceptingGuard: EarlyDataReplayGuard {
        func checkAndRecord(_ attempt: EarlyDataAttempt) async throws -> EarlyDataReplayVerdict { .accept }
    }

    func testAGuardThatThrowsRejects() async {
        let verdict = await UnreachableGuard().verdictFailingClosed(for: earlyDataAttempt(at: Date()))
        XCTAssertEqual(verdict, .reject(.undecidable))
    }

    func testAnAcceptanceIsPassedThrough() async {
        let verdict = await AcceptingGuard().verdictFailingClosed(for: earlyDataAttempt(at: Date()))
        XCTAssertEqual(verdict, .accept)
    }
}
