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
}
