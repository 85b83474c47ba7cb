import Crypto
import Foundation
import X509

/// What the design could reach at best on this machine: the swift-crypto operations alone.
enum LimitFigures {
    /// Pairs per second of the public-key work one full handshake needs: an X25519 key pair
    /// and agreement on each side, the server's P-256 CertificateVerify signature, and the
    /// client's two P-256 verifications (the leaf's certificate signature by the root, and
    /// CertificateVerify). Without `verifyingChain`, the first of the two is left out: that is
    /// the work of a handshake whose chain the client's verification cache answers, as it
    /// does in every `tlskit*_full_hs_*` figure after the first handshake.
    static func fullHandshake(_ context: BenchContext, verifyingChain: Bool = true) throws -> Rounds {
        let pki = context.pki
        let leafPublicKey = pki.leafKey.publicKey
        // The content a CertificateVerify signs: 64 spaces, the context string, a zero, a hash.
        let content = [UInt8](repeating: 0x20, count: 64) + Array("TLS 1.3, server CertificateVerify".utf8) + [0]
            + [UInt8](repeating: 0xa5, count: 32)
        return Rounds.rate { nanoseconds in
            try Budget.iterationsPerSecond(for: nanoseconds) {
                let clientShare = Curve25519.KeyAgreement.PrivateKey()
                let serverShare = Curve25519.KeyAgreement.PrivateKey()
                let serverSecret = try serverShare.sharedSecretFromKeyAgreement(with: clientShare.publicKey)
                let clientSecret = try clientShare.sharedSecretFromKeyAgreement(with: serverShare.publicKey)
                let signature = try pki.leafKey.signature(for: content).derRepresentation
                let received = try P256.Signing.ECDSASignature(derRepresentation: signature)
                guard serverSecret == clientSecret,
                    leafPublicKey.isValidSignature(received, for: content),
                    !verifyingChain || pki.root.publicKey.isValidSignature(pki.leaf.signature, for: pki.leaf)
                else { throw TLSKitPair.Failure(description: "a public-key operation failed") }
            }
        }
    }

    /// Pairs per second of the public-key work a psk_dhe_ke resumption needs: an X25519 key
    /// pair and agreement on each side, nothing else.
    static func resumedHandshake(_ context: BenchContext) throws -> Rounds {
        Rounds.rate { nanoseconds in
            try Budget.iterationsPerSecond(for: nanoseconds) {
                let clientShare = Curve25519.KeyAgreement.PrivateKey()
                let serverShare = Curve25519.KeyAgreement.PrivateKey()
                let serverSecret = try serverShare.sharedSecretFromKeyAgreement(with: clientShare.publicKey)
                let clientSecret = try clientShare.sharedSecretFromKeyAgreement(with: serverShare.publicKey)
                guard serverSecret == clientSecret else { throw TLSKitPair.Failure(description: "X25519 agreement failed") }
            }
        }
    }

    /// MB/s of one-shot AES-128-GCM seal and open of 16 KiB records (a fresh nonce each).
    static func bulkAES128GCM(_ context: BenchContext) throws -> Rounds {
        let key = SymmetricKey(size: .bits128)
        let chunk = Bulk.chunk
        let header: [UInt8] = [23, 3, 3, 0x40, 0x11]
        var nonce = [UInt8](repeating: 0, count: 12)
        var sequence: UInt64 = 0
        return Rounds.rate { nanoseconds in
            try Budget.iterationsPerSecond(for: nanoseconds) {
                sequence += 1
                withUnsafeBytes(of: sequence.bigEndian) { nonce.replaceSubrange(4..<12, with: $0) }
                let sealed = try AES.GCM.seal(chunk, using: key, nonce: AES.GCM.Nonce(data: nonce), authenticating: header)
                let opened = try AES.GCM.open(sealed, using: key, authenticating: header)
                guard opened.count == chunk.count else { throw TLSKitPair.Failure(description: "AES-GCM lost bytes") }
            }
        }.map { Bulk.megabytesPerSecond(iterations: $0, bytes: Bulk.recordSize) }
    }
}
