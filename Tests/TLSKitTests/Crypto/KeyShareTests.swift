import Crypto
import XCTest

@testable import TLSKit

final class KeyShareTests: XCTestCase {
    private let hybrids: [NamedGroup] = [.X25519MLKEM768, .SecP256r1MLKEM768, .SecP384r1MLKEM1024]

    func testHybridSharesAndSecretsHaveTheLengthsOfTheDraft() throws {
        // draft-ietf-tls-ecdhe-mlkem §3.1: client share, server share, shared secret.
        let expected: [NamedGroup: (client: Int, server: Int, secret: Int)] = [
            .X25519MLKEM768: (1216, 1120, 64), .SecP256r1MLKEM768: (1249, 1153, 64), .SecP384r1MLKEM1024: (1665, 1665, 80),
        ]
        for group in hybrids {
            let client = try ClientKeyShare.generate(group: group)
            XCTAssertEqual(client.group, group)
            XCTAssertEqual(client.keyExchange.count, expected[group]?.client, "\(group)")
            XCTAssertEqual(group.keyShareLength, expected[group]?.client, "\(group)")
            let (serverShare, serverSecret) = try ServerKeyShare.respond(group: group, toClientShare: client.keyExchange)
            XCTAssertEqual(serverShare.count, expected[group]?.server, "\(group)")
            XCTAssertEqual(serverSecret.bitCount / 8, expected[group]?.secret, "\(group)")
            XCTAssertEqual(try client.sharedSecret(serverShare: serverShare), serverSecret, "\(group)")
            // A second server answer is a fresh encapsulation and a fresh ECDH key.
            let (_, otherSecret) = try ServerKeyShare.respond(group: group, toClientShare: client.keyExchange)
            XCTAssertNotEqual(otherSecret, serverSecret, "\(group)")
        }
    }

    /// Builds the server's answer from swift-crypto's primitives directly, in the order the draft
    /// gives, and checks our client reads it the same way: the ML-KEM part first in
    /// X25519MLKEM768, the ECDH part first in the NIST-curve hybrids, in shares and secret alike.
    func testX25519MLKEM768PutsMLKEMFirst() throws {
        let client = try ClientKeyShare.generate(group: .X25519MLKEM768)
        let encapsulationKey = client.keyExchange.prefix(1184)
        let clientX25519 = client.keyExchange.suffix(32)
        let encapsulation = try MLKEM768.PublicKey(rawRepresentation: encapsulationKey).encapsulate()
        let server = Curve25519.KeyAgreement.PrivateKey()
        let x25519 = try server.sharedSecretFromKeyAgreement(with: .init(rawRepresentation: clientX25519))
        let serverShare = Array(encapsulation.encapsulated) + Array(server.publicKey.rawRepresentation)
        let expected = bytes(encapsulation.sharedSecret) + x25519.withUnsafeBytes { Array($0) }
        XCTAssertEqual(bytes(try client.sharedSecret(serverShare: serverShare)), expected)
    }

    func testSecP256r1MLKEM768PutsECDHFirst() throws {
        try assertECDHFirst(.SecP256r1MLKEM768, pointLength: 65) { clientPoint, encapsulationKey in
            let server = P256.KeyAgreement.PrivateKey()
            let ecdh = try server.sharedSecretFromKeyAgreement(with: .init(x963Representation: clientPoint))
            let encapsulation = try MLKEM768.PublicKey(rawRepresentation: encapsulationKey).encapsulate()
            return (Array(server.publicKey.x963Representation), ecdh.withUnsafeBytes { Array($0) }, encapsulation)
        }
    }

    func testSecP384r1MLKEM1024PutsECDHFirst() throws {
        try assertECDHFirst(.SecP384r1MLKEM1024, pointLength: 97) { clientPoint, encapsulationKey in
            let server = P384.KeyAgreement.PrivateKey()
            let ecdh = try server.sharedSecretFromKeyAgreement(with: .init(x963Representation: clientPoint))
            let encapsulation = try MLKEM1024.PublicKey(rawRepresentation: encapsulationKey).encapsulate()
            return (Array(server.publicKey.x963Representation), ecdh.withUnsafeBytes { Array($0) }, encapsulation)
        }
    }

    /// Answers a client share for `group` as `answer` does from the client's point and
    /// encapsulation key (in that order), and checks the client reads the server share as
    /// point ‖ ciphertext and makes the secret ECDH ‖ ML-KEM.
    private func assertECDHFirst(
        _ group: NamedGroup, pointLength: Int,
        answer: (ArraySlice<UInt8>, ArraySlice<UInt8>) throws -> (point: [UInt8], ecdh: [UInt8], encapsulation: KEM.EncapsulationResult)
    ) throws {
        let client = try ClientKeyShare.generate(group: group)
        let clientPoint = client.keyExchange.prefix(pointLength)
        XCTAssertEqual(clientPoint.first, 0x04, "an uncompressed point")
        let server = try answer(clientPoint, client.keyExchange.dropFirst(pointLength))
        let serverShare = server.point + Array(server.encapsulation.encapsulated)
        XCTAssertEqual(bytes(try client.sharedSecret(serverShare: serverShare)), server.ecdh + bytes(server.encapsulation.sharedSecret))
    }

