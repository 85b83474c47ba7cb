import Foundation
import X509
import XCTest

@testable import TLSKit

final class ChainVerificationTests: XCTestCase {
    private typealias Certs = TestCertificates
    private let rootKey = TestKeys.p384
    private let leafKey = TestKeys.p256

    private func root() throws -> Certificate { try Certs.authority("Test Root", key: rootKey) }

    private func leaf(_ names: [String] = ["server.test"], notValidBefore: Date = Certs.now - Certs.hour, notValidAfter: Date = Certs.now + Certs.day) throws -> Certificate {
        try Certs.leaf(dnsNames: names, key: leafKey, issuerName: "Test Root", issuerKey: rootKey, notValidBefore: notValidBefore, notValidAfter: notValidAfter)
    }

    func testLeafIssuedByARootVerifies() throws {
        let leaf = try leaf()
        let chain = try ChainVerification.verify(chainDER: Certs.der(leaf), roots: .certificates([root()]), serverName: "server.test", now: Certs.now)
        XCTAssertEqual(chain, [leaf])
    }

    func testChainThroughAnIntermediateVerifiesAndIsReturnedAsPresented() throws {
        let intermediateKey = TestKeys.rsa2048
        let intermediate = try Certs.authority("Test Intermediate", key: intermediateKey, issuer: ("Test Root", rootKey))
        let leaf = try Certs.leaf(dnsNames: ["a.test"], key: TestKeys.ed25519, issuerName: "Test Intermediate", issuerKey: intermediateKey)
        let chain = try ChainVerification.verify(chainDER: Certs.der(leaf, intermediate), roots: .certificates([root()]), serverName: "a.test", now: Certs.now)
        XCTAssertEqual(chain, [leaf, intermediate])
        // Without the intermediate there is no path.
        assertThrowsTLSError(
            try ChainVerification.verify(chainDER: Certs.der(leaf), roots: .certificates([root()]), serverName: "a.test", now: Certs.now),
            alert: .unknownCA, code: .certificateVerificationFailed
        )
    }

    func testWildcardNamesMatchOneLabel() throws {
        let leaf = try leaf(["*.example.test"])
        let roots = TrustRoots.certificates([try root()])
        XCTAssertNoThrow(try ChainVerification.verify(chainDER: Certs.der(leaf), roots: roots, serverName: "www.example.test", now: Certs.now))
        for name in ["example.test", "a.www.example.test"] {
            assertThrowsTLSError(
                try ChainVerification.verify(chainDER: Certs.der(leaf), roots: roots, serverName: name, now: Certs.now),
                alert: .badCertificate, code: .certificateVerificationFailed, name
            ) { XCTAssertTrue($0.description.contains("name mismatch"), "\($0)") }
        }
    }

    func testClientCertificatesAreNotMatchedByName() throws {
        XCTAssertNoThrow(try ChainVerification.verify(chainDER: Certs.der(leaf(["client"])), roots: .certificates([root()]), serverName: nil, now: Certs.now))
    }

    func testExpiredOrNotYetValidLeafIsCertificateExpired() throws {
        let expired = try leaf(notValidBefore: Certs.now - 10 * Certs.day, notValidAfter: Certs.now - Certs.day)
        let early = try leaf(notValidBefore: Certs.now + Certs.hour, notValidAfter: Certs.now + Certs.day)
        for certificate in [expired, early] {
            for serverName in ["server.test", "other.test", nil] {
                assertThrowsTLSError(
                    try ChainVerification.verify(chainDER: Certs.der(certificate), roots: .certificates([root()]), serverName: serverName, now: Certs.now),
                    alert: .certificateExpired, code: .certificateVerificationFailed
                )
            }
        }
        // Validity is judged at the given time, not by the system clock.
        let longLivedRoot = try Certs.authority("Test Root", key: rootKey, notValidBefore: Certs.now - 20 * Certs.day)
        let then = Certs.now - 2 * Certs.day
        XCTAssertNoThrow(try ChainVerification.verify(chainDER: Certs.der(expired), roots: .certificates([longLivedRoot]), serverName: "server.test", now: then))
    }

    func testExpiredRootIsCertificateExpired() throws {
        let expiredRoot = try Certs.authority("Test Root", key: rootKey, notValidBefore: Certs.now - 10 * Certs.day, notValidAfter: Certs.now - Certs.day)
        assertThrowsTLSError(
            try ChainVerification.verify(chainDER: Certs.der(leaf()), roots: .certificates([expiredRoot]), serverName: "server.test", now: Certs.now),
            alert: .certificateExpired, code: .certificateVerificationFailed
        )
    }

    func testUnrelatedRootIsUnknownCA() throws {
        let unrelated = try Certs.authority("Other Root", key: TestKeys.ed25519)
        assertThrowsTLSError(
            try ChainVerification.verify(chainDER: Certs.der(leaf()), roots: .certificates([unrelated]), serverName: "server.test", now: Certs.now),
            alert: .unknownCA, code: .certificateVerificationFailed
        )
        assertThrowsTLSError(
            try ChainVerification.verify(chainDER: Certs.der(leaf()), roots: .certificates([]), serverName: nil, now: Certs.now),
            alert: .unknownCA, code: .certificateVerificationFailed
        )
    }

    func testRootWithTheRightNameButAnotherKeyIsUnknownCA() throws {
        let impostor = try Certs.authority("Test Root", key: TestKeys.p256)
        assertThrowsTLSError(
            try ChainVerification.verify(chainDER: Certs.der(leaf()), roots: .certificates([impostor]), serverName: "server.test", now: Certs.now),
            alert: .unknownCA, code: .certificateVerificationFailed
        )
    }

    func testIssuerThatIsNotACAIsABadCertificate() throws {
        let notCA = try Certs.leaf(dnsNames: ["Fake CA"], key: TestKeys.rsa2048, issuerName: "Test Root", issuerKey: rootKey)
        let leaf = try Certs.leaf(dnsNames: ["server.test"], key: leafKey, issuerName: "Fake CA", issuerKey: TestKeys.rsa2048)
        assertThrowsTLSError(
            try ChainVerification.verify(chainDER: Certs.der(leaf, notCA), roots: .certificates([root()]), serverName: "server.test", now: Certs.now),
            alert: .badCertificate, code: .certificateVerificationFailed
        ) { XCTAssertFalse($0.description.contains("name mismatch"), "\($0)") }
    }

    func testEmptyOrMalformedChainIsABadCertificate() throws {
        let roots = TrustRoots.certificates([try root()])
        var truncated = try Certs.der(leaf())[0]
        truncated.removeLast(10)
        for chainDER in [[], [[]], [[0x30, 0x03, 0x02, 0x01, 0x00]], [truncated]] {
            assertThrowsTLSError(
                try ChainVerification.verify(chainDER: chainDER, roots: roots, serverName: "server.test", now: Certs.now),
                alert: .badCertificate, code: .certificateVerificationFailed
            )
        }
    }

    func testParseReturnsUntrustedCertificatesWithoutVerifying() throws {
        let expired = try leaf(notValidBefore: Certs.now - 10 * Certs.day, notValidAfter: Certs.now - Certs.day)
        XCTAssertEqual(try ChainVerification.parse(chainDER: Certs.der(expired)), [expired])
        assertThrowsTLSError(try ChainVerification.parse(chainDER: [[1, 2, 3]]), alert: .badCertificate, code: .certificateVerificationFailed)
    }
}
