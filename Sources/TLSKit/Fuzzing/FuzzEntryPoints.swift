import Crypto
import Foundation

/// Entry points for the fuzz targets in `Fuzz/`: thin wrappers over internal codecs and
/// record protection, so the targets can reach them without `@testable`.
///
/// This is not API. It is exported only as the `Fuzzing` SPI (`@_spi(Fuzzing) import TLSKit`),
/// and every function is a direct call into the code the connections use, with no logic of
/// its own beyond turning errors into nil.
@_spi(Fuzzing) public enum FuzzEntryPoints {
    /// One record as the deframer returned it.
    public struct Record: Hashable, Sendable {
        public let contentType: UInt8
        public let legacyVersion: UInt16
        public let fragment: [UInt8]
    }

    /// Feeds `chunks` one after the other to a record deframer, taking every record each
    /// completes. Returns the records and the number of bytes still buffered, or nil when the
    /// deframer refused a record header (an unknown content type or a length over 2^14 + 256).
    public static func deframe(_ chunks: [ArraySlice<UInt8>]) -> (records: [Record], bufferedByteCount: Int)? {
        var deframer = RecordDeframer()
        var records: [Record] = []
        do {
            for chunk in chunks {
                try chunk.withUnsafeBytes { bytes in
                    try deframer.receive(bytes) { record in
                        records.append(
                            Record(contentType: record.contentType.rawValue, legacyVersion: record.legacyVersion, fragment: record.fragment))
                        return true
                    }
                }
            }
        } catch {
            return nil
        }
        return (records, deframer.bufferedByteCount)
    }

    /// Feeds handshake record fragments to a reassembler and returns each complete message
    /// (header and body), or nil when a declared length exceeds `maximumMessageSize`.
    public static func reassemble(_ fragments: [[UInt8]], maximumMessageSize: Int) -> [[UInt8]]? {
        var reassembler = HandshakeReassembler(maximumMessageSize: maximumMessageSize)
        var messages: [[UInt8]] = []
        do {
            for fragment in fragments {
                reassembler.append(fragment)
                while let message = try reassembler.next() { messages.append(message.raw) }
            }
        } catch {
            return nil
        }
        return messages
    }

    /// Decodes a handshake message body of type `type` and returns the message encoded again
    /// (with its 4-byte header), or nil when the body does not decode.
    public static func decodeHandshakeMessage(type: UInt8, body: [UInt8]) -> [UInt8]? {
        guard let message = try? HandshakeMessage.decode(type: HandshakeType(rawValue: type), body: body) else { return nil }
        return message.encoded()
    }

    /// Where an extension block is decoded.
    public enum ExtensionContext: UInt8, CaseIterable, Sendable {
        case clientHello, serverHello, helloRetryRequest, encryptedExtensions, certificateEntry
    }

    /// Decodes an `Extension extensions<0..2^16-1>` block (with its length prefix) as it is read
    /// in `context`, and returns the block encoded again, or nil when it does not decode.
    public static func decodeExtensions(_ block: [UInt8], in context: ExtensionContext) -> [UInt8]? {
        var reader = ByteReader(block)
        var writer = ByteWriter()
        do {
            switch context {
            case .clientHello:
                try ClientHelloExtensions(from: &reader).encode(into: &writer)
            case .serverHello, .helloRetryRequest:
                let extensions = try ServerHelloExtensions(
                    decoding: try reader.readExtensions(), isHelloRetryRequest: context == .helloRetryRequest)
                extensions.encode(into: &writer)
            case .encryptedExtensions:
                try EncryptedExtensions(from: &reader).encode(into: &writer)
            case .certificateEntry:
                writer.writeExtensions(try reader.readExtensions())
            }
            try reader.expectEnd()
        } catch {
            return nil
        }
        return writer.bytes
    }

    /// Opens or looks up `ticket` as a server would when a client offers it, and returns the
    /// session state it holds encoded again, or nil when the ticket is rejected.
    public static func redeemTicket(_ ticket: [UInt8], protection: SessionTicketProtection, now: Date) -> [UInt8]? {
        let issuer = TicketIssuer(protection: protection, random: .system, provider: .default)
        guard case .success(let state) = issuer.redeem(ticket, now: now) else { return nil }
        return state.encoded()
    }

    /// Seals arbitrary bytes as a ticket under `ring`'s newest key, so that a target can make
    /// tickets that authenticate but carry any plaintext.
    public static func sealTicket(_ plaintext: [UInt8], ring: SessionTicketKeyRing) -> [UInt8] {
        ring.seal(plaintext)
    }

    /// The encoding of a server session state with these fields, for seed tickets.
    public static func encodeSessionState(
        cipherSuite: CipherSuite, psk: [UInt8], createdAt: UInt64, lifetime: UInt32, ageAdd: UInt32,
        serverName: String?, applicationProtocol: String?, clientCertificateChain: [[UInt8]]
    ) -> [UInt8] {
        ServerSessionState(
            cipherSuite: cipherSuite, psk: psk, createdAt: createdAt, lifetime: lifetime, ageAdd: ageAdd,
            serverName: serverName, applicationProtocol: applicationProtocol,
            clientCertificateChain: clientCertificateChain, clientCertificateVerified: !clientCertificateChain.isEmpty
        ).encoded()
    }

    /// Protects records as a peer would under a traffic secret taken from the key log, so a
    /// target can send a connection any record content after the keys are installed.
    public struct RecordSealer {
        private let suite: CipherSuite
        private var secret: KeyedSecret
        private var protection: RecordProtection

        /// A sealer for the secret written in hex in a key log line; nil if it is not hex.
        public init?(suite: CipherSuite, secretHex: String) {
            guard let bytes = Hex.decode(secretHex), !bytes.isEmpty else { return nil }
            self.suite = suite
            self.secret = KeyedSecret(SymmetricKey(data: bytes), hash: suite.suiteHash, provider: .default)
            self.protection = RecordProtection(suite: suite, trafficSecret: secret)
        }

        /// One protected record carrying `content` as `contentType` followed by `padding` zeros;
        /// content and padding together are cut to 2^14 bytes.
        public mutating func seal(contentType: UInt8, content: ArraySlice<UInt8>, padding: Int) -> [UInt8] {
            let content = content.prefix(TLSRecord.maximumPlaintextLength)
            let padding = max(0, min(padding, TLSRecord.maximumPlaintextLength - content.count))
            var output: [UInt8] = []
            try? protection.seal(contentType: ContentType(rawValue: contentType), plaintext: content, padding: padding, into: &output)
            return output
        }

        /// Moves to the next traffic secret, as after a KeyUpdate (RFC 8446 §7.2).
        public mutating func moveToNextSecret() {
            secret = secret.nextTrafficSecret()
            protection = RecordProtection(suite: suite, trafficSecret: secret)
        }
    }
}
