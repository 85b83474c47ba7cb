import Crypto
import XCTest

@testable import TLSKit

/// Every crypto provider protects records the same way: what one seals, the others open, byte
/// for byte, for each suite, content length and padding; and a tampered record fails under each.
final class CryptoProviderTests: XCTestCase {
    func testTheDefaultProviderFollowsTheTrait() {
        #if BoringSSLProvider
        XCTAssertEqual(CryptoProvider.default, .boringSSL)
        #else
        XCTAssertEqual(CryptoProvider.default, .swiftCrypto)
        #endif
        XCTAssertEqual(ServerConfiguration(certificate: TestPKI.certifiedKey()).cryptoProvider, .default)
        XCTAssertEqual(ClientConfiguration().cryptoProvider, .default)
        print("crypto provider: \(CryptoProvider.default)")
    }

    func testProvidersSealTheSameBytesAndOpenEachOthersRecords() throws {
        let suites: [CipherSuite] = [.TLS_AES_128_GCM_SHA256, .TLS_AES_256_GCM_SHA384, .TLS_CHACHA20_POLY1305_SHA256]
        for suite in suites {
            let secret = SymmetricKey(data: (0..<suite.hashLength).map { UInt8(truncatingIfNeeded: $0 &* 13 &+ 5) })
            // Fragments at and just past the length up to which swift-crypto's sealed box is
            // built whole.
            let limit = RecordAEAD.combinedOpeningLimit - 1 - RecordAEAD.tagLength
            for (length, padding) in [(0, 0), (1, 0), (100, 7), (limit, 0), (limit + 1, 0), (16_383, 1), (16_384, 0)] {
                let content = (0..<length).map { UInt8(truncatingIfNeeded: $0) }
                var sealed: [[UInt8]] = []
                for provider in CryptoProvider.all {
                    var writer = RecordProtection(suite: suite, trafficSecret: secret, provider: provider)
                    var output: [UInt8] = []
                    try writer.seal(contentType: .applicationData, plaintext: content, padding: padding, into: &output)
                    sealed.append(output)
                }
                XCTAssertEqual(Set(sealed).count, 1, "\(suite), \(length) + \(padding): every provider seals the same bytes")
                var deframer = RecordDeframer()
                let record = try XCTUnwrap(try deframer.records(sealed[0]).first)
                for provider in CryptoProvider.all {
                    var reader = RecordProtection(suite: suite, trafficSecret: secret, provider: provider)
                    XCTAssertEqual(try reader.open(record).content, content, "\(suite), \(length) + \(padding), opened by \(provider)")
                    var tampered = record
                    tampered.fragment[tampered.fragment.count / 2] ^= 1
                    var fresh = RecordProtection(suite: suite, trafficSecret: secret, provider: provider)
                    XCTAssertThrowsError(try fresh.open(tampered)) { XCTAssertEqual(($0 as? TLSError)?.alertSent, .badRecordMAC) }
                }
            }
        }
    }

    /// A ticket sealed on one provider opens on every other (a fleet may mix builds), and a
    /// ticket with one bit changed opens on none.
    func testProvidersSealTicketsEachOtherOpens() throws {
        let ring = try SessionTicketKeyRing()
        let state = (0..<300).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        for sealer in CryptoProvider.all {
            let ticket = ring.seal(state, provider: sealer)
            XCTAssertEqual(ticket.count, SessionTicketKey.nameLength + 12 + state.count + 16)
            XCTAssertEqual(Array(ticket.prefix(SessionTicketKey.nameLength)), ring.keys[0].name)
            for opener in CryptoProvider.all {
                XCTAssertEqual(try ring.open(ticket, provider: opener).get(), state, "sealed by \(sealer), opened by \(opener)")
                for index in [SessionTicketKey.nameLength + 3, ticket.count / 2, ticket.count - 1] {
                    var tampered = ticket
                    tampered[index] ^= 0x20
                    guard case .failure(.malformed) = ring.open(tampered, provider: opener) else {
                        return XCTFail("a ticket changed at byte \(index) opened on \(opener)")
                    }
                }
            }
        }
    }
}
