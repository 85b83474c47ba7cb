import Crypto

/// Proof that a peer's Finished message verified. Only ``KeyedSecret/verify(_:transcriptHash:)``
/// can make one, and a connection's ``ApplicationTraffic`` cannot be made without one, so no
/// connection is established, and no ticket derived, without the constant-time check.
struct VerifiedFinished: Sendable {
    fileprivate init() {}
}

extension KeyedSecret {
    /// Checks the peer's `finished` against the verify_data this traffic secret (the peer's)
    /// gives, in constant time (RFC 8446 §4.4.4). A wrong length is a decode_error; wrong
    /// contents are a decrypt_error.
    func verify(_ finished: Finished, transcriptHash: [UInt8]) throws -> VerifiedFinished {
        guard finished.verifyData.count == hash.length else {
            throw TLSError(.malformedMessage("Finished of \(finished.verifyData.count) bytes"))
        }
        let expected = finishedVerifyData(transcriptHash: transcriptHash)
        guard constantTimeEquals(expected, finished.verifyData) else { throw TLSError(.badFinished) }
        return VerifiedFinished()
    }

    /// Our own Finished message under this traffic secret (ours).
    func finished(transcriptHash: [UInt8]) -> HandshakeMessage {
        .finished(Finished(verifyData: finishedVerifyData(transcriptHash: transcriptHash)))
    }
}
