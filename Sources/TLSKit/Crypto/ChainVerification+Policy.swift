import Foundation
import SwiftASN1
@_spi(FixedExpiryValidationTime) import X509

extension ChainVerification {
    /// RFC5280Policy at the handshake's time, plus direct trust of a certificate that
    /// is itself a root.
    ///
    /// Validity is checked against `validationTime` (the handshake's injected clock)
    /// with RFC5280Policy's fixed-time initialiser, which swift-certificates offers
    /// through the `FixedExpiryValidationTime` SPI named by its own deprecation notice.
    ///
    /// swift-certificates only accepts a root presented as the leaf when it is marked
    /// as a CA. TLSKit, like Go's crypto/x509, trusts any certificate the application
    /// put in its roots when the peer presents exactly that certificate (a pinned,
    /// typically self-signed, end-entity certificate); only its validity is checked.
    ///
    /// The subjectAlternativeName extension is listed as understood so that a critical
    /// one does not stop path building: the identity check reads it when there is a
    /// server name, and client certificates are not matched by name.
    struct PeerChainPolicy: VerifierPolicy {
        let validationTime: Date
        let rfc5280: RFC5280Policy

        init(validationTime: Date) {
            self.validationTime = validationTime
            self.rfc5280 = RFC5280Policy(fixedExpiryValidationTime: validationTime)
        }

        var verifyingCriticalExtensions: [ASN1ObjectIdentifier] {
            rfc5280.verifyingCriticalExtensions + [.X509ExtensionID.subjectAlternativeName]
        }

        func chainMeetsPolicyRequirements(chain: UnverifiedCertificateChain) -> PolicyEvaluationResult {
            // The verifier offers a one-certificate chain only when the leaf is in the roots.
            guard chain.count == 1 else { return rfc5280.chainMeetsPolicyRequirements(chain: chain) }
            let leaf = chain.leaf
            if validationTime < leaf.notValidBefore {
                return .failsToMeetPolicy(reason: "Certificate \(leaf) is not yet valid")
            }
            if validationTime > leaf.notValidAfter {
                return .failsToMeetPolicy(reason: "Certificate \(leaf) has expired")
            }
            return .meetsPolicy
        }
    }
}
