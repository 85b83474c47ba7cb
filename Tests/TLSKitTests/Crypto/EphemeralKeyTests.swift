import Crypto
import XCTest

@testable import TLSKit

final class EphemeralKeyTests: XCTestCase {
    private let groups: [NamedGroup] = [.x25519, .secp256r1, .secp384r1]

    func testBothSidesAgreeOnTheSharedSecretForEveryGroup() throws {
        let expectedSizes: [NamedGroup: (share: Int, secret: Int)] = [
            .x25519: (32, 32), .secp256r1: (65, 32), .secp384r1: (97, 48),
        ]
        for group in groups {
            let client = try EphemeralKey.generate(group: group)
            let server = try EphemeralKey.generate(group: group)
            XCTAssertEqual(client.group, group)
            XCTAssertEqual(client.publicKeyBytes.count, expectedSizes[group]?.share, "\(group)")
            if group != .x25519 { XCTAssertEqual(client.publicKeyBytes.first, 0x04, "\(group) share is uncompressed") }

            let clientSecret = try client.sharedSecret(peerPublicKey: server.publicKeyBytes)
            let serverSecret = try server.sharedSecret(peerPublicKey: client.publicKeyBytes)
            XCTAssertEqual(clientSecret, serverSecret, "\(group)")
            XCTAssertEqual(clientSecret.bitCount / 8, expectedSizes[group]?.secret, "\(group)")

            let stranger = try EphemeralKey.generate(group: group)
            XCTAssertNotEqual(try stranger.sharedSecret(peerPublicKey: server.publicKeyBytes), serverSecret)
        }
    }

    func testNISTSecretIsTheXCoordinateSwiftCryptoComputes() throws {
        let ours = try EphemeralKey.generate(group: .secp256r1)
        let peer = P256.KeyAgreement.PrivateKey()
        let expected = try peer.sharedSecretFromKeyAgreement(with: .init(x963Representation: ours.publicKeyBytes))
        let secret = try ours.sharedSecret(peerPublicKey: Array(peer.publicKey.x963Representation))
        XCTAssertEqual(secret, SymmetricKey(data: expected.withUnsafeBytes { Array($0) }))
    }

    func testUnimplementedGroupsAreInternalErrors() {
        for group in [NamedGroup.secp521r1, .x448, NamedGroup(rawValue: 0x0A0A)] {
            assertThrowsTLSError(try EphemeralKey.generate(group: group), alert: .internalError, code: .internalError)
        }
    }

    func testPeerSharesOfTheWrongLengthAreIllegalParameters() throws {
        for group in groups {
            let key = try EphemeralKey.generate(group: group)
            let valid = try EphemeralKey.generate(group: group).publicKeyBytes
            for bad in [[], Array(valid.dropLast()), valid + [0], [UInt8](repeating: 4, count: 200)] {
                assertThrowsTLSError(
                    try key.sharedSecret(peerPublicKey: bad), alert: .illegalParameter, code: .peerMisbehaved,
                    "\(group), \(bad.count) bytes"
                )
            }
        }
    }

    func testCompressedPointsAreIllegalParameters() throws {
        let p256 = try EphemeralKey.generate(group: .secp256r1)
        let compressed256 = Array(P256.KeyAgreement.PrivateKey().publicKey.compressedRepresentation)
        assertThrowsTLSError(try p256.sharedSecret(peerPublicKey: compressed256), alert: .illegalParameter, code: .peerMisbehaved)

        let p384 = try EphemeralKey.generate(group: .secp384r1)
        let compressed384 = Array(P384.KeyAgreement.PrivateKey().publicKey.compressedRepresentation)
        assertThrowsTLSError(try p384.sharedSecret(peerPublicKey: compressed384), alert: .illegalParameter, code: .peerMisbehaved)

        // The right length but a compressed-form prefix.
        var mislabelled = try EphemeralKey.generate(group: .secp256r1).publicKeyBytes
        mislabelled[0] = 0x02
        assertThrowsTLSError(try p256.sharedSecret(peerPublicKey: mislabelled), alert: .illegalParameter, code: .peerMisbehaved)
    }

    func testPointsOffTheCurveAreIllegalParameters() throws {
        for group in [NamedGroup.secp256r1, .secp384r1] {
            let key = try EphemeralKey.generate(group: group)
            var offCurve = try EphemeralKey.generate(group: group).publicKeyBytes
            offCurve[offCurve.count - 1] ^= 0x01
            assertThrowsTLSError(try key.sharedSecret(peerPublicKey: offCurve), alert: .illegalParameter, code: .peerMisbehaved)
            let zeros = [0x04] + [UInt8](repeating: 0, count: offCurve.count - 1)
            assertThrowsTLSError(try key.sharedSecret(peerPublicKey: zeros), alert: .illegalParameter, code: .peerMisbehaved)
        }
    }

    func testX25519SmallOrderPointsGivingAnAllZeroSecretAreIllegalParameters() throws {
        let key = try EphemeralKey.generate(group: .x25519)
        let zero = [UInt8](repeating: 0, count: 32)
        let one = [1] + [UInt8](repeating: 0, count: 31)
        for point in [zero, one] {
            assertThrowsTLSError(try key.sharedSecret(peerPublicKey: point), alert: .illegalParameter, code: .peerMisbehaved) {
                XCTAssertEqual($0.reason, .illegalParameter("key_share"))
            }
        }
    }
}
