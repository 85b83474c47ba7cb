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
        // version, suite, psk, created (64-bit, big-endian), lifetime, age add, two absent flags, empty chain, not
        // verified; no early data, so version 1 and no max_early_data_size
        XCTAssertEqual(encoded.count, 1 + 2 + 1 + 32 + 8 + 4 + 4 + 1 + 1 + 3 + 1)
        XCTAssertEqual(encoded[0], 1)
        XCTAssertEqual(Array(encoded[36..<44]), [1, 2, 3, 4, 5, 6, 7, 8])
    }

    func testUnknownVersionIsRejected() {
        for version: UInt8 in [0, ServerSessionState.currentVersion + 1, 0xFF] {
            var encoded = ServerSessionState.sample().encoded()
            encoded[0] = version
            XCTAssertThrowsError(try ServerSessionState(encoded: encoded), "version \(version)")
        }
    }

    func testMaximumEarlyDataSizeIsTheLastFourBytesOfVersion2() throws {
        var state = ServerSessionState.sample()
        state.maximumEarlyDataSize = 0x0102_0304
        let encoded = state.encoded()
        XCTAssertEqual(encoded[0], 2)
        XCTAssertEqual(Array(encoded.suffix(4)), [1, 2, 3, 4])
        XCTAssertEqual(try ServerSessionState(encoded: encoded).maximumEarlyDataSize, 0x0102_0304)
    }

    /// A state without early data is written as version 1, which servers that predate the limit
    /// read too; each state has exactly one encoding.
    func testStateWithoutEarlyDataIsVersion1AndCanonical() throws {
        var state = ServerSessionState.sample()
        state.maximumEarlyDataSize = 0
        let version1 = state.encoded()
        XCTAssertEqual(version1[0], 1)
        XCTAssertEqual(try ServerSessionState(encoded: version1), state)
        XCTAssertThrowsError(try ServerSessionState(encoded: version1 + [0, 0, 0, 0]), "version 1 has no max_early_data_size")
        XCTAssertThrowsError(try ServerSessionState(encoded: [2] + version1.dropFirst()), "version 2 needs max_early_data_size")
        XCTAssertThrowsError(
            try ServerSessionState(encoded: [2] + version1.dropFirst() + [0, 0, 0, 0]), "a zero limit is written as version 1")
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
        encoded[encoded.count - 5] = 2  // client_certificate_verified, before max_early_data_size
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
