/// Application code that decides whether to trust the peer's certificate chain, after TLSKit's
/// own chain verification or in its place (a revocation list, a database of enrolled devices,
/// certificate pinning, a policy TLSKit does not know).
///
/// The verifier may be `async` and take its time: the sans-I/O connection stops when the
/// peer's Certificate and CertificateVerify have been checked, before its Finished, and
/// exposes ``TLSConnection/pendingPeerVerification``; the caller runs the verifier and hands
/// the verdict to ``TLSConnection/resumePeerVerification(_:)``. `TLSHandler` in TLSKitNIO does
/// this off the event loop by itself.
///
/// ```swift
/// struct RevocationCheck: PeerCertificateVerifier {
///     let revoked: RevocationList
///
///     func verify(_ request: PeerVerificationRequest) async -> PeerVerificationVerdict {
///         guard let leaf = request.peerCertificates.first else { return .reject(reason: "no certificate") }
///         if await revoked.contains(leaf.serialNumber) {
///             return .reject(reason: "serial \(leaf.serialNumber) is revoked", alert: .certificateRevoked)
///         }
///         return .accept
///     }
/// }
/// ```
///
/// The verifier runs at every full handshake that receives a certificate chain, and for each
/// chain a server receives through post-handshake authentication. It is not asked about a peer
/// that sends no certificate (a server then applies ``ClientAuthentication``), nor on a
/// resumed handshake, which authenticates with the session's key: a client resumes only
/// sessions from handshakes its verifier accepted, and a server with a verifier does not
/// resume sessions that carry a client certificate, so the verifier sees every such client
/// again.
public protocol PeerCertificateVerifier: Sendable {
    /// Decides whether the peer described by `request` is trusted. A verifier that cannot
    /// decide (its database is unreachable) should reject: TLSKit never treats a missing
    /// answer as an acceptance.
    func verify(_ request: PeerVerificationRequest) async -> PeerVerificationVerdict
}

/// Where a ``PeerCertificateVerifier`` stands relative to TLSKit's own chain verification.
public enum PeerVerificationMode: Sendable, Hashable {
    /// The chain is first verified against the trust roots (and, on a client, the server
    /// name); the verifier is asked only about chains that passed, and can only narrow what is
    /// accepted. The default.
    case afterChainVerification
    /// The verifier replaces chain verification: the chain is parsed, not checked against any
    /// roots, and the verifier alone decides, including validity periods and (on a client)
    /// whether the certificate is valid for the server name. Trust roots may then be empty.
    /// The peer must still prove it holds the leaf's key (its CertificateVerify).
    case insteadOfChainVerification
}
