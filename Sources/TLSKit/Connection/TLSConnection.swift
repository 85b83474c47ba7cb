import Foundation

/// A TLS 1.3 connection without I/O, client or server: bytes in, bytes out.
///
/// Feed what arrives from the network to ``receive(_:)``, send what ``takeOutput()``
/// returns, write application data with ``write(_:)`` and read it with
/// ``readApplicationData()``. Events (handshake completed, close_notify, alerts) are taken
/// with ``nextEvent()``. When a call throws, the fatal alert for it is already in the output:
/// always send what ``takeOutput()`` returns before closing the socket. After a failure
/// every call throws the same error.
///
/// A connection is not thread-safe: confine it to one thread or event loop. The two roles are
/// ``ServerConnection`` and ``ClientConnection``, each a final class that owns the record layer
/// (its ``core``) and its own handshake; this protocol is what adapters need from both.
public protocol TLSConnection: AnyObject, CustomStringConvertible, CustomReflectable {
    /// The record layer the connection owns. It has no API of its own outside TLSKit.
    var core: ConnectionCore { get }

    /// Processes bytes received from the peer. Throws the connection's error if it fails
    /// (the alert is then waiting in ``takeOutput()``).
    ///
    /// Records are read where `bytes` are, without a copy when they are contiguous; only a
    /// record split across calls is kept, in a buffer of its own. A call from inside a handler
    /// that this one runs (a new-session handler, the key log) throws
    /// ``TLSError/Code/invalidState`` and leaves the connection as it was.
    func receive<Bytes: Collection>(_ bytes: Bytes) throws where Bytes.Element == UInt8

    /// Encrypts application data for the peer, in full-size records. A server's queued
    /// tickets go first, on a record boundary of their own.
    func write<Bytes: Collection>(_ data: Bytes) throws where Bytes.Element == UInt8

    /// Processes bytes received from the peer like ``receive(_:)``, but once the handshake is
    /// complete opens the application data they carry straight into `applicationData`, where
    /// it stays: no copy, nothing kept for ``readApplicationData()``. An adapter that passes
    /// buffers along (the NIO handler) reads this way.
    func receive<Output: TLSOutputBuffer>(_ bytes: UnsafeRawBufferPointer, applicationData: inout Output) throws

    /// Encrypts application data like ``write(_:)``, sealing the records straight into
    /// `output` after the bytes ``takeOutput()`` would have returned (which it takes): the
    /// only pass over the data is the encryption itself where the provider allows it.
    func write<Output: TLSOutputBuffer>(_ data: UnsafeRawBufferPointer, into output: inout Output) throws

    /// Advances the handshake with what is already known (the `SSL_do_handshake` equivalent):
    /// a server sends the tickets asked for since the last write. Bytes it produces are in
    /// ``takeOutput()``.
    func driveHandshake() throws

    /// Moves our sending direction to fresh keys with a KeyUpdate, optionally asking the peer
    /// to do the same (RFC 8446 §4.6.3).
    func updateKeys(requestPeerUpdate: Bool) throws

    /// Derives keying material from the connection's exporter secret (RFC 8446 §7.5).
    /// An empty context and no context are the same in TLS 1.3.
    func exportKeyingMaterial(label: String, context: [UInt8], length: Int) throws -> [UInt8]

    /// The verifier of the configuration (``ClientConfiguration/certificateVerifier``,
    /// ``ServerConfiguration/clientCertificateVerifier``): what to run for
    /// ``pendingPeerVerification``. nil when there is none, and then nothing is ever pending.
    var peerCertificateVerifier: (any PeerCertificateVerifier)? { get }

    /// Gives the connection the verdict on ``pendingPeerVerification`` and goes on from where
    /// it stopped: an acceptance processes the records held meanwhile, as ``receive(_:)``
    /// would have (check ``takeOutput()``, events and application data after it); a rejection
    /// fails the connection with a ``TLSError`` of code ``TLSError/Code/certificateVerificationFailed``,
    /// its alert waiting in ``takeOutput()``.
    ///
    /// Throws ``TLSError/Code/invalidState`` when nothing is pending, or when called from inside
    /// a handler that a connection call runs, and leaves the connection as it was.
    func resumePeerVerification(_ verdict: PeerVerificationVerdict) throws
}

