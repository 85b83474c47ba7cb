import Foundation
import X509
import XCTest

@testable import TLSKit

final class CertifiedKeyTests: XCTestCase {
    func testSelfSignedCertificateVerifiesAgainstItselfForItsNames() throws {
        let certified = try CertifiedKey.selfSigned()
        let roots = TrustRoots.certificates(certified.chain)
        for name in ["localhost", "LOCALHOST", "127.0.0.1", "::1"] {
            XCTAssertEqual(
                try ChainVerification.verify(chainDER: certified.chainDER, roots: roots, serverName: name, now: Date()),
                certified.chain, name
            )
        }
        XCTAssertNoThrow(try ChainVerification.verify(chainDER: certified.chainDER, roots: roots, serverName: nil, now: Date()))
    }

    func testSelfSignedCertificateFailsForAnotherNameWithNameMismatch() throws {
        let certified = try CertifiedKey.selfSigned()
        for name in ["example.com", "127.0.0.2", "::2"] {
            assertThrowsTLSError(
                try ChainVerification.verify(chainDER: certified.chainDER, roots: .certificates(certified.chain), serverName: name, now: Date()),
                alert: .badCertificate, code: .certificateVerificationFailed, name
            ) { XCTAssertTrue($0.description.contains("name mismatch"), "\($0)") }
        }
    }

    func testSelfSignedCertificateIsNotTrustedWithoutBeingARoot() throws {
        let certified = try CertifiedKey.selfSigned()
        let other = try CertifiedKey.selfSigned()
        assertThrowsTLSError(
            try ChainVerification.verify(chainDER: certified.chainDER, roots: .certificates(other.chain), serverName: "localhost", now: Date()),
            alert: .unknownCA, code: .certificateVerificationFailed
        )
    }

    func testSelfSignedCertificateHasTheDocumentedShape() throws {
        let now = Date()
        let certified = try CertifiedKey.selfSigned(names: ["a.test", "192.0.2.7"], key: TestKeys.p256, now: now)
        let certificate = try XCTUnwrap(certified.chain.first)
        XCTAssertEqual(certified.chain.count, 1)
        XCTAssertEqual(certificate.issuer, certificate.subject)
        XCTAssertEqual(certificate.notValidBefore.timeIntervalSince(now), -3600, accuracy: 1)
        XCTAssertEqual(certificate.notValidAfter.timeIntervalSince(now), 86400, accuracy: 1)
        XCTAssertEqual(try certificate.extensions.basicConstraints, .notCertificateAuthority)
        let keyUsage = try XCTUnwrap(try certificate.extensions.keyUsage)
        XCTAssertTrue(keyUsage.digitalSignature)
        XCTAssertFalse(keyUsage.keyCertSign)
        XCTAssertEqual(certificate.signatureAlgorithm, .ecdsaWithSHA256)
        XCTAssertEqual(certified.dnsNames, ["a.test", "192.0.2.7"])
        XCTAssertEqual(certified.ipAddresses, [[192, 0, 2, 7]])
        XCTAssertEqual(certified.chainDER, [try PEMFiles.derBytes(of: certificate)])
        XCTAssertEqual(try Certificate(derEncoded: certified.chainDER[0]), certificate)
    }

    func testSelfSignedCertificatesWorkWithEveryKeyType() throws {
        for key in TestKeys.all {
            let certified = try CertifiedKey.selfSigned(names: ["localhost"], key: key)
            XCTAssertNoThrow(
                try ChainVerification.verify(chainDER: certified.chainDER, roots: .certificates(certified.chain), serverName: "localhost", now: Date()),
                key.keyDescription
            )
        }
    }

    func testAKeyThatDoesNotMatchTheLeafIsRefused() throws {
        let certified = try CertifiedKey.selfSigned()
        assertThrowsTLSError(try CertifiedKey(chain: certified.chain, privateKey: .generateP256()), alert: nil, code: .invalidConfiguration)
        assertThrowsTLSError(try CertifiedKey(chain: certified.chain, privateKey: TestKeys.rsa2048), alert: nil, code: .invalidConfiguration)
        assertThrowsTLSError(try CertifiedKey(chain: [], privateKey: certified.privateKey), alert: nil, code: .invalidConfiguration)
        XCTAssertNoThrow(try CertifiedKey(chain: certified.chain, privateKey: certified.privateKey))
    }

    func testServerNamesMatchExactlyOrByOneWildcardLabel() throws {
        let certified = try CertifiedKey.selfSigned(names: ["*.example.test", "example.org", "192.0.2.1", "2001:db8::1"])
        XCTAssertEqual(certified.dnsNames, ["*.example.test", "example.org", "192.0.2.1", "2001:db8::1"])
        for name in ["www.example.test", "WWW.Example.Test.", "example.org", "EXAMPLE.ORG", "192.0.2.1", "2001:DB8:0:0::1"] {
            XCTAssertTrue(certified.matches(serverName: name), name)
        }
        for name in ["example.test", "a.b.example.test", ".example.test", "www.example.org", "192.0.2.2", "2001:db8::2", ""] {
            XCTAssertFalse(certified.matches(serverName: name), name)
        }
    }

    func testPEMTextAndFilesLoad() throws {
        let certified = try CertifiedKey.selfSigned(key: TestKeys.p384)
        guard case .p384(let key) = certified.privateKey.backing else { return XCTFail("not P-384") }
        let chainPEM = try certified.chain[0].serializeAsPEM().pemString
        let fromText = try CertifiedKey(chainPEM: chainPEM, privateKeyPEM: key.pemRepresentation)
        XCTAssertEqual(fromText.chainDER, certified.chainDER)
        XCTAssertEqual(fromText.privateKey.publicKey, certified.privateKey.publicKey)

        let chainFile = try OpenSSL.temporaryFile(Array(chainPEM.utf8))
        let keyFile = try OpenSSL.temporaryFile(Array(key.pemRepresentation.utf8))
        defer { for file in [chainFile, keyFile] { try? FileManager.default.removeItem(atPath: file) } }
        let fromFiles = try CertifiedKey(chainPEMFile: chainFile, privateKeyPEMFile: keyFile)
        XCTAssertEqual(fromFiles.chainDER, certified.chainDER)

        let missing = "/nonexistent/tlskit/missing.pem"
        for (chain, privateKey) in [(missing, keyFile), (chainFile, missing)] {
            assertThrowsTLSError(try CertifiedKey(chainPEMFile: chain, privateKeyPEMFile: privateKey), alert: nil, code: .invalidConfiguration) {
                XCTAssertTrue($0.description.contains("cannot read \(missing)"), "\($0)")
            }
        }
        // The key file is named when its contents are wrong.
        assertThrowsTLSError(try CertifiedKey(chainPEMFile: chainFile, privateKeyPEMFile: chainFile), alert: nil, code: .invalidConfiguration) {
            XCTAssertTrue($0.description.contains(chainFile), "\($0)")
            XCTAssertEqual($0.description.components(separatedBy: "invalid configuration").count, 2, "one prefix: \($0)")
        }
    }
}
