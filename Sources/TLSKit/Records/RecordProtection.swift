import Crypto

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// AEAD record protection for one direction under one traffic secret (RFC 8446 §5.2–§5.4).
///
/// The write key and IV are derived once (RFC 8446 §7.3); each record's nonce is the
/// 64-bit sequence number, big-endian and left-padded to the IV length, XORed with the IV
/// (§5.3). The nonce is built on the stack, and ``seal(contentType:plaintext:padding:into:)``
/// encrypts in the caller's output buffer: the only per-record allocations left are the
/// ones swift-crypto's API makes.
///
/// A KeyUpdate or a new epoch makes a new value; the sequence number starts at 0 again.
struct RecordProtection: Sendable {
    private let aead: RecordAEAD
    /// The IV as three big-endian 32-bit words, in host order.
    private let iv: (UInt32, UInt32, UInt32)

    /// The sequence number of the next record sealed or opened.
    private(set) var sequenceNumber: UInt64 = 0

    /// The largest TLSInnerPlaintext: content, content type and padding (RFC 8446 §5.4).
    static let maximumInnerPlaintextLength = TLSRecord.maximumPlaintextLength + 1

    init(suite: CipherSuite, trafficSecret: SymmetricKey, provider: CryptoProvider = .default) {
        self.init(suite: suite, trafficSecret: KeyedSecret(trafficSecret, hash: suite.suiteHash, provider: provider), provider: provider)
    }

    /// Protection under a traffic secret whose HMAC is already keyed (the handshake secrets
    /// share theirs with the Finished key), with the record cipher `provider` makes.
    init(suite: CipherSuite, trafficSecret: KeyedSecret, provider: CryptoProvider = .default) {
        // Key and IV go from the stack into the cipher and the IV words (RFC 8446 §7.3, as
        // trafficKeys(suite:trafficSecret:) derives them): neither becomes an object of its own.
        aead = trafficSecret.withExpandedLabel("key", context: [], length: suite.keyLength) {
            RecordAEAD(suite: suite, keyBytes: $0, provider: provider)
        }
        iv = trafficSecret.withExpandedLabel("iv", context: [], length: RecordAEAD.nonceLength) { bytes in
            (
                UInt32(bigEndian: bytes.loadUnaligned(fromByteOffset: 0, as: UInt32.self)),
                UInt32(bigEndian: bytes.loadUnaligned(fromByteOffset: 4, as: UInt32.self)),
                UInt32(bigEndian: bytes.loadUnaligned(fromByteOffset: 8, as: UInt32.self))
            )
        }
    }

    /// The traffic key and IV of a traffic secret (RFC 8446 §7.3):
    ///
    ///     [sender]_write_key = HKDF-Expand-Label(Secret, "key", "", key_length)
    ///     [sender]_write_iv  = HKDF-Expand-Label(Secret, "iv", "", iv_length)
    static func trafficKeys(suite: CipherSuite, trafficSecret: SymmetricKey) -> (key: SymmetricKey, iv: [UInt8]) {
        trafficKeys(suite: suite, trafficSecret: KeyedSecret(trafficSecret, hash: suite.suiteHash, provider: .default))
    }

    static func trafficKeys(suite: CipherSuite, trafficSecret keyed: KeyedSecret) -> (key: SymmetricKey, iv: [UInt8]) {
        let key = keyed.expandLabel("key", context: [], length: suite.keyLength)
        let iv = keyed.expandLabel("iv", context: [], length: RecordAEAD.nonceLength)
        return (key, iv.withUnsafeBytes { Array($0) })
    }

    /// Calls `body` with this record's nonce (RFC 8446 §5.3), built on the stack.
    private func withNonce<Result>(_ body: (UnsafeRawBufferPointer) throws -> Result) rethrows -> Result {
        var nonce = (
            iv.0.bigEndian,
            (iv.1 ^ UInt32(truncatingIfNeeded: sequenceNumber >> 32)).bigEndian,
            (iv.2 ^ UInt32(truncatingIfNeeded: sequenceNumber)).bigEndian
        )
        return try withUnsafeBytes(of: &nonce, body)
    }

    /// RFC 8446 §5.3: a sequence number must never wrap; the connection rekeys long before.
    private func checkSequenceNumber() throws {
        guard sequenceNumber < UInt64.max else { throw TLSError(.internalFailure("record sequence number exhausted")) }
    }

