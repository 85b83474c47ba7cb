import Foundation
import X509
import XCTest

@testable import TLSKit

final class TrustRootsTests: XCTestCase {
    func testPEMWithSeveralCertificatesLoadsThemAllInOrder() throws {
        let first = try CertifiedKey.selfSigned(names: ["one.test"]).chain[0]
        let second = try CertifiedKey.selfSigned(names: ["two.test"]).chain[0]
        let pem = try [first, second].map { try $0.serializeAsPEM().pemString }.joined(separator: "\n")
        XCTAssertEqual(try TrustRoots(pem: pem).certificates, [first, second])

        let file = try OpenSSL.temporaryFile(Array(pem.utf8))
        defer { try? FileManager.default.removeItem(atPath: file) }
        XCTAssertEqual(try TrustRoots(pemFile: file).certificates, [first, second])
        XCTAssertEqual(TrustRoots.certificates([second]).certificates, [second])
    }

    func testNoCertificateOrNoFileIsAConfigurationError() throws {
        guard case .p256(let key) = TestKeys.p256.backing else { return XCTFail("not P-256") }
        for pem in ["", "garbage", key.pemRepresentation] {
            assertThrowsTLSError(try TrustRoots(pem: pem), alert: nil, code: .invalidConfiguration, pem)
        }
        assertThrowsTLSError(try TrustRoots(pemFile: "/nonexistent/roots.pem"), alert: nil, code: .invalidConfiguration) {
            XCTAssertTrue($0.description.contains("cannot read /nonexistent/roots.pem"), "\($0)")
        }
    }

    func testSystemRootsComeFromTheFirstBundleFound() throws {
        guard let bundle = TrustRoots.systemBundlePaths.first(where: { FileManager.default.isReadableFile(atPath: $0) }) else {
            XCTAssertTrue(TrustRoots.system.certificates.isEmpty)
            return
        }
        let pem = try PEMFiles.read(bundle)
        XCTAssertFalse(TrustRoots.system.certificates.isEmpty)
        XCTAssertLessThanOrEqual(TrustRoots.system.certificates.count, pem.components(separatedBy: "BEGIN CERTIFICATE").count - 1)
    }
}
