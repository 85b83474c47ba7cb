import Crypto

/// Proof that a peer's Finished message verified. Only ``verify(_:suite:baseKey:transcriptHash:)``
/// can make one, so a state that requires it cannot be reached without the constant-time check.
struct VerifiedFinished {
    private init() {}

    /// Checks `finished` against the expected verify_data in constant time (RFC 8446 §4.4.4).
    /// A wrong length is a decode_error; wrong contents are a decrypt_error.
    static func verify(_ finished: Finished, suite: CipherSuite, baseKey: KeyedSecret, transcriptHash: [UInt8]) throws -> VerifiedFinished {
        guard finished.verifyData.count == suite.hashLength else {
            throw TLSError(.malformedMessage("Finished of \(finished.verifyData.count) bytes"))
        }
        let expected = baseKey.finishedVerifyData(transcriptHash: transcriptHash)
        guard constantTimeEquals(expected, finished.verifyData) else { throw TLSError(.badFinished) }
        return VerifiedFinished()
    }

    /// Our own Finished message for the given base key (the sender's traffic secret).
    static func make(suite: CipherSuite, baseKey: KeyedSecret, transcriptHash: [UInt8]) -> HandshakeMessage {
        .finished(Finished(verifyData: baseKey.finishedVerifyData(transcriptHash: transcriptHash)))
    }
}