    /// The length of the record that protects `contentLength` bytes of content and `padding`
    /// zero bytes: header, TLSInnerPlaintext and tag.
    static func sealedLength(contentLength: Int, padding: Int = 0) -> Int {
        TLSRecord.headerLength + contentLength + 1 + padding + RecordAEAD.tagLength
    }

    /// Appends one TLSCiphertext record protecting `plaintext` as `contentType`; see
    /// ``seal(contentType:plaintext:padding:into:)-(_,UnsafeRawBufferPointer,_,_)``. On failure
    /// `output` is unchanged.
    mutating func seal<Plaintext: Collection>(
        contentType: ContentType, plaintext: Plaintext, padding: Int = 0, into output: inout [UInt8]
    ) throws where Plaintext.Element == UInt8 {
        if let done: Void = try plaintext.withContiguousStorageIfAvailable({
            try seal(contentType: contentType, plaintext: UnsafeRawBufferPointer($0), padding: padding, into: &output)
        }) {
            return done
        }
        try Array(plaintext).withUnsafeBytes { try seal(contentType: contentType, plaintext: $0, padding: padding, into: &output) }
    }

    private mutating func seal(
        contentType: ContentType, plaintext: UnsafeRawBufferPointer, padding: Int, into output: inout [UInt8]
    ) throws {
        try Self.checkInnerLength(contentLength: plaintext.count, padding: padding)
        let length = Self.sealedLength(contentLength: plaintext.count, padding: padding)
        try output.writeWithUnsafeMutableBytes(minimumWritableBytes: length) { room in
            try seal(contentType: contentType, plaintext: plaintext, padding: padding, into: room)
        }
    }

    /// Writes one TLSCiphertext record protecting `plaintext` as `contentType` at the start
    /// of `output`, which must hold ``sealedLength(contentLength:padding:)`` bytes; returns
    /// that length.
    ///
    /// The record is the 5-byte header (opaque_type application_data, legacy_record_version
    /// 0x0303, length), which is also the additional data, then the AEAD output over
    /// TLSInnerPlaintext: content, the real content type, then `padding` zero bytes.
    /// Content plus padding may not exceed 2^14 bytes.
    mutating func seal(
        contentType: ContentType, plaintext: UnsafeRawBufferPointer, padding: Int = 0, into output: UnsafeMutableRawBufferPointer
    ) throws -> Int {
        try Self.checkInnerLength(contentLength: plaintext.count, padding: padding)
        try checkSequenceNumber()
        let recordLength = Self.sealedLength(contentLength: plaintext.count, padding: padding)
        precondition(output.count >= recordLength, "sealed record buffer too small")
        let innerLength = plaintext.count + 1 + padding
        let length = innerLength + RecordAEAD.tagLength
        output[0] = ContentType.applicationData.rawValue
        output[1] = UInt8(truncatingIfNeeded: TLSRecord.legacyVersionTLS12 >> 8)
        output[2] = UInt8(truncatingIfNeeded: TLSRecord.legacyVersionTLS12)
        output[3] = UInt8(truncatingIfNeeded: length >> 8)
        output[4] = UInt8(truncatingIfNeeded: length)
        let header = UnsafeRawBufferPointer(rebasing: output[..<TLSRecord.headerLength])
        let body = UnsafeMutableRawBufferPointer(rebasing: output[TLSRecord.headerLength..<recordLength])
        do {
            try withNonce { nonce in
                if padding == 0 {
                    try aead.seal(plaintext, trailer: contentType.rawValue, into: body, nonce: nonce, additionalData: header)
                } else {
                    // Padding is rare: assemble TLSInnerPlaintext in place and seal it there.
                    if plaintext.count > 0 { body.baseAddress!.copyMemory(from: plaintext.baseAddress!, byteCount: plaintext.count) }
                    body[plaintext.count] = contentType.rawValue
                    UnsafeMutableRawBufferPointer(rebasing: body[(plaintext.count + 1)..<innerLength]).initializeMemory(as: UInt8.self, repeating: 0)
                    try aead.sealInPlace(body, plaintextLength: innerLength, nonce: nonce, additionalData: header)
                }
            }
        } catch {
            throw TLSError(.internalFailure("record encryption failed: \(error)"))
        }
        sequenceNumber += 1
        return recordLength
    }

