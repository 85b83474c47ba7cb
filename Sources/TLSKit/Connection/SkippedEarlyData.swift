/// How a server that declines 0-RTT passes over the early data a client sent anyway
/// (RFC 8446 §4.2.10): a ClientHello whose early data is declined is answered in one of the
/// section's first two ways, and the records the client sent before it read that answer are
/// skipped, up to ``ConnectionLimits/maximumSkippedEarlyData``. The server's state machine
/// says which (``HandshakeOutput/Action/skipEarlyData(_:)``).
struct SkippedEarlyData {
    enum Mode {
        /// The server answered with a ServerHello: "skips past early data by attempting to
        /// deprotect received records using the handshake traffic key, discarding records which
        /// fail deprotection". The first record that opens is the client's second flight.
        case undecryptable
        /// The server answered with a HelloRetryRequest: it "ignores early data by skipping all
        /// records with an external content type of application_data", without keys to try.
        /// The second ClientHello ends this: early data is not permitted after a HelloRetryRequest.
        case protected
    }

    let mode: Mode
    private var remaining: Int

    init(mode: Mode, limit: Int) {
        self.mode = mode
        self.remaining = limit
    }

    /// Counts a skipped record of `bodyLength` protected bytes. RFC 8446 §4.6.1: "A server
    /// receiving more than max_early_data_size bytes of 0-RTT data SHOULD terminate the
    /// connection with an unexpected_message alert."
    mutating func skip(bodyLength: Int) throws {
        // Only the data counts; without the keys its padding cannot be told apart, so the
        // record counts whole less its tag and the inner content type byte.
        let length = max(0, bodyLength - RecordAEAD.tagLength - 1)
        guard length <= remaining else {
            throw TLSError(.limitExceeded("more early data than maximumSkippedEarlyData", alert: .unexpectedMessage))
        }
        remaining -= length
    }
}
