import Crypto
import X509
import XCTest
import _CryptoExtras

@testable import TLSKit

final class SigningKeyPEMTests: XCTestCase {
    private let message = Array("CertificateVerify content".utf8)

    /// Parses `pem`, checks its schemes, that it signs verifiably, and (when given) that its
    /// public key is the one OpenSSL derives.
    private func assertLoads(
        _ pem: String,
        schemes: [SignatureScheme],
        publicKeyPEM: String? = nil,
        file: StaticString = #filePath,
        line: UInt = #line
    ) throws {
        let key = try SigningKey(pemRepresentation: pem)
        XCTAssertEqual(key.signatureSchemes, schemes, file: file, line: line)
        let signature = try key.sign(message, scheme: schemes[0])
        XCTAssertNoThrow(try verifySignature(signature, scheme: schemes[0], message: message, publicKey: key.publicKey), file: file, line: line)
        if let publicKeyPEM {
            XCTAssertEqual(key.publicKey, try Certificate.PublicKey(pemEncoded: publicKeyPEM), file: file, line: line)
        }
    }

    func testSwiftCryptoPEMEncodingsLoad() throws {
        let p256 = P256.Signing.PrivateKey()
        try assertLoads(p256.pemRepresentation, schemes: [.ecdsa_secp256r1_sha256])
        XCTAssertEqual(try SigningKey(pemRepresentation: p256.pemRepresentation).publicKey, Certificate.PublicKey(p256.publicKey))
        try assertLoads(P384.Signing.PrivateKey().pemRepresentation, schemes: [.ecdsa_secp384r1_sha384])

        guard case .rsa(let rsa) = TestKeys.rsa2048.backing else { return XCTFail("not RSA") }
        XCTAssertTrue(rsa.pemRepresentation.contains("BEGIN RSA PRIVATE KEY"))
        try assertLoads(rsa.pemRepresentation, schemes: TestKeys.rsa2048.signatureSchemes)
        XCTAssertTrue(rsa.pkcs8PEMRepresentation.contains("BEGIN PRIVATE KEY"))
        try assertLoads(rsa.pkcs8PEMRepresentation, schemes: TestKeys.rsa2048.signatureSchemes)
        XCTAssertEqual(try SigningKey(pemRepresentation: rsa.pkcs8PEMRepresentation).publicKey, TestKeys.rsa2048.publicKey)
    }

    func testOpenSSLPKCS8KeysLoadForEveryAlgorithm() throws {
        let cases: [([String], [SignatureScheme])] = [
            (["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"], [.ecdsa_secp256r1_sha256]),
            (["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"], [.ecdsa_secp384r1_sha384]),
            (["-algorithm", "ED25519"], [.ed25519]),
            (["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"], TestKeys.rsa2048.signatureSchemes),
        ]
        for (arguments, schemes) in cases {
            let pem = try OpenSSL.runText(["genpkey"] + arguments)
            XCTAssertTrue(pem.contains("BEGIN PRIVATE KEY"), "\(arguments)")
            let publicKey = try OpenSSL.runText(["pkey", "-pubout"], input: pem)
            try assertLoads(pem, schemes: schemes, publicKeyPEM: publicKey)
        }
    }

    func testOpenSSLSEC1KeyWithParametersBlockLoads() throws {
        for (curve, scheme) in [("prime256v1", SignatureScheme.ecdsa_secp256r1_sha256), ("secp384r1", .ecdsa_secp384r1_sha384)] {
            // `ecparam -genkey` writes an EC PARAMETERS block before the EC PRIVATE KEY.
            let pem = try OpenSSL.runText(["ecparam", "-name", curve, "-genkey"])
            XCTAssertTrue(pem.contains("BEGIN EC PARAMETERS") && pem.contains("BEGIN EC PRIVATE KEY"))
            let publicKey = try OpenSSL.runText(["pkey", "-pubout"], input: pem)
            try assertLoads(pem, schemes: [scheme], publicKeyPEM: publicKey)
        }
    }

    func testOpenSSLPKCS1RSAKeyLoads() throws {
        guard case .rsa(let rsa) = TestKeys.rsa2048.backing else { return XCTFail("not RSA") }
        let pem = try OpenSSL.runText(["pkey", "-traditional"], input: rsa.pkcs8PEMRepresentation)
        XCTAssertTrue(pem.contains("BEGIN RSA PRIVATE KEY"))
        try assertLoads(pem, schemes: TestKeys.rsa2048.signatureSchemes, publicKeyPEM: rsa.publicKey.pemRepresentation)
    }

    func testUnusableKeysAreConfigurationErrors() throws {
        let notPEM = "this is not a key"
        let certificateOnly = try CertifiedKey.selfSigned().chain[0].serializeAsPEM().pemString
        let p521 = P521.Signing.PrivateKey().pemRepresentation
        let cases: [(String, String)] = [
            (notPEM, "PEM"), (certificateOnly, "no private key"), (p521, "P521"),
            ("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", "PRIVATE KEY"),
            ("-----BEGIN ENCRYPTED PRIVATE KEY-----\nAAAA\n-----END ENCRYPTED PRIVATE KEY-----\n", "encrypted"),
        ]
        for (pem, mention) in cases {
            assertThrowsTLSError(try SigningKey(pemRepresentation: pem), alert: nil, code: .invalidConfiguration, mention) {
                XCTAssertTrue($0.description.contains(mention), "\($0) should mention \(mention)")
            }
        }
    }

    func testShortRSAKeysAreRefused() throws {
        let pem = try OpenSSL.runText(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024"])
        assertThrowsTLSError(try SigningKey(pemRepresentation: pem), alert: nil, code: .invalidConfiguration)
    }
}