    private static func checkInnerLength(contentLength: Int, padding: Int) throws {
        guard padding >= 0, contentLength + 1 + padding <= RecordProtection.maximumInnerPlaintextLength else {
            throw TLSError(.internalFailure("record content and padding exceed 2^14 bytes"))
        }
    }

    /// Decrypts a record whose opaque type was application_data and removes its padding
    /// (RFC 8446 §5.2, §5.4), without copying the content: it is a slice of the decrypted
    /// plaintext (whose whole length, padding and content type included, is `decryptedLength`),
    /// for the application data path.
    ///
    /// - Throws: `recordOverflow` for a fragment over 2^14 + 256 bytes or a
    ///   TLSInnerPlaintext over 2^14 + 1 bytes; `badRecordMAC` when authentication fails;
    ///   `unexpectedMessage` when the plaintext is all zeros and so has no content type.
    mutating func openContent(_ record: ReceivedRecord) throws -> (contentType: ContentType, content: Data, decryptedLength: Int) {
        let aead = self.aead
        let inner = try open(record) { ciphertext, nonce, additionalData in
            try aead.open(ciphertext, nonce: nonce, additionalData: additionalData)
        }
        // Scanned as raw bytes: each of Data's subscripts costs more than the byte it reads.
        let (contentType, contentLength) = try inner.withUnsafeBytes { try Self.removePadding($0) }
        return (contentType, inner[inner.startIndex..<(inner.startIndex + contentLength)], inner.count)
    }

    /// Decrypts a record whose opaque type was application_data into the start of `output`,
    /// which holds at least the record's length less 16 bytes, and finds its content type
    /// and padding as ``openContent(_:)`` does: the content is the first `contentLength`
    /// bytes of `output`, and whatever follows them there is not.
    mutating func openContent(
        _ record: ReceivedRecord, into output: UnsafeMutableRawBufferPointer
    ) throws -> (contentType: ContentType, contentLength: Int) {
        let aead = self.aead
        let decryptedLength = try open(record) { ciphertext, nonce, additionalData in
            try aead.open(ciphertext, into: output, nonce: nonce, additionalData: additionalData)
        }
        return try Self.removePadding(UnsafeRawBufferPointer(rebasing: output[..<decryptedLength]))
    }

    /// The checks and the nonce and additional data every record's opening shares; `body`
    /// opens the fragment with them.
    private mutating func open<Opened>(
        _ record: ReceivedRecord,
        _ body: (_ ciphertext: UnsafeRawBufferPointer, _ nonce: UnsafeRawBufferPointer, _ additionalData: UnsafeRawBufferPointer) throws -> Opened
    ) throws -> Opened {
        let fragment = record.body
        guard fragment.count <= TLSRecord.maximumCiphertextLength else { throw TLSError(.recordOverflow) }
        guard fragment.count >= RecordAEAD.tagLength else { throw TLSError(.badRecordMAC) }
        try checkSequenceNumber()

        var header = (
            record.contentType.rawValue,
            UInt8(truncatingIfNeeded: record.legacyVersion >> 8), UInt8(truncatingIfNeeded: record.legacyVersion),
            UInt8(truncatingIfNeeded: fragment.count >> 8), UInt8(truncatingIfNeeded: fragment.count)
        )
        let opened: Opened
        do {
            opened = try withNonce { nonce in
                try withUnsafeBytes(of: &header) { additionalData in try body(fragment, nonce, additionalData) }
            }
        } catch {
            throw TLSError(.badRecordMAC)
        }
        sequenceNumber += 1
        return opened
    }

    /// The real content type of a decrypted TLSInnerPlaintext and the length of its content:
    /// the type is the last non-zero byte, and everything after it is padding.
    private static func removePadding(_ inner: UnsafeRawBufferPointer) throws -> (contentType: ContentType, contentLength: Int) {
        guard inner.count <= RecordProtection.maximumInnerPlaintextLength else { throw TLSError(.recordOverflow) }
        var index = inner.count
        while index > 0 {
            index -= 1
            if inner[index] != 0 { return (ContentType(rawValue: inner[index]), index) }
        }
        throw TLSError(.unexpectedMessage("record with no content type"))
    }
}
