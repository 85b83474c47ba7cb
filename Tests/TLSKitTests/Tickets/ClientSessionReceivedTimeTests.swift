import Foundation
import XCTest

@testable import TLSKit

/// A serialized session's received_at must read back as the value written: found by the
/// client-session fuzz target, which read a session from 2^64 - 4 * 10^12 ms after 1970
/// and wrote it back with a different time.
final class ClientSessionReceivedTimeTests: XCTestCase {
    /// The fuzzer's input (Fuzz/Corpus/client-session/regression-received-at-beyond-year-9999
    /// without its form byte): a valid session whose received_at is 0xFFFFFC44D33C27FF.
    private let fuzzerSession = Hex.decode("0100001301200000000000000000000000000000000000000000000000000000000000000000003c000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738383a3b00001c2001120304fffffc44d33c27ff0000000000")!

    private func pem(_ bytes: [UInt8]) -> String {
        "-----BEGIN TLSKIT SESSION-----\n\(Data(bytes).base64EncodedString(options: .lineLength64Characters))\n-----END TLSKIT SESSION-----\n"
    }

    /// received_at is the 8 bytes before max_early_data_size (4) and the absent ALPN flag (1).
    private func withReceivedAt(_ milliseconds: UInt64) -> [UInt8] {
        var bytes = fuzzerSession
        let start = bytes.count - 13
        for index in 0..<8 { bytes[start + index] = UInt8(truncatingIfNeeded: milliseconds >> (56 - 8 * UInt64(index))) }
        return bytes
    }

    private func receivedAtWritten(by session: ClientSession) throws -> UInt64 {
        let base64 = session.pemEncoded.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
        let bytes = Array(try XCTUnwrap(Data(base64Encoded: base64)))
        return bytes[(bytes.count - 13)..<(bytes.count - 5)].reduce(0) { $0 << 8 | UInt64($1) }
    }

    func testReceivedTimeBeyondYear9999IsDamagedSessionData() {
        XCTAssertThrowsError(try ClientSession(pemEncoded: pem(fuzzerSession))) { error in
            XCTAssertEqual((error as? TLSError)?.code, .invalidConfiguration)
            XCTAssertTrue("\(error)".contains("damaged session data"), "\(error)")
        }
        XCTAssertThrowsError(try ClientSession(pemEncoded: pem(withReceivedAt(ClientSession.latestReceivedAt + 1))))
    }

    func testEveryAcceptedReceivedTimeReadsBackAsWritten() throws {
        var values: [UInt64] = [0, 1, 1_700_000_000_123, ClientSession.latestReceivedAt]
        values += (1...2_000).map { ClientSession.latestReceivedAt - $0 }
        for milliseconds in values {
            let session = try ClientSession(pemEncoded: pem(withReceivedAt(milliseconds)))
            XCTAssertEqual(try receivedAtWritten(by: session), milliseconds)
            XCTAssertEqual(try ClientSession(pemEncoded: session.pemEncoded), session)
        }
    }
}
