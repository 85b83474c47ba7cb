import Foundation
import XCTest

@testable import TLSKit

final class ServerStatisticsTests: XCTestCase {
    func testFreshStatisticsAreAllZero() {
        let snapshot = ServerStatistics().snapshot()
        XCTAssertEqual(snapshot.fullHandshakes, 0)
        XCTAssertEqual(snapshot.resumptions, 0)
        XCTAssertEqual(snapshot.ticketsIssued, 0)
        XCTAssertEqual(snapshot.handshakeFailures, 0)
        XCTAssertEqual(snapshot.ticketsRejected.count, TicketRejection.allCases.count)
        XCTAssertTrue(snapshot.ticketsRejected.values.allSatisfy { $0 == 0 })
        XCTAssertEqual(snapshot.earlyDataOffered, 0)
        XCTAssertEqual(snapshot.earlyDataAccepted, 0)
        XCTAssertEqual(Set(snapshot.earlyDataRejected.keys), Set(EarlyDataRejection.allCases))
        XCTAssertTrue(snapshot.earlyDataRejected.values.allSatisfy { $0 == 0 })
    }

    func testEarlyDataRejectionReasonsAreTheNineChecks() {
        XCTAssertEqual(
            EarlyDataRejection.allCases,
            [
                .notAllowed, .tooOld, .applicationProtocolMismatch, .serverNameMismatch, .suiteMismatch, .replay, .tooLarge,
                .afterHelloRetryRequest, .clientAuthenticationPolicy,
            ])
    }

    /// Every offer ends as an acceptance or a rejection: offered is always their sum.
    func testEarlyDataOffersAreAcceptedOrRejectedByReason() {
        let statistics = ServerStatistics()
        statistics.recordEarlyDataAccepted()
        statistics.recordEarlyDataRejected(.notAllowed)
        statistics.recordEarlyDataRejected(.notAllowed)
        statistics.recordEarlyDataRejected(.replay)
        let snapshot = statistics.snapshot()
        XCTAssertEqual(snapshot.earlyDataOffered, 4)
        XCTAssertEqual(snapshot.earlyDataAccepted, 1)
        XCTAssertEqual(snapshot.earlyDataRejected[.notAllowed], 2)
        XCTAssertEqual(snapshot.earlyDataRejected[.replay], 1)
        XCTAssertEqual(snapshot.earlyDataRejected[.tooOld], 0)
        XCTAssertEqual(snapshot.fullHandshakes + snapshot.resumptions + snapshot.ticketsIssued, 0, "no other counter moves")
    }

    func testEachEventIsCountedOnItsOwnCounter() {
        let statistics = ServerStatistics()
        statistics.recordFullHandshake()
        statistics.recordFullHandshake()
        statistics.recordResumption()
        for _ in 0..<3 { statistics.recordTicketIssued() }
        statistics.recordRejection(.expired)
        statistics.recordRejection(.expired)
        statistics.recordRejection(.badBinder)
        statistics.recordHandshakeFailure()
        let snapshot = statistics.snapshot()
        XCTAssertEqual(snapshot.fullHandshakes, 2)
        XCTAssertEqual(snapshot.resumptions, 1)
        XCTAssertEqual(snapshot.ticketsIssued, 3)
        XCTAssertEqual(snapshot.ticketsRejected[.expired], 2)
        XCTAssertEqual(snapshot.ticketsRejected[.badBinder], 1)
        XCTAssertEqual(snapshot.ticketsRejected[.unknownKey], 0)
        XCTAssertEqual(snapshot.handshakeFailures, 1)
    }

    func testConcurrentRecordingLosesNoCounts() {
        let statistics = ServerStatistics()
        DispatchQueue.concurrentPerform(iterations: 1000) { index in
            statistics.recordResumption()
            statistics.recordRejection(TicketRejection.allCases[index % TicketRejection.allCases.count])
        }
        let snapshot = statistics.snapshot()
        XCTAssertEqual(snapshot.resumptions, 1000)
        XCTAssertEqual(snapshot.ticketsRejected.values.reduce(0, +), 1000)
    }

    func testConcurrentEarlyDataRecordingKeepsOfferedTheSum() {
        let statistics = ServerStatistics()
        DispatchQueue.concurrentPerform(iterations: 1000) { index in
            if index % 10 == 0 {
                statistics.recordEarlyDataAccepted()
            } else {
                statistics.recordEarlyDataRejected(EarlyDataRejection.allCases[index % EarlyDataRejection.allCases.count])
            }
            let snapshot = statistics.snapshot()
            XCTAssertEqual(snapshot.earlyDataOffered, snapshot.earlyDataAccepted + snapshot.earlyDataRejected.values.reduce(0, +))
        }
        let snapshot = statistics.snapshot()
        XCTAssertEqual(snapshot.earlyDataOffered, 1000)
        XCTAssertEqual(snapshot.earlyDataAccepted, 100)
    }
}
