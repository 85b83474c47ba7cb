import Crypto

/// The running transcript hash of the handshake (RFC 8446 §4.4.1).
///
/// Handshake messages are added as they are sent or received, each with its 4-byte
/// handshake header and without record framing. ``digest()`` may be taken at any point
/// without disturbing the running state.
///
/// The hash runs on the connection's ``CryptoProvider``: swift-crypto's hash states are
/// copy-on-write boxes, so each digest taken mid-handshake copies and allocates one; under the
/// BoringSSL provider the state is BoringSSL's plain struct, held inline, and a digest is
/// finished from a copy on the stack.
struct TranscriptHash {
    // swift-crypto's states are optionals of their own, not enum payloads: an optional stored
    // property is updated in place, where a payload taken out of an enum to be updated is a
    // second reference to the copy-on-write state, and the update then allocates a new one.
    private var swiftCryptoSHA256: SHA256?
    private var swiftCryptoSHA384: SHA384?
    #if BoringSSLProvider
    private enum BoringSSLState {
        case sha256(BoringSSLSHA256)
        case sha384(BoringSSLSHA384)
    }
    private var boringSSL: BoringSSLState?
    #endif
    private let hash: SuiteHash
    private let provider: CryptoProvider

    /// Starts an empty transcript with the hash of `suite`.
    init(suite: CipherSuite, provider: CryptoProvider) {
        hash = suite.suiteHash
        self.provider = provider
        start()
    }

    private mutating func start() {
        switch (hash, provider.kind) {
        case (.sha256, .swiftCrypto): swiftCryptoSHA256 = SHA256()
        case (.sha384, .swiftCrypto): swiftCryptoSHA384 = SHA384()
        #if BoringSSLProvider
        case (.sha256, .boringSSL): boringSSL = .sha256(BoringSSLSHA256())
        case (.sha384, .boringSSL): boringSSL = .sha384(BoringSSLSHA384())
        #endif
        }
    }

    /// Adds bytes (one or more complete handshake messages) to the transcript.
    mutating func update(_ bytes: [UInt8]) {
        update(bytes[...])
    }

    /// Adds part of an encoded message (the binder transcript stops before the binders).
    mutating func update(_ bytes: ArraySlice<UInt8>) {
        bytes.withUnsafeBytes { buffer in
            switch provider.kind {
            case .swiftCrypto:
                swiftCryptoSHA256?.update(bufferPointer: buffer)
                swiftCryptoSHA384?.update(bufferPointer: buffer)
            #if BoringSSLProvider
            case .boringSSL:
                switch boringSSL {
                case .sha256(var hasher):
                    hasher.update(buffer)
                    boringSSL = .sha256(hasher)
                case .sha384(var hasher):
                    hasher.update(buffer)
                    boringSSL = .sha384(hasher)
                case nil:
                    preconditionFailure("BoringSSL transcript without a state")
                }
            #endif
            }
        }
    }

    /// Transcript-Hash of everything added so far. The running state is left as it was.
    func digest() -> [UInt8] {
        if let hasher = swiftCryptoSHA256 { return Self.digest(of: hasher) }
        if let hasher = swiftCryptoSHA384 { return Self.digest(of: hasher) }
        #if BoringSSLProvider
        switch boringSSL {
        case .sha256(let hasher): return Self.digest(of: hasher)
        case .sha384(let hasher): return Self.digest(of: hasher)
        case nil: break
        }
        #endif
        preconditionFailure("transcript without a hash state")
    }

    private static func digest<H: HMACHashState>(of hasher: H) -> [UInt8] {
        var digest = [UInt8](zeroedCount: H.byteCount)
        digest.withUnsafeMutableBytes { hasher.finalize(into: $0) }
        return digest
    }

    /// Replaces the transcript so far (the first ClientHello) with the synthetic
    /// `message_hash` message.
    ///
    /// When the server responds to a ClientHello with a HelloRetryRequest, the first
    /// ClientHello gets double-hashed into the transcript: it is replaced by a handshake
    /// message of type message_hash (254) whose body is Hash(ClientHello1). See RFC 8446,
    /// Section 4.4.1.
    mutating func restartForHelloRetryRequest() {
        let clientHelloHash = digest()
        swiftCryptoSHA256 = nil
        swiftCryptoSHA384 = nil
        start()
        var message: [UInt8] = [HandshakeType.messageHash.rawValue, 0, 0, UInt8(hash.length)]
        message.append(contentsOf: clientHelloHash)
        update(message)
    }
}
