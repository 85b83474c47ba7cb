/// Bounds on what a peer can make a connection hold or do, each with a safe default.
///
/// Hitting a limit ends the connection with a ``TLSError`` whose code is
/// ``TLSError/Code/limitExceeded`` and the alert named below.
public struct ConnectionLimits: Sendable, Hashable {
    /// Largest handshake message accepted (`decode_error`). 64 KiB holds any sane certificate chain.
    public var maximumHandshakeMessageSize = 65_536
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

    /// The defaults above.
    public init() {}
}
