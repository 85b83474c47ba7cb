import Foundation
import XCTest

@testable import TLSKit

final class VerifiedChainCacheTests: XCTestCase {
    func testSecondVerificationOfTheSameChainIsServedFromTheCache() throws {
        let certified = try CertifiedKey.selfSigned(names: ["localhost"])
        let roots = TrustRoots.certificates([certified.chain[0]])
        let now = Date()
        let key = VerifiedChainCache.key(chainDER: certified.chainDER, serverName: "localhost")
        XCTAssertNil(roots.verifiedChains.lookup(key, now: now))
        let first = try ChainVerification.verify(chainDER: certified.chainDER, roots: roots, serverName: "localhost", now: now)
        XCTAssertEqual(roots.verifiedChains.lookup(key, now: now), first)
        XCTAssertEqual(try ChainVerification.verify(chainDER: certified.chainDER, roots: roots, serverName: "localhost", now: now), first)
    }

    func testCacheIsPerNameAndNeverHoldsFailures() throws {
        let certified = try CertifiedKey.selfSigned(names: ["localhost"])
        let roots = TrustRoots.certificates([certified.chain[0]])
        _ = try ChainVerification.verify(chainDER: certified.chainDER, roots: roots, serverName: "localhost", now: Date())
        XCTAssertThrowsError(try ChainVerification.verify(chainDER: certified.chainDER, roots: roots, serverName: "example.com", now: Date()))
        XCTAssertNil(roots.verifiedChains.lookup(VerifiedChainCache.key(chainDER: certified.chainDER, serverName: "example.com"), now: Date()))
    }

    func testCachedChainExpiresWithItsCertificatesAndAfterAnHour() throws {
        let certified = try CertifiedKey.selfSigned(names: ["localhost"])
        let roots = TrustRoots.certificates([certified.chain[0]])
        let now = Date()
        _ = try ChainVerification.verify(chainDER: certified.chainDER, roots: roots, serverName: "localhost", now: now)
        let key = VerifiedChainCache.key(chainDER: certified.chainDER, serverName: "localhost")
        XCTAssertNotNil(roots.verifiedChains.lookup(key, now: now.addingTimeInterval(3500)))
        XCTAssertNil(roots.verifiedChains.lookup(key, now: now.addingTimeInterval(3700)))
        // The self-signed certificate is valid for a day: past that, verification fails again.
        XCTAssertThrowsError(
            try ChainVerification.verify(chainDER: certified.chainDER, roots: roots, serverName: "localhost", now: now.addingTimeInterval(3 * 86_400))
        ) { error in
            XCTAssertEqual((error as? TLSError)?.alertSent, .certificateExpired)
        }
    }

    func testOtherRootsDoNotShareTheCache() throws {
        let certified = try CertifiedKey.selfSigned(names: ["localhost"])
        _ = try ChainVerification.verify(
            chainDER: certified.chainDER, roots: .certificates([certified.chain[0]]), serverName: "localhost", now: Date())
        let stranger = TrustRoots.certificates([try CertifiedKey.selfSigned().chain[0]])
        XCTAssertThrowsError(try ChainVerification.verify(chainDER: certified.chainDER, roots: stranger, serverName: "localhost", now: Date()))
    }
}
