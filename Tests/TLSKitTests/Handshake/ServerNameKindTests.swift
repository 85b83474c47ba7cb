import XCTest

@testable import TLSKit

final class ServerNameKindTests: XCTestCase {
    func testAddressLiteralsAreNotSentInSNI() {
        for address in ["127.0.0.1", "::1", "2001:db8::1", "255.255.255.255", "0.0.0.0", "001.002.003.004"] {
            XCTAssertTrue(ServerNameKind.isAddressLiteral(address), address)
        }
        let names = [
            "localhost", "example.com", "1.2.3", "1.2.3.4.5", "256.1.1.1", "1.2.3.x", "a.b.c.d", "1..2.3",
            "", "1.2.3.", ".1.2.3", "1.2.3.4.", "1000.1.1.1", "1.2.3.-4", "1.2.3.4x",
        ]
        for name in names {
            XCTAssertFalse(ServerNameKind.isAddressLiteral(name), name)
        }
    }
}
