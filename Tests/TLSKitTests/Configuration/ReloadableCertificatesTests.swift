import Crypto
import Foundation
import X509
import XCTest

@testable import TLSKit

/// Certificates replaced while a server runs: new handshakes get the new chain, established
/// connections keep theirs, and a bad replacement never takes the good one out of service.
final class ReloadableCertificatesTests: XCTestCase {
    private var directory: URL!

    override func setUpWithError() throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("tlskit-reload-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    override func tearDown() {
        try? FileManager.default.removeItem(at: directory)
    }

    private struct Written {
        let certified: CertifiedKey
        let files: ReloadableCertificates.Files
    }

    /// A self-signed P-256 chain for localhost written as PEM files named after `label`;
    /// `issuedAt` moves its validity window (an hour before to a day after that moment).
    private func write(_ label: String, issuedAt: Date = Date()) throws -> Written {
        let key = P256.Signing.PrivateKey()
        let certified = try CertifiedKey.selfSigned(names: ["localhost"], key: SigningKey(key), now: issuedAt)
        let files = ReloadableCertificates.Files(
            chainPEMFile: directory.appendingPathComponent("\(label).pem").path,
            privateKeyPEMFile: directory.appendingPathComponent("\(label).key").path)
        try certified.chain[0].serializeAsPEM().pemString.write(toFile: files.chainPEMFile, atomically: true, encoding: .utf8)
        try key.pemRepresentation.write(toFile: files.privateKeyPEMFile, atomically: true, encoding: .utf8)
        return Written(certified: certified, files: files)
    }

    /// Copies `source`'s files over `target`'s, as an operator deploying new files would.
    private func install(_ source: Written, over target: ReloadableCertificates.Files) throws {
        for (from, to) in [(source.files.chainPEMFile, target.chainPEMFile), (source.files.privateKeyPEMFile, target.privateKeyPEMFile)] {
            let temporary = to + ".new"
            try? FileManager.default.removeItem(atPath: temporary)
            try FileManager.default.copyItem(atPath: from, toPath: temporary)
            // A rename over the old file: readers see the old file or the new one, never half.
            XCTAssertEqual(rename(temporary, to), 0, "rename \(temporary)")
        }
    }

    private func handshake(_ configuration: ServerConfiguration, trusting roots: [CertifiedKey]) throws -> ConnectionPair {
        var client = ClientConfiguration()
        client.trustRoots = .certificates(roots.map { $0.chain[0] })
        let pair = try ConnectionPair(clientConfiguration: client, serverConfiguration: configuration)
        try pair.exchange()
        XCTAssertTrue(pair.client.isHandshakeComplete)
        return pair
    }

    private func leaf(of pair: ConnectionPair) -> Certificate? {
        pair.client.negotiatedParameters?.peerCertificates.first
    }

    func testNewHandshakesUseTheReplacementAndEstablishedConnectionsKeepWorking() throws {
        let first = try write("first")
        let second = try write("second")
        let certificates = try ReloadableCertificates(files: [first.files])
        let configuration = ServerConfiguration(certificateResolver: certificates)
        let before = try handshake(configuration, trusting: [first.certified, second.certified])
        XCTAssertEqual(leaf(of: before), first.certified.chain[0])

        try install(second, over: first.files)
        try certificates.reload()

        let after = try handshake(configuration, trusting: [first.certified, second.certified])
        XCTAssertEqual(leaf(of: after), second.certified.chain[0])
        // The connection made before the reload still carries data both ways.
        try before.client.write(Array("ping".utf8))
        try before.exchange()
        XCTAssertEqual(before.server.readApplicationData(), Array("ping".utf8))
        try before.server.write(Array("pong".utf8))
        try before.exchange()
        XCTAssertEqual(before.client.readApplicationData(), Array("pong".utf8))
    }

    func testCorruptReplacementIsRefusedAndTheOldChainStays() throws {
        let first = try write("first")
        let certificates = try ReloadableCertificates(files: [first.files])
        try "-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n"
            .write(toFile: first.files.chainPEMFile, atomically: true, encoding: .utf8)
        XCTAssertThrowsError(try certificates.reload()) { error in
            XCTAssertTrue("\(error)".contains(first.files.chainPEMFile), "names the file: \(error)")
        }
        XCTAssertEqual(certificates.certificates.first?.chain, first.certified.chain)
        let pair = try handshake(ServerConfiguration(certificateResolver: certificates), trusting: [first.certified])
        XCTAssertEqual(leaf(of: pair), first.certified.chain[0])
    }

