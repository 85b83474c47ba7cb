import Crypto

/// The running transcript hash of the handshake (RFC 8446 §4.4.1).
///
/// Handshake messages are added as they are sent or received, each with its 4-byte
/// handshake header and without record framing. ``digest()`` may be taken at any point
/// without disturbing the running state.
struct TranscriptHash {
    private enum State {
        case sha256(SHA256)
        case sha384(SHA384)
    }

    private var state: State
    private let hash: SuiteHash

    /// Starts an empty transcript with the hash of `suite`.
    init(suite: CipherSuite) {
        hash = suite.suiteHash
        state = TranscriptHash.emptyState(for: hash)
    }

    private static func emptyState(for hash: SuiteHash) -> State {
        switch hash {
        case .sha256: return .sha256(SHA256())
        case .sha384: return .sha384(SHA384())
        }
    }

    /// Adds bytes (one or more complete handshake messages) to the transcript.
    mutating func update(_ bytes: [UInt8]) {
        update(bytes[...])
    }

    /// Adds part of an encoded message (the binder transcript stops before the binders).
    mutating func update(_ bytes: ArraySlice<UInt8>) {
        bytes.withUnsafeBytes { buffer in
            switch state {
            case .sha256(var hasher):
                hasher.update(bufferPointer: buffer)
                state = .sha256(hasher)
            case .sha384(var hasher):
                hasher.update(bufferPointer: buffer)
                state = .sha384(hasher)
            }
        }
    }

    /// Transcript-Hash of everything added so far. The running state is left as it was.
    func digest() -> [UInt8] {
        switch state {
        case .sha256(let hasher): return Array(copying: hasher.finalize())
        case .sha384(let hasher): return Array(copying: hasher.finalize())
        }
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
        state = TranscriptHash.emptyState(for: hash)
        var message: [UInt8] = [HandshakeType.messageHash.rawValue, 0, 0, UInt8(hash.length)]
        message.append(contentsOf: clientHelloHash)
        update(message)
    }
}