extension TLSConnection {
    /// Takes all bytes waiting to be sent to the peer.
    public func takeOutput() -> [UInt8] { core.takeOutput() }

    /// The bytes ``write(_:into:)`` adds for `count` bytes of application data: full-size
    /// records, each with its header, content type and tag (tickets a server sends first come on top).
    public func sealedLength(ofApplicationData count: Int) -> Int {
        let records = max(1, (count + TLSRecord.maximumPlaintextLength - 1) / TLSRecord.maximumPlaintextLength)
        return count + records * RecordProtection.sealedLength(contentLength: 0)
    }

    /// Moves all bytes waiting to be sent to the peer to the end of `output`.
    public func takeOutput<Output: TLSOutputBuffer>(into output: inout Output) { core.takeOutput(into: &output) }

    /// Whether ``takeOutput()`` has bytes to send.
    public var hasPendingOutput: Bool { core.hasPendingOutput }

    /// Takes the application data received so far, or nil if there is none.
    public func readApplicationData() -> [UInt8]? { core.readApplicationData() }

    /// The number of application data bytes received and not yet read.
    public var readableApplicationDataCount: Int { core.readableApplicationDataCount }

    /// Takes the application data received so far without copying it first: `body` is
    /// called with each contiguous piece in order (a full record, or small records gathered
    /// together) and must copy what it keeps. Returns the number of bytes handed over, 0 when there were none.
    @discardableResult
    public func readApplicationData(_ body: (UnsafeRawBufferPointer) -> Void) -> Int { core.readApplicationData(body) }

    /// Takes the next event, or nil.
    public func nextEvent() -> TLSEvent? { core.nextEvent() }

    /// Sends close_notify: we will write no more. Reading can go on until the peer closes too.
    public func close() { core.close() }

    /// Whether the connection can carry no more data in either direction: failed, or
    /// close_notify sent and received.
    public var isClosed: Bool { core.isClosed }

    /// Whether the peer has sent close_notify.
    public var isPeerClosed: Bool { core.isPeerClosed }

    /// The error that ended the connection, if any.
    public var error: TLSError? { core.error }

    /// The peer's chain, waiting for the application's verdict, when a ``peerCertificateVerifier``
    /// is configured; nil otherwise.
    ///
    /// The connection stops when the peer's Certificate and CertificateVerify have verified,
    /// before its Finished: records received meanwhile are held, unprocessed, up to
    /// ``ConnectionLimits/maximumBytesWhileVerifyingPeer``. Check this after each
    /// ``receive(_:)``; run the verifier (it may be `async`: do not block the thread that
    /// drives the connection) and pass its verdict to ``resumePeerVerification(_:)``.
    public var pendingPeerVerification: PeerVerificationRequest? { core.pendingPeerVerification }

    /// Whether the handshake has completed and application data can flow.
    public var isHandshakeComplete: Bool { core.isHandshakeComplete }

    /// What the handshake agreed on, once it has completed.
    public var negotiatedParameters: NegotiatedParameters? { core.negotiatedParameters }

    /// A KeyUpdate that does not ask the peer to update its keys too.
    public func updateKeys() throws { try updateKeys(requestPeerUpdate: false) }

    /// ``exportKeyingMaterial(label:context:length:)`` with no context.
    public func exportKeyingMaterial(label: String, length: Int) throws -> [UInt8] {
        try exportKeyingMaterial(label: label, context: [], length: length)
    }

    /// A summary of the connection's state. Never contains keys or secrets.
    public var description: String {
        let suite = negotiatedParameters.map { ", \($0.cipherSuite)" } ?? ""
        let state = error.map { "failed: \($0)" } ?? (isHandshakeComplete ? "established" : "handshaking")
        return "\(type(of: self))(\(state)\(suite))"
    }

    /// Mirrors only public state, so `dump` and debuggers' summaries show no key material.
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "isHandshakeComplete": isHandshakeComplete, "negotiatedParameters": negotiatedParameters as Any,
                "error": error as Any,
            ], displayStyle: .class)
    }
}
