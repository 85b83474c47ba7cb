import Foundation
import XCTest

@testable import TLSKit

final class ClientSessionTests: XCTestCase {
    private let received = Date(timeIntervalSince1970: 1_700_000_000.123)

    private func session(
        serverName: String = "example.com", ticket: [UInt8] = [1, 2, 3], lifetime: UInt32 = 7200,
        ageAdd: UInt32 = 0x1234_5678, receivedAt: Date? = nil, applicationProtocol: String? = "h2"
    ) -> ClientSession {
        ClientSession(
            serverName: serverName, cipherSuite: .TLS_AES_128_GCM_SHA256, psk: Array(repeating: 0x42, count: 32),
            ticket: ticket, lifetime: lifetime, ageAdd: ageAdd, receivedAt: receivedAt ?? received,
            maximumEarlyDataSize: 16384, applicationProtocol: applicationProtocol)
    }

    /// The binary inside a session's PEM text.
    private func body(of session: ClientSession) throws -> [UInt8] {
        let base64 = session.pemEncoded.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
        return Array(try XCTUnwrap(Data(base64Encoded: base64)))
    }

    /// PEM text made independently of the code under test (with CRLF line ends, which readers accept).
    private func pem(_ bytes: [UInt8], type: String = "TLSKIT SESSION") -> String {
        let base64 = Data(bytes).base64EncodedString(options: .lineLength64Characters)
        return "-----BEGIN \(type)-----\r\n\(base64)\r\n-----END \(type)-----\r\n"
    }

    func testIndependentlyMadePEMDecodes() throws {
        let original = session()
        XCTAssertEqual(try ClientSession(pemEncoded: pem(try body(of: original))), original)
    }

    func testPEMRoundTripsEveryField() throws {
        for original in [session(), session(applicationProtocol: nil), session(receivedAt: Date(timeIntervalSince1970: 1.0004))] {
            let text = original.pemEncoded
            XCTAssertTrue(text.hasPrefix("-----BEGIN TLSKIT SESSION-----\n"))
            XCTAssertTrue(text.hasSuffix("-----END TLSKIT SESSION-----\n"))
            let decoded = try ClientSession(pemEncoded: text)
            XCTAssertEqual(decoded, original)
            XCTAssertEqual(decoded.psk, original.psk)
            XCTAssertEqual(decoded.ageAdd, original.ageAdd)
        }
    }

    func testReceivedTimeKeepsMillisecondPrecision() throws {
        let decoded = try ClientSession(pemEncoded: session(receivedAt: Date(timeIntervalSince1970: 5.0126)).pemEncoded)
        XCTAssertEqual(decoded.receivedAt, Date(timeIntervalSince1970: 5.013))
        XCTAssertEqual(decoded.receivedAt.millisecondsSince1970, 5013)
    }

    func testDamagedBase64IsDamagedSessionData() {
        var lines = session().pemEncoded.split(separator: "\n").map(String.init)
        lines[1] = "!!" + lines[1].dropFirst(2)
        assertConfigurationError("damaged session data") { try ClientSession(pemEncoded: lines.joined(separator: "\n")) }
    }

    func testForeignPEMTypeIsNotATLSKitSession() throws {
        let certificate = pem(try body(of: session()), type: "CERTIFICATE")
        assertConfigurationError("not a TLSKit session: the PEM type is \"CERTIFICATE\"") {
            try ClientSession(pemEncoded: certificate)
        }
        assertConfigurationError("not a TLSKit session: no PEM block") { try ClientSession(pemEncoded: "hello") }
    }

    func testTruncatedBodyIsDamagedSessionData() throws {
        let bytes = try body(of: session())
        for length in 1..<bytes.count {
            assertConfigurationError("damaged session data") { try ClientSession(pemEncoded: pem(Array(bytes.prefix(length)))) }
        }
        assertConfigurationError("damaged session data") { try ClientSession(pemEncoded: pem(bytes + [0])) }
    }

    func testUnknownVersionIsNamed() throws {
        var bytes = try body(of: session())
        bytes[0] = 9
        assertConfigurationError("unsupported session version 9") { try ClientSession(pemEncoded: pem(bytes)) }
    }

    func testObfuscatedAgeIsMillisecondsPlusAgeAdd() {
        let session = session(ageAdd: 1000)
        XCTAssertEqual(session.obfuscatedTicketAge(now: received), 1000)
        XCTAssertEqual(session.obfuscatedTicketAge(now: received + 2.5), 3500)
        XCTAssertEqual(session.obfuscatedTicketAge(now: received - 10), 1000, "a clock moved backwards counts as age 0")
    }

    func testObfuscatedAgeWrapsModulo2To32() {
        let session = session(ageAdd: 0xFFFF_FFF0)
        XCTAssertEqual(session.obfuscatedTicketAge(now: received + 0.016), 0)
        XCTAssertEqual(session.obfuscatedTicketAge(now: received + 0.020), 4)
        // An age itself past 2^32 ms (about 49.7 days) also wraps.
        let longAgo = self.session(ageAdd: 0)
        XCTAssertEqual(longAgo.obfuscatedTicketAge(now: received + 4_294_967.296 + 0.005), 5)
    }

    func testExpiryFollowsLifetimeCappedAtSevenDays() {
        let short = session(lifetime: 60)
        XCTAssertFalse(short.isExpired(at: received + 59.999))
        XCTAssertTrue(short.isExpired(at: received + 60))
        XCTAssertTrue(session(lifetime: 0).isExpired(at: received), "lifetime zero: discard immediately")
        let long = session(lifetime: .max)
        XCTAssertFalse(long.isExpired(at: received + 604_799))
        XCTAssertTrue(long.isExpired(at: received + 604_800))
    }
}
