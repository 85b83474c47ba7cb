import Crypto

/// Proof that a peer's Finished message verified. Only ``verify(_:suite:baseKey:transcriptHash:)``
/// can make one, so a state that requires it cannot be reached without the constant-time check.
struct VerifiedFinished {
    private init() {}

    /// Checks `finished` against the expected verify_data in constant time (RFC 8446 §4.4.4).
    /// A wrong length is a decode_error; wrong contents are a decrypt_error.
    static func verify(_ finished: Finished, suite: CipherSuite, baseKey: SymmetricKey, transcriptHash: [UInt8]) throws -> VerifiedFinished {
        try verify(finished, suite: suite, baseKey: KeyedSecret(baseKey, hash: suite.suiteHash), transcriptHash: transcriptHash)
    }

    /// The same from a base key whose HMAC is already keyed.
    static func verify(_ finished: Finished, suite: CipherSuite, baseKey: KeyedSecret, transcriptHash: [UInt8]) throws -> VerifiedFinished {
        guard finished.verifyData.count == suite.hashLength else {
            throw TLSError(.malformedMessage("Finished of \(finished.verifyData.count) bytes"))
        }
        let expected = KeySchedule.finishedVerifyData(suite: suite, baseKey: baseKey, transcriptHash: transcriptHash)
        guard constantTimeEquals(expected, finished.verifyData) else { throw TLSError(.badFinished) }
        return VerifiedFinished()
    }

    /// Our own Finished message for the given base key (the sender's handshake traffic secret).
    static func make(suite: CipherSuite, baseKey: SymmetricKey, transcriptHash: [UInt8]) -> HandshakeMessage {
        make(suite: suite, baseKey: KeyedSecret(baseKey, hash: suite.suiteHash), transcriptHash: transcriptHash)
    }

    /// The same from a base key whose HMAC is already keyed.
    static func make(suite: CipherSuite, baseKey: KeyedSecret, transcriptHash: [UInt8]) -> HandshakeMessage {
        .finished(Finished(verifyData: KeySchedule.finishedVerifyData(suite: suite, baseKey: baseKey, transcriptHash: transcriptHash)))
    }
}
