import XCTest

@testable import TLSKit

final class RandomSourceTests: XCTestCase {
    func testSystemSourceFillsEveryRequestedLength() {
        // 256 bytes is one getentropy call's limit: longer requests take several.
        for count in [0, 1, 7, 8, 9, 32, 33, 255, 256, 257, 1_000] {
            XCTAssertEqual(RandomSource.system.bytes(count).count, count)
        }
        XCTAssertNotEqual(RandomSource.system.bytes(32), RandomSource.system.bytes(32))
        // Every byte position varies: no position is left at its initial zero.
        var seen = [Set<UInt8>](repeating: [], count: 300)
        for _ in 0..<64 { for (index, byte) in RandomSource.system.bytes(300).enumerated() { seen[index].insert(byte) } }
        XCTAssertTrue(seen.allSatisfy { $0.count > 8 })
    }
}
