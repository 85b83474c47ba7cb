import Crypto
import X509
import _CryptoExtras

/// Verifies a CertificateVerify signature (RFC 8446 §4.4.3) made by the key in
/// `publicKey`, the peer's leaf certificate key, over `message`.
///
/// The scheme must be one TLSKit accepts in CertificateVerify
/// (``SignatureScheme/supported``: never `rsa_pkcs1_*`, which RFC 8446 §4.4.3 forbids)
/// and must fit the key; otherwise the peer chose an illegal parameter. RSA-PSS uses
/// MGF1 with the scheme's hash and a salt as long as the hash (RFC 8446 §4.2.3).
/// A signature that does not verify, or an ECDSA signature that is not valid DER,
/// is `decrypt_error` (``TLSError/Reason/badSignature``).
func verifySignature(_ signature: [UInt8], scheme: SignatureScheme, message: [UInt8], publicKey: Certificate.PublicKey) throws {
    guard SignatureScheme.supported.contains(scheme) else {
        throw TLSError(.illegalParameter("signature scheme \(scheme) is not allowed in CertificateVerify"))
    }
    let isValid: Bool
    switch scheme {
    case .ecdsa_secp256r1_sha256:
        guard let key = P256.Signing.PublicKey(publicKey) else { throw mismatch(scheme, publicKey) }
        guard let parsed = try? P256.Signing.ECDSASignature(derRepresentation: signature) else { throw TLSError(.badSignature) }
        isValid = key.isValidSignature(parsed, for: message)
    case .ecdsa_secp384r1_sha384:
        guard let key = P384.Signing.PublicKey(publicKey) else { throw mismatch(scheme, publicKey) }
        guard let parsed = try? P384.Signing.ECDSASignature(derRepresentation: signature) else { throw TLSError(.badSignature) }
        isValid = key.isValidSignature(parsed, for: message)
    case .ed25519:
        guard let key = Curve25519.Signing.PublicKey(publicKey) else { throw mismatch(scheme, publicKey) }
        isValid = key.isValidSignature(signature, for: message)
    case .rsa_pss_rsae_sha256, .rsa_pss_rsae_sha384, .rsa_pss_rsae_sha512:
        guard let key = _RSA.Signing.PublicKey(publicKey) else { throw mismatch(scheme, publicKey) }
        let parsed = _RSA.Signing.RSASignature(rawRepresentation: signature)
        switch scheme {
        case .rsa_pss_rsae_sha256: isValid = key.isValidSignature(parsed, for: SHA256.hash(data: message), padding: .PSS)
        case .rsa_pss_rsae_sha384: isValid = key.isValidSignature(parsed, for: SHA384.hash(data: message), padding: .PSS)
        default: isValid = key.isValidSignature(parsed, for: SHA512.hash(data: message), padding: .PSS)
        }
    default:
        throw TLSError(.illegalParameter("signature scheme \(scheme) is not allowed in CertificateVerify"))
    }
    guard isValid else { throw TLSError(.badSignature) }
}

private func mismatch(_ scheme: SignatureScheme, _ publicKey: Certificate.PublicKey) -> TLSError {
    TLSError(.illegalParameter("signature scheme \(scheme) does not fit the certificate's \(publicKey) key"))
}
