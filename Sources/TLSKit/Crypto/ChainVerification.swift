import Foundation
import SwiftASN1
import X509

/// Verification of a peer's certificate chain with swift-certificates.
enum ChainVerification {
    /// Verifies the peer's chain (DER, leaf first) against `roots` at `now`.
    ///
    /// The path is built and checked with swift-certificates' `Verifier` under
    /// `RFC5280Policy` (validity, basic constraints, name constraints); when
    /// `serverName` is given (a client checking a server) the leaf must also be valid
    /// for it under `ServerIdentityPolicy` (RFC 6125, DNS name or IP address). Returns
    /// the parsed chain as presented.
    ///
    /// Failures, in the order they are checked:
    /// - empty chain or DER that does not parse: `bad_certificate`;
    /// - an unsupported key or signature algorithm: `unsupported_certificate`;
    /// - a presented certificate outside its validity period: `certificate_expired`;
    /// - no path to a root: `unknown_ca`;
    /// - the leaf is not valid for `serverName`: `bad_certificate` ("name mismatch");
    /// - any other policy failure (an expired root, a non-CA issuer, a name
    ///   constraint): `certificate_expired` or `bad_certificate`.
    static func verify(chainDER: [[UInt8]], roots: TrustRoots, serverName: String?, now: Date) throws -> [Certificate] {
        let cacheKey = VerifiedChainCache.key(chainDER: chainDER, serverName: serverName)
        if let chain = roots.verifiedChains.lookup(cacheKey, now: now) { return chain }
        let chain = try verifyUncached(chainDER: chainDER, roots: roots, serverName: serverName, now: now)
        roots.verifiedChains.insert(cacheKey, chain: chain, now: now)
        return chain
    }

    private static func verifyUncached(chainDER: [[UInt8]], roots: TrustRoots, serverName: String?, now: Date) throws -> [Certificate] {
        let chain = try parse(chainDER: chainDER)
        guard let leaf = chain.first else { throw TLSError(.badCertificate("the peer sent no certificate")) }
        for certificate in chain {
            guard Self.verifiableSignatureAlgorithms.contains(certificate.signatureAlgorithm) else {
                throw TLSError(.unsupportedCertificate("signature algorithm \(certificate.signatureAlgorithm) of \(certificate.subject)"))
            }
        }
        // Expiry first, so that an expired certificate is reported as such rather
        // than as a chain the verifier could not build.
        if chain.contains(where: { now < $0.notValidBefore || now > $0.notValidAfter }) {
            throw TLSError(.certificateExpired)
        }

        let store = roots.store
        let intermediates = CertificateStore(chain.dropFirst())
        let chainPolicy = PeerChainPolicy(validationTime: now)
        if let serverName {
            let identity =
                IPAddressText.parse(serverName) != nil
                ? ServerIdentityPolicy(serverHostname: nil, serverIP: serverName)
                : ServerIdentityPolicy(serverHostname: serverName, serverIP: nil)
            let result = validate(leaf: leaf, intermediates: intermediates, store: store) {
                chainPolicy
                identity
            }
            if case .validCertificate = result { return chain }
        }
        // Either there is no name to check or the check failed: verifying again
        // without the identity policy tells a name mismatch from the other failures.
        switch validate(leaf: leaf, intermediates: intermediates, store: store, policy: { chainPolicy }) {
        case .validCertificate:
            if let serverName {
                throw TLSError(.badCertificate("name mismatch: the certificate is not valid for \(serverName)"))
            }
        case .couldNotValidate(let failures):
            throw classify(failures, leaf: leaf)
        }
        return chain
    }

    /// Parses the peer's chain without verifying it (for the explicit insecure opt-out).
    /// DER that does not parse is `bad_certificate`; an unsupported public key algorithm
    /// is `unsupported_certificate`.
    static func parse(chainDER: [[UInt8]]) throws -> [Certificate] {
        try chainDER.enumerated().map { index, der in
            do {
                return try Certificate(derEncoded: der)
            } catch let error as CertificateError where error.code == .unsupportedPublicKeyAlgorithm {
                throw TLSError(.unsupportedCertificate("certificate \(index) has an unsupported public key: \(error)"))
            } catch {
                throw TLSError(.badCertificate("certificate \(index) cannot be parsed: \(error)"))
            }
        }
    }

    /// The certificate signature algorithms swift-certificates can check.
    static let verifiableSignatureAlgorithms: Set<Certificate.SignatureAlgorithm> = [
        .ecdsaWithSHA256, .ecdsaWithSHA384, .ecdsaWithSHA512, .ed25519,
        .sha256WithRSAEncryption, .sha384WithRSAEncryption, .sha512WithRSAEncryption, .sha1WithRSAEncryption,
    ]

    /// The error for a chain the verifier rejected: no candidate path at all means no
    /// root issued it; otherwise the policy said why.
    private static func classify(_ failures: [CertificateValidationResult.PolicyFailure], leaf: Certificate) -> TLSError {
        guard !failures.isEmpty else {
            return TLSError(.unknownCA("no path from \(leaf.subject) to a trusted root"))
        }
        let reasons = failures.map { String(describing: $0.policyFailureReason) }
        if reasons.contains(where: { $0.contains("has expired") || $0.contains("not yet valid") || $0.contains("invalid expiry") }) {
            return TLSError(.certificateExpired)
        }
        return TLSError(.badCertificate(reasons[0]))
    }

    /// Runs swift-certificates' asynchronous `Verifier.validate` to completion on the calling thread.
    ///
    /// The TLSKit core is synchronous and sans-I/O: a handshake step takes bytes and
    /// returns bytes, and cannot suspend. `validate` is `async` only because custom
    /// certificate stores may fetch; our stores are in memory, so the work runs to
    /// completion at once. It runs in a detached task on the global executor while the
    /// calling thread waits on a semaphore. Callers should not be Swift concurrency
    /// cooperative threads (NIO event loops and plain threads are fine): blocking one
    /// of those while the task needs another could starve a small pool.
    private static func validate<Policy: VerifierPolicy>(
        leaf: Certificate,
        intermediates: CertificateStore,
        store: CertificateStore,
        @PolicyBuilder policy: () -> Policy
    ) -> CertificateValidationResult {
        // The policy builder's result is not Sendable; the task is the verifier's only user
        // while this thread waits, so it is handed over in a box.
        let verifier = HandOffBox(Verifier(rootCertificates: store, policy: policy))
        let result = HandOffBox<CertificateValidationResult?>(nil)
        let semaphore = DispatchSemaphore(value: 0)
        Task.detached {
            result.value = await verifier.value.validate(leaf: leaf, intermediates: intermediates)
            semaphore.signal()
        }
        semaphore.wait()
        return result.value!
    }
}

/// Carries a value between the calling thread and the verification task: each side touches it
/// only while the other waits on the semaphore, which orders the accesses.
private final class HandOffBox<Value>: @unchecked Sendable {
    var value: Value

    init(_ value: Value) { self.value = value }
}
