import Crypto
import XCTest
import _CryptoExtras

@testable import TLSKit

final class SignatureTests: XCTestCase {
    private let message = Array("TLS 1.3, server CertificateVerify".utf8) + [0] + [UInt8](repeating: 0x20, count: 64)

    func testEachKeyTypeOffersItsSchemesInPreferenceOrder() {
        XCTAssertEqual(TestKeys.p256.signatureSchemes, [.ecdsa_secp256r1_sha256])
        XCTAssertEqual(TestKeys.p384.signatureSchemes, [.ecdsa_secp384r1_sha384])
        XCTAssertEqual(TestKeys.ed25519.signatureSchemes, [.ed25519])
        XCTAssertEqual(TestKeys.rsa2048.signatureSchemes, [.rsa_pss_rsae_sha256, .rsa_pss_rsae_sha384, .rsa_pss_rsae_sha512])
    }

    func testSignaturesVerifyForEverySupportedScheme() throws {
        var covered: Set<SignatureScheme> = []
        for key in TestKeys.all {
            for scheme in key.signatureSchemes {
                let signature = try key.sign(message, scheme: scheme)
                XCTAssertNoThrow(try verifySignature(signature, scheme: scheme, message: message, publicKey: key.publicKey), "\(scheme)")
                covered.insert(scheme)
            }
        }
        XCTAssertEqual(covered, Set(SignatureScheme.supported))
    }

    func testECDSASignaturesAreDEREncoded() throws {
        for provider in CryptoProvider.all {
            for key in [TestKeys.p256, TestKeys.p384] {
                let signature = try key.sign(message, scheme: key.signatureSchemes[0], provider: provider)
                XCTAssertEqual(signature.first, 0x30, "a DER SEQUENCE (\(provider))")
                XCTAssertEqual(Int(signature[1]) + 2, signature.count)
            }
        }
    }

    /// What every provider signs, swift-crypto verifies, and a changed message or signature does not.
    func testEveryProviderSignsWhatSwiftCryptoVerifies() throws {
        for provider in CryptoProvider.all {
            for key in TestKeys.all {
                for scheme in key.signatureSchemes {
                    let signature = try key.sign(message, scheme: scheme, provider: provider)
                    XCTAssertNoThrow(try verifySignature(signature, scheme: scheme, message: message, publicKey: key.publicKey), "\(scheme) on \(provider)")
                    XCTAssertThrowsError(try verifySignature(signature, scheme: scheme, message: message + [1], publicKey: key.publicKey))
                    var changed = signature
                    changed[changed.count - 1] ^= 1
                    XCTAssertThrowsError(try verifySignature(changed, scheme: scheme, message: message, publicKey: key.publicKey))
                }
            }
        }
    }

    func testRSAPSSSignaturesAreRandomizedWithASalt() throws {
        let first = try TestKeys.rsa2048.sign(message, scheme: .rsa_pss_rsae_sha256)
        let second = try TestKeys.rsa2048.sign(message, scheme: .rsa_pss_rsae_sha256)
        XCTAssertEqual(first.count, 256)
        XCTAssertNotEqual(first, second)
    }

    func testAFlippedBitInTheSignatureOrMessageIsABadSignature() throws {
        for key in TestKeys.all {
            for scheme in key.signatureSchemes {
                let signature = try key.sign(message, scheme: scheme)
                var flipped = signature
                flipped[flipped.count - 1] ^= 0x01
                assertThrowsTLSError(
                    try verifySignature(flipped, scheme: scheme, message: message, publicKey: key.publicKey),
                    alert: .decryptError, code: .certificateVerificationFailed, "\(scheme)"
                ) { XCTAssertEqual($0.reason, .badSignature) }

                var otherMessage = message
                otherMessage[0] ^= 0x80
                assertThrowsTLSError(
                    try verifySignature(signature, scheme: scheme, message: otherMessage, publicKey: key.publicKey),
                    alert: .decryptError, code: .certificateVerificationFailed, "\(scheme)"
                ) { XCTAssertEqual($0.reason, .badSignature) }
            }
        }
    }

    func testMalformedECDSASignaturesAreBadSignatures() throws {
        let raw = Array(try P256.Signing.PrivateKey().signature(for: message).rawRepresentation)
        for malformed in [[], [0x30, 0x00], raw, [UInt8](repeating: 0xFF, count: 72)] {
            assertThrowsTLSError(
                try verifySignature(malformed, scheme: .ecdsa_secp256r1_sha256, message: message, publicKey: TestKeys.p256.publicKey),
                alert: .decryptError, code: .certificateVerificationFailed
            )
        }
    }

