import XCTest

@testable import TLSKit

final class ConstantTimeTests: XCTestCase {
    func testEqualSecretsCompareEqual() {
        XCTAssertTrue(constantTimeEquals([], []))
        XCTAssertTrue(constantTimeEquals([1, 2, 3], [1, 2, 3]))
        XCTAssertTrue(constantTimeEquals([UInt8](repeating: 0xAB, count: 48), [UInt8](repeating: 0xAB, count: 48)))
    }

    func testAnyDifferingByteMakesSecretsUnequal() {
        let secret = [UInt8](0..<32)
        for index in secret.indices {
            var other = secret
            other[index] ^= 0x01
            XCTAssertFalse(constantTimeEquals(secret, other), "difference at \(index)")
        }
    }

    func testDifferentLengthsAreUnequal() {
        XCTAssertFalse(constantTimeEquals([1, 2, 3], [1, 2]))
        XCTAssertFalse(constantTimeEquals([], [0]))
    }
}
