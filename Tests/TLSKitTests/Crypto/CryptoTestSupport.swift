import Crypto
import Foundation
import SwiftASN1
import X509
import XCTest
import _CryptoExtras

@testable import TLSKit

/// Asserts that `expression` throws a TLSError that sends `alert` (nil: no alert) with `code`.
func assertThrowsTLSError<T>(
    _ expression: @autoclosure () throws -> T,
    alert: AlertDescription?,
    code: TLSError.Code,
    _ message: String = "",
    file: StaticString = #filePath,
    line: UInt = #line,
    _ check: (TLSError) -> Void = { _ in }
) {
    XCTAssertThrowsError(try expression(), message, file: file, line: line) { error in
        guard let error = error as? TLSError else {
            return XCTFail("expected a TLSError, got \(error)", file: file, line: line)
        }
        XCTAssertEqual(error.alertSent, alert, "\(error)", file: file, line: line)
        XCTAssertEqual(error.code, code, "\(error)", file: file, line: line)
        check(error)
    }
}

/// Keys generated once for the whole test run (RSA generation is slow).
enum TestKeys {
    static let p256 = SigningKey(P256.Signing.PrivateKey())
    static let p384 = SigningKey(P384.Signing.PrivateKey())
    static let ed25519 = SigningKey(Curve25519.Signing.PrivateKey())
    static let rsa2048 = SigningKey(try! _RSA.Signing.PrivateKey(keySize: .bits2048))
    static var all: [SigningKey] { [p256, p384, ed25519, rsa2048] }
}

/// Certificates built with swift-certificates for chain tests.
enum TestCertificates {
    static let now = Date()
    static let hour: TimeInterval = 60 * 60
    static let day: TimeInterval = 24 * hour

    /// A CA certificate for `name`, self-signed unless `issuer` is given.
    static func authority(
        _ name: String,
        key: SigningKey,
        issuer: (name: String, key: SigningKey)? = nil,
        notValidBefore: Date = now - hour,
        notValidAfter: Date = now + day
    ) throws -> Certificate {
        try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: key.publicKey,
            notValidBefore: notValidBefore,
            notValidAfter: notValidAfter,
            issuer: DistinguishedName { CommonName(issuer?.name ?? name) },
            subject: DistinguishedName { CommonName(name) },
            signatureAlgorithm: (issuer?.key ?? key).certificateSignatureAlgorithm,
            extensions: Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: nil))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
            },
            issuerPrivateKey: (issuer?.key ?? key).certificatePrivateKey
        )
    }

    /// An end-entity certificate for `dnsNames`, issued by `issuerName` with `issuerKey`.
    static func leaf(
        dnsNames: [String],
        key: SigningKey,
        issuerName: String,
        issuerKey: SigningKey,
        isCertificateAuthority: Bool = false,
        notValidBefore: Date = now - hour,
        notValidAfter: Date = now + day
    ) throws -> Certificate {
        try Certificate(
            version: .v3,
            serialNumber: Certificate.SerialNumber(),
            publicKey: key.publicKey,
            notValidBefore: notValidBefore,
            notValidAfter: notValidAfter,
            issuer: DistinguishedName { CommonName(issuerName) },
            subject: DistinguishedName { CommonName(dnsNames.first ?? "leaf") },
            signatureAlgorithm: issuerKey.certificateSignatureAlgorithm,
            extensions: Certificate.Extensions {
                Critical(
                    isCertificateAuthority
                        ? BasicConstraints.isCertificateAuthority(maxPathLength: nil) : .notCertificateAuthority
                )
                Critical(KeyUsage(digitalSignature: true))
                SubjectAlternativeNames(dnsNames.map { .dnsName($0) })
            },
            issuerPrivateKey: issuerKey.certificatePrivateKey
        )
    }

    static func der(_ certificates: Certificate...) throws -> [[UInt8]] {
        try certificates.map(PEMFiles.derBytes(of:))
    }
}

/// Runs the `openssl` command line tool, or skips the test when it is not installed.
enum OpenSSL {
    static let path: String? = ["/usr/bin/openssl", "/usr/local/bin/openssl", "/opt/homebrew/bin/openssl"]
        .first { FileManager.default.isExecutableFile(atPath: $0) }

    /// Runs `openssl arguments` with `input` on stdin and returns stdout.
    @discardableResult
    static func run(_ arguments: [String], input: [UInt8] = []) throws -> [UInt8] {
        guard let path else { throw XCTSkip("openssl is not installed") }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let stdin = Pipe()
        let stdout = Pipe()
        process.standardInput = stdin
        process.standardOutput = stdout
        process.standardError = FileHandle.nullDevice
        try process.run()
        stdin.fileHandleForWriting.write(Data(input))
        try stdin.fileHandleForWriting.close()
        let output = stdout.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw NSError(domain: "openssl", code: Int(process.terminationStatus), userInfo: [NSLocalizedDescriptionKey: "openssl \(arguments) failed"])
        }
        return Array(output)
    }

    static func runText(_ arguments: [String], input: String = "") throws -> String {
        String(decoding: try run(arguments, input: Array(input.utf8)), as: UTF8.self)
    }

    /// A temporary file holding `contents`, removed by the caller.
    static func temporaryFile(_ contents: [UInt8], suffix: String = ".pem") throws -> String {
        let path = NSTemporaryDirectory() + "tlskit-test-" + UUID().uuidString + suffix
        guard FileManager.default.createFile(atPath: path, contents: Data(contents)) else {
            throw NSError(domain: "tests", code: 1, userInfo: [NSLocalizedDescriptionKey: "cannot write \(path)"])
        }
        return path
    }
}

extension CryptoProvider {
    /// Every provider this build has: tests that say providers agree run over all of them.
    static var all: [CryptoProvider] {
        #if BoringSSLProvider
        return [.swiftCrypto, .boringSSL]
        #else
        return [.swiftCrypto]
        #endif
    }
}