    func testAnotherKeysSignatureIsABadSignature() throws {
        let signature = try SigningKey.generateP256().sign(message, scheme: .ecdsa_secp256r1_sha256)
        assertThrowsTLSError(
            try verifySignature(signature, scheme: .ecdsa_secp256r1_sha256, message: message, publicKey: TestKeys.p256.publicKey),
            alert: .decryptError, code: .certificateVerificationFailed
        )
    }

    func testASchemeThatDoesNotFitTheKeyIsAnIllegalParameter() throws {
        let mismatches: [(SigningKey, SignatureScheme)] = [
            (TestKeys.p256, .ecdsa_secp384r1_sha384), (TestKeys.p384, .ecdsa_secp256r1_sha256),
            (TestKeys.p256, .ed25519), (TestKeys.ed25519, .rsa_pss_rsae_sha256),
            (TestKeys.rsa2048, .ecdsa_secp256r1_sha256), (TestKeys.rsa2048, .ed25519),
        ]
        for (key, scheme) in mismatches {
            let signature = try key.sign(message, scheme: key.signatureSchemes[0])
            assertThrowsTLSError(
                try verifySignature(signature, scheme: scheme, message: message, publicKey: key.publicKey),
                alert: .illegalParameter, code: .peerMisbehaved, "\(scheme) with \(key.keyDescription)"
            )
        }
    }

    func testPKCS1AndOtherUnsupportedSchemesAreRefusedEvenWithAValidSignature() throws {
        guard case .rsa(let rsa) = TestKeys.rsa2048.backing else { return XCTFail("not RSA") }
        let pkcs1 = Array(try rsa.signature(for: SHA256.hash(data: message), padding: .insecurePKCS1v1_5).rawRepresentation)
        XCTAssertTrue(rsa.publicKey.isValidSignature(.init(rawRepresentation: pkcs1), for: SHA256.hash(data: message), padding: .insecurePKCS1v1_5))
        for scheme in [SignatureScheme.rsa_pkcs1_sha256, .rsa_pkcs1_sha384, .rsa_pkcs1_sha512, .rsa_pss_pss_sha256, .ecdsa_secp521r1_sha512, .ed448] {
            assertThrowsTLSError(
                try verifySignature(pkcs1, scheme: scheme, message: message, publicKey: TestKeys.rsa2048.publicKey),
                alert: .illegalParameter, code: .peerMisbehaved, "\(scheme)"
            )
        }
    }

    func testSigningWithASchemeTheKeyCannotMakeIsAnInternalError() {
        assertThrowsTLSError(try TestKeys.p256.sign(message, scheme: .ed25519), alert: .internalError, code: .internalError)
        assertThrowsTLSError(try TestKeys.rsa2048.sign(message, scheme: .rsa_pkcs1_sha256), alert: .internalError, code: .internalError)
    }

    /// RSA-PSS with MGF1 over the scheme's hash and a salt as long as the hash
    /// (RFC 8446 §4.2.3), checked against OpenSSL in both directions.
    func testRSAPSSMatchesOpenSSLWithSaltLengthEqualToHashLength() throws {
        guard case .rsa(let rsa) = TestKeys.rsa2048.backing else { return XCTFail("not RSA") }
        let keyFile = try OpenSSL.temporaryFile(Array(rsa.pemRepresentation.utf8))
        let publicKeyFile = try OpenSSL.temporaryFile(Array(rsa.publicKey.pemRepresentation.utf8))
        let messageFile = try OpenSSL.temporaryFile(message, suffix: ".bin")
        defer { for file in [keyFile, publicKeyFile, messageFile] { try? FileManager.default.removeItem(atPath: file) } }

        let schemes: [(SignatureScheme, String, String)] = [
            (.rsa_pss_rsae_sha256, "-sha256", "32"), (.rsa_pss_rsae_sha384, "-sha384", "48"), (.rsa_pss_rsae_sha512, "-sha512", "64"),
        ]
        for (scheme, digest, saltLength) in schemes {
            let pss = ["-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:\(saltLength)", "-sigopt", "rsa_mgf1_md:\(digest.dropFirst())"]
            let theirs = try OpenSSL.run(["dgst", digest, "-sign", keyFile] + pss + [messageFile])
            XCTAssertNoThrow(try verifySignature(theirs, scheme: scheme, message: message, publicKey: TestKeys.rsa2048.publicKey), "\(scheme)")

            let ours = try TestKeys.rsa2048.sign(message, scheme: scheme)
            let signatureFile = try OpenSSL.temporaryFile(ours, suffix: ".sig")
            defer { try? FileManager.default.removeItem(atPath: signatureFile) }
            let verdict = try OpenSSL.runText(["dgst", digest, "-verify", publicKeyFile, "-signature", signatureFile] + pss + [messageFile])
            XCTAssertTrue(verdict.contains("Verified OK"), "\(scheme): \(verdict)")
        }
    }
}
