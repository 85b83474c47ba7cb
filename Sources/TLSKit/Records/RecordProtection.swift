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
        self.init(suite: suite, trafficSecret: KeyedSecret(trafficSecret, hash: suite.suiteHash), provider: provider)
    }

    /// Protection under a traffic secret whose HMAC is already keyed (the handshake secrets
    /// share theirs with the Finished key), with the record cipher `provider` makes.
    init(suite: CipherSuite, trafficSecret: KeyedSecret, provider: CryptoProvider = .default) {
        let keys = RecordProtection.trafficKeys(suite: suite, trafficSecret: trafficSecret)
        aead = RecordAEAD(suite: suite, key: keys.key, provider: provider)
        iv = keys.iv.withUnsafeBytes { bytes in
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
        trafficKeys(suite: suite, trafficSecret: KeyedSecret(trafficSecret, hash: suite.suiteHash))
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

    /// Appends one TLSCiphertext record protecting `plaintext` as `contentType`.
    ///
    /// The record is the 5-byte header (opaque_type application_data, legacy_record_version
    /// 0x0303, length), which is also the additional data, then the AEAD output over
    /// TLSInnerPlaintext: content, the real content type, then `padding` zero bytes.
    /// Content plus padding may not exceed 2^14 bytes. On failure `output` is unchanged.
    mutating func seal<Plaintext: Collection>(
        contentType: ContentType, plaintext: Plaintext, padding: Int = 0, into output: inout [UInt8]
    ) throws where Plaintext.Element == UInt8 {
        let innerLength = plaintext.count + 1 + padding
        guard padding >= 0, innerLength <= RecordProtection.maximumInnerPlaintextLength else {
            throw TLSError(.internalFailure("record content and padding exceed 2^14 bytes"))
        }
        try checkSequenceNumber()

        let start = output.count
        let bodyStart = start + TLSRecord.headerLength
        output.reserveCapacity(bodyStart + innerLength + RecordAEAD.tagLength)
        TLSRecord.appendHeader(
            contentType: .applicationData, legacyVersion: TLSRecord.legacyVersionTLS12,
            length: innerLength + RecordAEAD.tagLength, into: &output)
        // TLSInnerPlaintext is assembled in place and sealed there, the tag after it.
        output.append(contentsOf: plaintext)
        output.append(contentType.rawValue)
        output.append(contentsOf: repeatElement(0, count: padding + RecordAEAD.tagLength))
        do {
            try withNonce { nonce in
                try output.withUnsafeMutableBytes { buffer in
                    try aead.sealInPlace(
                        UnsafeMutableRawBufferPointer(rebasing: buffer[bodyStart...]), plaintextLength: innerLength, nonce: nonce,
                        additionalData: UnsafeRawBufferPointer(rebasing: buffer[start..<bodyStart]))
                }
            }
        } catch {
            output.removeSubrange(start...)
            throw TLSError(.internalFailure("record encryption failed: \(error)"))
        }
        sequenceNumber += 1
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
        let fragment = record.body
        guard fragment.count <= TLSRecord.maximumCiphertextLength else { throw TLSError(.recordOverflow) }
        guard fragment.count >= RecordAEAD.tagLength else { throw TLSError(.badRecordMAC) }
        try checkSequenceNumber()

        var header = (
            record.contentType.rawValue,
            UInt8(truncatingIfNeeded: record.legacyVersion >> 8), UInt8(truncatingIfNeeded: record.legacyVersion),
            UInt8(truncatingIfNeeded: fragment.count >> 8), UInt8(truncatingIfNeeded: fragment.count)
        )
        let inner: Data
        do {
            inner = try withNonce { nonce in
                try withUnsafeBytes(of: &header) { additionalData in
                    try aead.open(fragment, nonce: nonce, additionalData: additionalData)
                }
            }
        } catch {
            throw TLSError(.badRecordMAC)
        }
        sequenceNumber += 1

        guard inner.count <= RecordProtection.maximumInnerPlaintextLength else { throw TLSError(.recordOverflow) }
        // The content type is the last non-zero byte; everything after it is padding.
        guard let typeIndex = inner.lastIndex(where: { $0 != 0 }) else {
            throw TLSError(.unexpectedMessage("record with no content type"))
        }
        return (ContentType(rawValue: inner[typeIndex]), inner[inner.startIndex..<typeIndex], inner.count)
    }
}
