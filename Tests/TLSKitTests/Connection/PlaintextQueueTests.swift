import Foundation
import XCTest

@testable import TLSKit

/// The buffering rules on their own: which records are kept as the AEAD returned them and which
/// are copied and gathered, at the edges of each rule.
final class PlaintextQueueTests: XCTestCase {
    private func content(_ count: Int, _ byte: UInt8) -> Data { Data(repeating: byte, count: count) }

    func testOnlyLargeBarelyPaddedRecordsAreKeptAsTheyCame() {
        var queue = PlaintextQueue()
        let shared = PlaintextQueue.minimumSharedPiece
        queue.append(content(shared, 1), decryptedLength: shared + PlaintextQueue.maximumSharedWaste)
        XCTAssertEqual(queue.pieceCount, 1)
        // One byte more padding, or one byte less content: copied into a piece of its own, and
        // the next copy joins it.
        queue.append(content(shared, 2), decryptedLength: shared + PlaintextQueue.maximumSharedWaste + 1)
        queue.append(content(shared - 1, 3), decryptedLength: shared - 1)
        XCTAssertEqual(queue.pieceCount, 2)
        XCTAssertEqual(queue.count, 3 * shared - 1)
    }

    func testCopiesAreGatheredUpToAPieceSizeAndReadInOrder() {
        var queue = PlaintextQueue()
        var expected: [UInt8] = []
        // 1,000-byte records: 16 fit in a gathered piece, the 17th starts another.
        for index in 0..<17 {
            queue.append(content(1_000, UInt8(index)), decryptedLength: 1_000 + 200)
            expected += [UInt8](repeating: UInt8(index), count: 1_000)
        }
        XCTAssertEqual(queue.pieceCount, 2)
        var read: [UInt8] = []
        XCTAssertEqual(queue.removeAll { read += $0 }, 17_000)
        XCTAssertEqual(read, expected)
        XCTAssertEqual(queue.count, 0)
        XCTAssertEqual(queue.pieceCount, 0)
        XCTAssertEqual(queue.removeAll { _ in XCTFail("nothing is left") }, 0)
    }
}
