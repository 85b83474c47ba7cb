import Crypto

/// How an ECDHE-MLKEM hybrid group lays its two key exchanges out (draft-ietf-tls-ecdhe-mlkem §3.1).
///
/// Each share and the shared secret are the concatenations of their ECDH and ML-KEM parts:
///
/// | group | client share | server share | shared secret |
/// | --- | --- | --- | --- |
/// | X25519MLKEM768 | ek (1184) ‖ X25519 (32) = 1216 | ct (1088) ‖ X25519 (32) = 1120 | ML-KEM (32) ‖ X25519 (32) |
/// | SecP256r1MLKEM768 | P-256 point (65) ‖ ek (1184) = 1249 | P-256 point (65) ‖ ct (1088) = 1153 | ECDH (32) ‖ ML-KEM (32) |
/// | SecP384r1MLKEM1024 | P-384 point (97) ‖ ek (1568) = 1665 | P-384 point (97) ‖ ct (1568) = 1665 | ECDH (48) ‖ ML-KEM (32) |
struct HybridLayout: Sendable, Hashable {
    /// The group of the ECDH part, whose shares and checks are those of RFC 8446 §4.2.8.2.
    let classical: NamedGroup
    let kem: MLKEMParameterSet
    /// Whether the ML-KEM part comes first. The draft puts it first only in X25519MLKEM768, for
    /// historical reasons; the NIST-curve groups put the ECDH part first so that the first
    /// secret comes from a FIPS-approved scheme (NIST SP 800-56Cr2).
    let kemFirst: Bool

    var classicalShareLength: Int { classical.keyShareLength ?? 0 }
    var clientShareLength: Int { classicalShareLength + kem.encapsulationKeyLength }
    var serverShareLength: Int { classicalShareLength + kem.ciphertextLength }

    /// Splits a share whose length the caller has checked into its ECDH and ML-KEM parts.
    func split(_ share: [UInt8]) -> (classical: ArraySlice<UInt8>, kem: ArraySlice<UInt8>) {
        if kemFirst {
            let kemLength = share.count - classicalShareLength
            return (share[kemLength...], share[..<kemLength])
        }
        return (share[..<classicalShareLength], share[classicalShareLength...])
    }

    /// Puts the two parts of a share, or of the shared secret, in the group's order.
    func join<C: Collection<UInt8>>(classical: C, kem: C) -> [UInt8] {
        kemFirst ? Array(kem) + Array(classical) : Array(classical) + Array(kem)
    }

    func join(classical: SymmetricKey, kem: SymmetricKey) -> SymmetricKey {
        let classicalBytes = classical.withUnsafeBytes { Array($0) }
        let kemBytes = kem.withUnsafeBytes { Array($0) }
        return SymmetricKey(data: join(classical: classicalBytes, kem: kemBytes))
    }
}

extension NamedGroup {
    /// The layout of an ECDHE-MLKEM hybrid; nil for other groups.
    var hybridLayout: HybridLayout? {
        switch self {
        case .X25519MLKEM768: return HybridLayout(classical: .x25519, kem: .mlkem768, kemFirst: true)
        case .SecP256r1MLKEM768: return HybridLayout(classical: .secp256r1, kem: .mlkem768, kemFirst: false)
        case .SecP384r1MLKEM1024: return HybridLayout(classical: .secp384r1, kem: .mlkem1024, kemFirst: false)
        default: return nil
        }
    }
}

/// The client's side of the key exchange for one group: the key_exchange bytes of its
/// KeyShareEntry (RFC 8446 §4.2.8), and the private keys that turn the server's answer into
/// the shared secret, which never leave this value.
///
/// For the (EC)DHE groups both sides send a public key. For the hybrids the client sends an
/// ECDH share and an ML-KEM encapsulation key; the server answers with its ECDH share and a
/// ciphertext (``ServerKeyShare/respond(group:toClientShare:)``), which the client decapsulates.
struct ClientKeyShare: Sendable {
    let group: NamedGroup
    /// The key_exchange field of our KeyShareEntry.
    let keyExchange: [UInt8]
    private let ecdh: EphemeralKey
    private let kem: MLKEMDecapsulationKey?

    /// Generates fresh keys for `group` (any of ``NamedGroup/supported``), ML-KEM's on `provider`.
    static func generate(group: NamedGroup, provider: CryptoProvider = .swiftCrypto) throws -> ClientKeyShare {
        guard let layout = group.hybridLayout else {
            let ecdh = try EphemeralKey.generate(group: group)
            return ClientKeyShare(group: group, keyExchange: ecdh.publicKeyBytes, ecdh: ecdh, kem: nil)
        }
        let ecdh = try EphemeralKey.generate(group: layout.classical)
        let kem = try MLKEMDecapsulationKey.generate(layout.kem, provider: provider)
        return ClientKeyShare(
            group: group, keyExchange: layout.join(classical: ecdh.publicKeyBytes, kem: kem.encapsulationKey), ecdh: ecdh, kem: kem)
    }

    /// The shared secret, the (EC)DHE input of the key schedule, from the server's key_exchange bytes.
    ///
    /// A share of the wrong length, or whose ECDH part is not a valid point (or gives an all-zero
    /// X25519 secret), is an illegal_parameter (RFC 8446 §4.2.8.2 and §7.4.2, and
    /// draft-ietf-tls-ecdhe-mlkem §3.1, which checks the ciphertext's length through the share's).
    func sharedSecret(serverShare: [UInt8]) throws -> SymmetricKey {
        guard let layout = group.hybridLayout, let kem else { return try ecdh.sharedSecret(peerPublicKey: serverShare) }
        guard serverShare.count == layout.serverShareLength else {
            throw TLSError(.illegalParameter("key share of \(serverShare.count) bytes for \(group)"))
        }
        let parts = layout.split(serverShare)
        let classicalSecret = try ecdh.sharedSecret(peerPublicKey: Array(parts.classical))
        return layout.join(classical: classicalSecret, kem: try kem.decapsulate(parts.kem))
    }
}

/// The server's side of the key exchange.
enum ServerKeyShare {
    /// Answers the client's key_exchange bytes for `group`: our key_exchange bytes for the
    /// ServerHello, and the shared secret.
    ///
    /// For the (EC)DHE groups, a fresh key pair; for the hybrids, a fresh ECDH key pair and an
    /// encapsulation to the client's ML-KEM key. A client share that is not valid for its group
    /// (its length, its point, the FIPS 203 check of its encapsulation key) is an illegal_parameter.
    static func respond(
        group: NamedGroup, toClientShare clientShare: [UInt8], provider: CryptoProvider = .swiftCrypto
    ) throws -> (keyExchange: [UInt8], sharedSecret: SymmetricKey) {
        guard let layout = group.hybridLayout else {
            let ecdh = try EphemeralKey.generate(group: group)
            return (ecdh.publicKeyBytes, try ecdh.sharedSecret(peerPublicKey: clientShare))
        }
        guard clientShare.count == layout.clientShareLength else {
            throw TLSError(.illegalParameter("key share of \(clientShare.count) bytes for \(group)"))
        }
        let parts = layout.split(clientShare)
        let ecdh = try EphemeralKey.generate(group: layout.classical)
        let classicalSecret = try ecdh.sharedSecret(peerPublicKey: Array(parts.classical))
        let encapsulation = try layout.kem.encapsulate(to: parts.kem, provider: provider)
        return (
            layout.join(classical: ecdh.publicKeyBytes, kem: encapsulation.ciphertext),
            layout.join(classical: classicalSecret, kem: encapsulation.secret)
        )
    }
}
