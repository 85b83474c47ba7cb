import XCTest

@testable import TLSKit

final class ServerSessionStateTests: XCTestCase {
    func testEncodingRoundTripsEveryField() throws {
        let state = ServerSessionState.sample()
        XCTAssertEqual(try ServerSessionState(encoded: state.encoded()), state)
    }

    func testEncodingRoundTripsAbsentOptionalFields() throws {
        let state = ServerSessionState(
            cipherSuite: .TLS_AES_128_GCM_SHA256, psk: Array(repeating: 1, count: 32),
            createdAt: 0x0102_0304_0506_0708, lifetime: 0, ageAdd: 0)
        let encoded = state.encoded()
        XCTAssertEqual(try ServerSessionState(encoded: encoded), state)
        // version, suite, psk, created (64-bit, big-endian), lifetime, age add, two absent flags, empty chain, not verified
        XCTAssertEqual(encoded.count, 1 + 2 + 1 + 32 + 8 + 4 + 4 + 1 + 1 + 3 + 1)
        XCTAssertEqual(encoded[0], ServerSessionState.currentVersion)
        XCTAssertEqual(Array(encoded[36..<44]), [1, 2, 3, 4, 5, 6, 7, 8])
    }

    func testUnknownVersionIsRejected() {
        var encoded = ServerSessionState.sample().encoded()
        encoded[0] = 2
        XCTAssertThrowsError(try ServerSessionState(encoded: encoded))
    }

    func testTrailingBytesAreRejected() {
        XCTAssertThrowsError(try ServerSessionState(encoded: ServerSessionState.sample().encoded() + [0]))
    }

    func testEveryTruncationIsRejected() {
        let encoded = ServerSessionState.sample().encoded()
        for length in 0..<encoded.count {
            XCTAssertThrowsError(try ServerSessionState(encoded: Array(encoded.prefix(length))), "length \(length)")
        }
    }

    func testPSKOfWrongLengthIsRejected() {
        var state = ServerSessionState.sample()
        state.psk = Array(repeating: 0, count: 16)
        XCTAssertThrowsError(try ServerSessionState(encoded: state.encoded()))
    }

    func testFlagOtherThanZeroOrOneIsRejected() {
        var encoded = ServerSessionState.sample().encoded()
        encoded[encoded.count - 1] = 2
        XCTAssertThrowsError(try ServerSessionState(encoded: encoded))
    }

    func testExpiryIsCreationPlusLifetime() {
        let state = ServerSessionState.sample(createdAt: Date(timeIntervalSince1970: 10), lifetime: 5)
        XCTAssertEqual(state.expiresAt, 15_000)
        var far = state
        far.createdAt = .max - 1
        XCTAssertEqual(far.expiresAt, .max)
    }
}
