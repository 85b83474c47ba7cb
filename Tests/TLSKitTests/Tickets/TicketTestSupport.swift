import Foundation
import XCTest

@testable import TLSKit

/// A clock tests can move; shared across threads like the real one.
final class TicketTestClock: Sendable {
    private let current: LockProtected<Date>

    init(_ start: Date = Date(timeIntervalSince1970: 1_700_000_000)) { current = LockProtected(start) }

    var now: Date { current.withValue { $0 } }
    var source: TimeSource { TimeSource { self.now } }

    func advance(by interval: TimeInterval) { current.withValue { $0 += interval } }
}

/// Deterministic, never-repeating "random" bytes: a running counter.
func countingRandom(startingAt start: UInt8 = 0) -> RandomSource {
    let next = LockProtected(start)
    return RandomSource { count in
        next.withValue { value in
            (0..<count).map { _ in
                defer { value &+= 1 }
                return value
            }
        }
    }
}

/// Asserts `body` throws a configuration ``TLSError`` whose description contains `text`.
func assertConfigurationError<T>(
    _ text: String, file: StaticString = #filePath, line: UInt = #line, _ body: () throws -> T
) {
    XCTAssertThrowsError(try body(), file: file, line: line) { error in
        guard let error = error as? TLSError else {
            return XCTFail("expected TLSError, got \(error)", file: file, line: line)
        }
        XCTAssertEqual(error.code, .invalidConfiguration, file: file, line: line)
        XCTAssertTrue(error.description.contains(text), "\"\(error.description)\" lacks \"\(text)\"", file: file, line: line)
    }
}

extension ServerSessionState {
    static func sample(createdAt: Date = Date(timeIntervalSince1970: 1_700_000_000), lifetime: UInt32 = 7200) -> Self {
        ServerSessionState(
            cipherSuite: .TLS_AES_256_GCM_SHA384,
            psk: Array(repeating: 0xA5, count: 48),
            createdAt: createdAt.millisecondsSince1970,
            lifetime: lifetime,
            ageAdd: 0xDEAD_BEEF,
            serverName: "example.com",
            applicationProtocol: "h2",
            clientCertificateChain: [[0x30, 0x03, 0x02, 0x01, 0x01], [0x30, 0x00]],
            clientCertificateVerified: true,
            maximumEarlyDataSize: 16_384
        )
    }
}