    func testClassicalGroupsStillExchangeOnePublicKeyEachWay() throws {
        for group in [NamedGroup.x25519, .secp256r1, .secp384r1] {
            let client = try ClientKeyShare.generate(group: group)
            XCTAssertEqual(client.keyExchange.count, group.keyShareLength, "\(group)")
            let (serverShare, serverSecret) = try ServerKeyShare.respond(group: group, toClientShare: client.keyExchange)
            XCTAssertEqual(serverShare.count, group.keyShareLength, "\(group)")
            XCTAssertEqual(try client.sharedSecret(serverShare: serverShare), serverSecret, "\(group)")
        }
    }

    // MARK: Validation

    /// FIPS 203 §7.2: every 12-bit coefficient of the encapsulation key must be below q = 3329.
    /// The key below differs from a valid one only in its first coefficient, set to 4095.
    func testEncapsulationKeyWithACoefficientNotBelowQIsAnIllegalParameter() throws {
        for (group, offset) in [(NamedGroup.X25519MLKEM768, 0), (.SecP256r1MLKEM768, 65), (.SecP384r1MLKEM1024, 97)] {
            var share = try ClientKeyShare.generate(group: group).keyExchange
            share[offset] = 0xFF
            share[offset + 1] |= 0x0F
            assertThrowsTLSError(
                try ServerKeyShare.respond(group: group, toClientShare: share), alert: .illegalParameter, code: .peerMisbehaved, "\(group)"
            ) {
                XCTAssertEqual($0.reason, .illegalParameter("ML-KEM encapsulation key"))
            }
        }
        // The check is swift-crypto's own: its parser refuses the key outright.
        var key = Array(try MLKEM768.PrivateKey.generate().publicKey.rawRepresentation)
        key[0] = 0xFF
        key[1] |= 0x0F
        XCTAssertThrowsError(try MLKEM768.PublicKey(rawRepresentation: key))
    }

    func testClientSharesOfTheWrongLengthAreIllegalParameters() throws {
        for group in hybrids {
            let valid = try ClientKeyShare.generate(group: group).keyExchange
            for bad in [Array(valid.dropLast()), valid + [0], Array(valid.prefix(32))] {
                assertThrowsTLSError(
                    try ServerKeyShare.respond(group: group, toClientShare: bad), alert: .illegalParameter, code: .peerMisbehaved,
                    "\(group), \(bad.count) bytes")
            }
        }
    }

    func testInvalidECDHPartsOfAClientShareAreIllegalParameters() throws {
        // X25519's all-zero point gives an all-zero secret (RFC 8446 §7.4.2).
        var x25519 = try ClientKeyShare.generate(group: .X25519MLKEM768).keyExchange
        x25519.replaceSubrange(1184..., with: [UInt8](repeating: 0, count: 32))
        assertThrowsTLSError(
            try ServerKeyShare.respond(group: .X25519MLKEM768, toClientShare: x25519), alert: .illegalParameter, code: .peerMisbehaved)
        // Points off the curve, and compressed-form prefixes (RFC 8446 §4.2.8.2).
        for (group, length) in [(NamedGroup.SecP256r1MLKEM768, 65), (.SecP384r1MLKEM1024, 97)] {
            var offCurve = try ClientKeyShare.generate(group: group).keyExchange
            offCurve[length - 1] ^= 0x01
            var compressed = try ClientKeyShare.generate(group: group).keyExchange
            compressed[0] = 0x02
            for bad in [offCurve, compressed] {
                assertThrowsTLSError(
                    try ServerKeyShare.respond(group: group, toClientShare: bad), alert: .illegalParameter, code: .peerMisbehaved, "\(group)")
            }
        }
    }

    func testServerSharesOfTheWrongLengthAreIllegalParameters() throws {
        // draft-ietf-tls-ecdhe-mlkem §3.1: "the client MUST check if the ciphertext length matches
        // the selected group, and abort with an illegal_parameter alert if it fails."
        for group in hybrids {
            let client = try ClientKeyShare.generate(group: group)
            let (valid, _) = try ServerKeyShare.respond(group: group, toClientShare: client.keyExchange)
            for bad in [Array(valid.dropLast()), valid + [0], Array(valid.prefix(97)), []] {
                assertThrowsTLSError(
                    try client.sharedSecret(serverShare: bad), alert: .illegalParameter, code: .peerMisbehaved, "\(group), \(bad.count) bytes")
            }
        }
    }

