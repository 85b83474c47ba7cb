/// Bounds on what a peer can make a connection hold or do, each with a safe default.
///
/// Hitting a limit ends the connection with a ``TLSError`` whose code is
/// ``TLSError/Code/limitExceeded`` and the alert named below.
public struct ConnectionLimits: Sendable, Hashable {
    /// Largest handshake message body accepted, of any type (`decode_error`). The default,
    /// 131,396 bytes, is the largest ClientHello RFC 8446's syntax allows (its cipher suite list
    /// and its extensions each at their 64 KiB maximum), so no legal hello is refused. Every
    /// message type is also held to the largest body its own structure allows, checked as its
    /// header arrives: a Finished to 48 bytes, a KeyUpdate to 1, a ServerHello to 65,607. So a
    /// connection buffers at most this much for one message, and a Certificate message (whose
    /// structure allows 16 MiB) is bounded by this value alone.
    public var maximumHandshakeMessageSize = HandshakeReassembler.largestClientHelloBody
    /// Most certificates accepted in a peer's chain (`bad_certificate`). Real chains have 2 to 4.
    public var maximumCertificateChainLength = 10
    /// Records in a row that carry nothing: empty application data, change_cipher_spec, warning
    /// alerts (`unexpected_message`). Stops a peer from keeping us busy without sending data.
    public var maximumEmptyRecordsInARow = 32
    /// KeyUpdate messages received in a row with no application data between them
    /// (`unexpected_message`). Each one costs a key derivation and, when it asks, a reply.
    public var maximumKeyUpdatesInARow = 32
    /// Decrypted application data held for the application before it reads (`internal_error`).
    /// Read with ``TLSConnection/readApplicationData()`` after each ``TLSConnection/receive(_:)``.
    /// The memory held stays close to this count whatever the records look like: record
    /// padding is never kept, and small records are gathered into shared buffers.
    public var maximumBufferedPlaintext = 1 << 20
    /// Bytes a peer may send before the handshake completes (`unexpected_message`).
    public var maximumBytesBeforeHandshake = 262_144
    /// Bytes of 0-RTT application data a server skips when it does not accept early data
    /// (RFC 8446 §4.2.10, its `max_early_data_size`); more is `unexpected_message` (§4.6.1).
    /// Records that cannot be opened are counted whole, less their tag and content type byte,
    /// since their padding cannot be told from their data. The default is the 16 KiB OpenSSL
    /// lets clients send by default.
    public var maximumSkippedEarlyData = 16_384
    /// Bytes of records held unread while a ``PeerCertificateVerifier`` decides
    /// (``TLSConnection/pendingPeerVerification``), counted with their headers (`internal_error`).
    /// The peer may rightly send its Finished and application data meanwhile; the records are
    /// kept, still encrypted, and processed in order once the verdict is in. An adapter that can
    /// stop reading while it waits (as `TLSHandler` does) rarely comes near this bound.
    public var maximumBytesWhileVerifyingPeer = 262_144

    /// The defaults above.
    public init() {}
}
