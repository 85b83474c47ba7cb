import Crypto

/// An ephemeral (EC)DHE key for one handshake. RFC 8446 §4.2.8.2
///
/// The private half never leaves this value; ``ClientKeyShare`` and ``ServerKeyShare`` send
/// ``publicKeyBytes`` (alone, or as the ECDH part of a hybrid share) and turn the peer's share
/// into the (EC)DHE input of the key schedule with ``sharedSecret(peerPublicKey:)``.
struct EphemeralKey: Sendable {
    private enum Backing: Sendable {
        case x25519(Curve25519.KeyAgreement.PrivateKey)
        case p256(P256.KeyAgreement.PrivateKey)
        case p384(P384.KeyAgreement.PrivateKey)
    }

    let group: NamedGroup
    private let backing: Backing

    private init(group: NamedGroup, backing: Backing) {
        self.group = group
        self.backing = backing
    }

    /// Generates a fresh key for `group` (x25519, secp256r1 or secp384r1).
    static func generate(group: NamedGroup) throws -> EphemeralKey {
        switch group {
        case .x25519: return EphemeralKey(group: group, backing: .x25519(.init()))
        case .secp256r1: return EphemeralKey(group: group, backing: .p256(.init()))
        case .secp384r1: return EphemeralKey(group: group, backing: .p384(.init()))
        default: throw TLSError(.internalFailure("no key exchange implementation for group \(group)"))
        }
    }

    /// The key_exchange field of our KeyShareEntry.
    ///
    /// For X25519 the 32 raw bytes (RFC 8446 §4.2.8.2 and RFC 7748); for the NIST
    /// curves the uncompressed point `0x04 || X || Y` (RFC 8446 §4.2.8.2, UncompressedPointRepresentation).
    var publicKeyBytes: [UInt8] {
        switch backing {
        case .x25519(let key): return Array(key.publicKey.rawRepresentation)
        case .p256(let key): return Array(key.publicKey.x963Representation)
        case .p384(let key): return Array(key.publicKey.x963Representation)
        }
    }

    /// The shared secret with the peer's key_exchange bytes.
    ///
    /// For the NIST curves it is the x-coordinate of the shared point (RFC 8446 §7.4.2),
    /// which is what swift-crypto's ECDH returns. Peers must send the uncompressed form
    /// of a point on the curve (RFC 8446 §4.2.8.2), and an X25519 result of all zeros
    /// means the peer sent a small-order point, which RFC 8446 §7.4.2 says to reject.
    func sharedSecret(peerPublicKey: [UInt8]) throws -> SymmetricKey {
        let secret: SharedSecret
        do {
            switch backing {
            case .x25519(let key):
                guard peerPublicKey.count == 32 else { throw Self.invalidShare }
                secret = try key.sharedSecretFromKeyAgreement(with: .init(rawRepresentation: peerPublicKey))
            case .p256(let key):
                guard peerPublicKey.first == 0x04 else { throw Self.invalidShare }
                secret = try key.sharedSecretFromKeyAgreement(with: .init(x963Representation: peerPublicKey))
            case .p384(let key):
                guard peerPublicKey.first == 0x04 else { throw Self.invalidShare }
                secret = try key.sharedSecretFromKeyAgreement(with: .init(x963Representation: peerPublicKey))
            }
        } catch {
            throw Self.invalidShare
        }
        if case .x25519 = backing, secret.withUnsafeBytes(constantTimeIsZero) {
            throw Self.invalidShare
        }
        return SymmetricKey(data: secret)
    }

    private static var invalidShare: TLSError { TLSError(.illegalParameter("key_share")) }
}