    func testInvalidECDHPartsOfAServerShareAreIllegalParameters() throws {
        let x25519Client = try ClientKeyShare.generate(group: .X25519MLKEM768)
        var x25519 = try ServerKeyShare.respond(group: .X25519MLKEM768, toClientShare: x25519Client.keyExchange).keyExchange
        x25519.replaceSubrange(1088..., with: [1] + [UInt8](repeating: 0, count: 31))
        assertThrowsTLSError(try x25519Client.sharedSecret(serverShare: x25519), alert: .illegalParameter, code: .peerMisbehaved)
        for (group, length) in [(NamedGroup.SecP256r1MLKEM768, 65), (.SecP384r1MLKEM1024, 97)] {
            let client = try ClientKeyShare.generate(group: group)
            var offCurve = try ServerKeyShare.respond(group: group, toClientShare: client.keyExchange).keyExchange
            offCurve[length - 1] ^= 0x01
            assertThrowsTLSError(try client.sharedSecret(serverShare: offCurve), alert: .illegalParameter, code: .peerMisbehaved, "\(group)")
        }
    }

    func testAForgedCiphertextGivesAnotherSecretNotAnError() throws {
        // ML-KEM's implicit rejection: a ciphertext of the right length always decapsulates; a
        // forged one yields a secret the server does not have, and the handshake fails at Finished.
        let client = try ClientKeyShare.generate(group: .X25519MLKEM768)
        var (share, secret) = try ServerKeyShare.respond(group: .X25519MLKEM768, toClientShare: client.keyExchange)
        share[0] ^= 0x01
        XCTAssertNotEqual(try client.sharedSecret(serverShare: share), secret)
    }

    // MARK: Names

    #if BoringSSLProvider
    /// The BoringSSL provider's ML-KEM and swift-crypto's agree, each as client or server, and
    /// BoringSSL's parser refuses an encapsulation key failing the FIPS 203 check too.
    func testBoringSSLProviderAndSwiftCryptoAgreeOnEveryHybrid() throws {
        let pairs: [(client: CryptoProvider, server: CryptoProvider)] = [(.boringSSL, .swiftCrypto), (.swiftCrypto, .boringSSL), (.boringSSL, .boringSSL)]
        for group in [NamedGroup.X25519MLKEM768, .SecP256r1MLKEM768, .SecP384r1MLKEM1024] {
            for (clientProvider, serverProvider) in pairs {
                let client = try ClientKeyShare.generate(group: group, provider: clientProvider)
                let response = try ServerKeyShare.respond(group: group, toClientShare: client.keyExchange, provider: serverProvider)
                let secret = try client.sharedSecret(serverShare: response.keyExchange)
                XCTAssertEqual(
                    secret.withUnsafeBytes { Array($0) }, response.sharedSecret.withUnsafeBytes { Array($0) },
                    "\(group), client on \(clientProvider), server on \(serverProvider)")
            }
        }
        for (group, offset) in [(NamedGroup.X25519MLKEM768, 0), (.SecP256r1MLKEM768, 65), (.SecP384r1MLKEM1024, 97)] {
            var share = try ClientKeyShare.generate(group: group, provider: .boringSSL).keyExchange
            share[offset] = 0xFF
            share[offset + 1] |= 0x0F
            assertThrowsTLSError(
                try ServerKeyShare.respond(group: group, toClientShare: share, provider: .boringSSL), alert: .illegalParameter,
                code: .peerMisbehaved, "\(group)"
            ) {
                XCTAssertEqual($0.reason, .illegalParameter("ML-KEM encapsulation key"))
            }
        }
    }
    #endif

    func testHybridsGoByTheirIANANames() {
        for (group, name, value) in [
            (NamedGroup.X25519MLKEM768, "X25519MLKEM768", UInt16(0x11EC)), (.SecP256r1MLKEM768, "SecP256r1MLKEM768", 0x11EB),
            (.SecP384r1MLKEM1024, "SecP384r1MLKEM1024", 0x11ED),
        ] {
            XCTAssertEqual(group.rawValue, value)
            XCTAssertEqual(group.description, name)
            XCTAssertEqual(NamedGroup(name: name), group)
            XCTAssertEqual(NamedGroup(name: name.lowercased()), group, "names ignore case, as OpenSSL's do")
            XCTAssertTrue(group.isHybrid)
        }
        XCTAssertEqual(NamedGroup(name: "x25519"), .x25519)
        XCTAssertEqual(NamedGroup(name: "P-256"), .secp256r1)
        XCTAssertEqual(NamedGroup(name: "prime256v1"), .secp256r1)
        XCTAssertEqual(NamedGroup(name: "P-384"), .secp384r1)
        XCTAssertNil(NamedGroup(name: "X25519Kyber768Draft00"))
        XCTAssertFalse(NamedGroup.x25519.isHybrid)
    }

    private func bytes(_ key: SymmetricKey) -> [UInt8] { key.withUnsafeBytes { Array($0) } }
}