    func testKeyThatDoesNotMatchTheCertificateIsRefused() throws {
        let first = try write("first")
        let other = try write("other")
        let certificates = try ReloadableCertificates(files: [first.files])
        // A new certificate deployed without its key.
        try FileManager.default.removeItem(atPath: first.files.chainPEMFile)
        try FileManager.default.copyItem(atPath: other.files.chainPEMFile, toPath: first.files.chainPEMFile)
        XCTAssertThrowsError(try certificates.reload()) { error in
            XCTAssertTrue("\(error)".contains("does not match"), "\(error)")
        }
        XCTAssertEqual(certificates.certificates.first?.chain, first.certified.chain)
    }

    func testExpiredReplacementIsRefused() throws {
        let current = try write("current")
        let expired = try write("expired", issuedAt: Date().addingTimeInterval(-3 * 24 * 3600))
        let certificates = try ReloadableCertificates(files: [current.files])
        try install(expired, over: current.files)
        XCTAssertThrowsError(try certificates.reload()) { error in
            XCTAssertTrue("\(error)".contains("expired"), "\(error)")
        }
        XCTAssertThrowsError(try certificates.replace(with: [expired.certified]))
        XCTAssertEqual(certificates.certificates.first?.chain, current.certified.chain)
        XCTAssertThrowsError(try ReloadableCertificates(files: [expired.files]), "an expired chain is refused at start too")
    }

    func testNotYetValidReplacementIsRefused() throws {
        let current = try write("current")
        let future = try write("future", issuedAt: Date().addingTimeInterval(2 * 24 * 3600))
        let certificates = try ReloadableCertificates([current.certified])
        XCTAssertThrowsError(try certificates.replace(with: [future.certified]))
        XCTAssertThrowsError(try certificates.replace(with: []))
        XCTAssertEqual(certificates.certificates.first?.chain, current.certified.chain)
    }

    func testReloadIfChangedWaitsForTheFilesToSettleAndLoadsOnce() throws {
        let first = try write("first")
        let second = try write("second")
        let certificates = try ReloadableCertificates(files: [first.files])
        XCTAssertFalse(try certificates.reloadIfChanged(), "nothing changed")
        try install(second, over: first.files)
        XCTAssertFalse(try certificates.reloadIfChanged(), "a change is loaded once it is seen twice")
        XCTAssertEqual(certificates.certificates.first?.chain, first.certified.chain)
        XCTAssertTrue(try certificates.reloadIfChanged())
        XCTAssertEqual(certificates.certificates.first?.chain, second.certified.chain)
        XCTAssertFalse(try certificates.reloadIfChanged(), "loaded files are not read again")
    }

    func testABrokenChangeIsReportedOnceUntilTheFilesChangeAgain() throws {
        let first = try write("first")
        let second = try write("second")
        let certificates = try ReloadableCertificates(files: [first.files])
        try "garbage".write(toFile: first.files.privateKeyPEMFile, atomically: true, encoding: .utf8)
        XCTAssertFalse(try certificates.reloadIfChanged())
        XCTAssertThrowsError(try certificates.reloadIfChanged())
        XCTAssertFalse(try certificates.reloadIfChanged(), "the same broken files are not reported again")
        try install(second, over: first.files)
        XCTAssertFalse(try certificates.reloadIfChanged())
        XCTAssertTrue(try certificates.reloadIfChanged())
        XCTAssertEqual(certificates.certificates.first?.chain, second.certified.chain)
    }

    func testResolverChoosesByServerName() throws {
        let alpha = try CertifiedKey.selfSigned(names: ["alpha.example"], key: .generateP256(), now: Date())
        let beta = try CertifiedKey.selfSigned(names: ["beta.example"], key: .generateP256(), now: Date())
        let certificates = try ReloadableCertificates([alpha, beta])
        XCTAssertEqual(certificates.certifiedKey(forServerName: "beta.example").chain, beta.chain)
        XCTAssertEqual(certificates.certifiedKey(forServerName: "other.example").chain, alpha.chain)
        XCTAssertEqual(certificates.certifiedKey(forServerName: nil).chain, alpha.chain)
    }

    func testConfigurationWithAResolverValidates() throws {
        let certificates = try ReloadableCertificates([TestPKI.certifiedKey()])
        XCTAssertNoThrow(try ServerConfiguration(certificateResolver: certificates).validate())
    }
}
