import Crypto

/// A secret with its HMAC keyed once, for the several HKDF-Expand-Label derivations the key
/// schedule makes from it.
///
/// Every derivation in TLS 1.3's key schedule is at most one hash long, so HKDF-Expand
/// (RFC 5869 §2.3) is a single HMAC block: `T(1) = HMAC(PRK, info || 0x01)`. Keying an HMAC
/// is the costly part of each derivation; keying once per secret and copying the keyed state
/// for each label roughly halves the key schedule's cost. Longer outputs (exporters asked for
/// more than one hash length) go through swift-crypto's HKDF.
///
/// The secret itself stays inside: what leaves is what the protocol derives from it (keys,
/// Finished verify_data, the next secret). The stages hand their traffic secrets to the key log
/// as they derive them, before keying them.
struct KeyedSecret: @unchecked Sendable {
    // @unchecked: swift-crypto's hash states are values with copy-on-write storage, used here
    // only through copies; they are not annotated Sendable.
    private let secret: SymmetricKey
    private let mac: MAC

    private enum MAC {
        case sha256(KeyedHMAC<SHA256>)
        case sha384(KeyedHMAC<SHA384>)
    }

    init(_ secret: SymmetricKey, hash: SuiteHash) {
        self.secret = secret
        switch hash {
        case .sha256: mac = .sha256(KeyedHMAC<SHA256>(key: secret))
        case .sha384: mac = .sha384(KeyedHMAC<SHA384>(key: secret))
        }
    }

    /// The hash the HMAC is keyed for.
    var hash: SuiteHash {
        switch mac {
        case .sha256: return .sha256
        case .sha384: return .sha384
        }
    }

    /// HKDF-Expand-Label(Secret, Label, Context, Length) (RFC 8446 §7.1):
    ///
    ///     struct {
    ///         uint16 length = Length;
    ///         opaque label<7..255> = "tls13 " + Label;
    ///         opaque context<0..255> = Context;
    ///     } HkdfLabel;
    ///
    /// `label` must be at most 249 UTF-8 bytes, `context` at most 255 bytes, and `length`
    /// 1 through 255 × Hash.length; callers that take these from the application (the
    /// exporter) check them first.
    func expandLabel(_ label: String, context: [UInt8], length: Int) -> SymmetricKey {
        guard length <= hash.length else {
            return expand(info: KeyedSecret.hkdfLabel(label, context: context, length: length, counter: false), length: length)
        }
        let infoAndCounter = KeyedSecret.hkdfLabel(label, context: context, length: length, counter: true)
        return infoAndCounter.withUnsafeBytes { authenticationCode(for: $0, length: length) }
    }

    /// Derive-Secret(Secret, Label, Messages) = HKDF-Expand-Label(Secret, Label,
    /// Transcript-Hash(Messages), Hash.length) (RFC 8446 §7.1), given the transcript hash.
    func deriveSecret(_ label: String, transcriptHash: [UInt8]) -> SymmetricKey {
        expandLabel(label, context: transcriptHash, length: hash.length)
    }

    /// HMAC(secret, inputKeyMaterial), a whole hash long: HKDF-Extract (RFC 5869 §2.2) with
    /// this secret as the salt.
    func extract(inputKeyMaterial: SymmetricKey) -> SymmetricKey {
        inputKeyMaterial.withUnsafeBytes { authenticationCode(for: $0, length: nil) }
    }

    /// The Finished verify_data with this secret as the base key, also the PSK binder with the
    /// binder key as the base key (RFC 8446 §4.4.4, §4.2.11.2):
    ///
    ///     finished_key = HKDF-Expand-Label(BaseKey, "finished", "", Hash.length)
    ///     verify_data = HMAC(finished_key, Transcript-Hash(Handshake Context, Certificate*, CertificateVerify*))
    ///
    /// Compare received values in constant time.
    func finishedVerifyData(transcriptHash: [UInt8]) -> [UInt8] {
        let finishedKey = expandLabel("finished", context: [], length: hash.length)
        return hash.authenticationCode(for: transcriptHash, key: finishedKey)
    }

    /// application_traffic_secret_N+1 = HKDF-Expand-Label(application_traffic_secret_N,
    /// "traffic upd", "", Hash.length) (RFC 8446 §7.2), for KeyUpdate; keyed for its own record
    /// keys and next update.
    func nextTrafficSecret() -> KeyedSecret {
        KeyedSecret(expandLabel("traffic upd", context: [], length: hash.length), hash: hash)
    }

    /// Derive-Secret(., "derived", "") then HKDF-Extract with `inputKeyMaterial`: the step
    /// from one stage's secret to the next.
    func nextStageSecret(inputKeyMaterial: SymmetricKey) -> SymmetricKey {
        let salt = deriveSecret("derived", transcriptHash: hash.emptyHash)
        return hash.extract(salt: salt, inputKeyMaterial: inputKeyMaterial)
    }

    /// HMAC(secret, message) from copies of the keyed states, truncated to `length` if given.
    private func authenticationCode(for message: UnsafeRawBufferPointer, length: Int?) -> SymmetricKey {
        func truncated(_ code: UnsafeRawBufferPointer) -> SymmetricKey {
            SymmetricKey(data: UnsafeRawBufferPointer(rebasing: code.prefix(length ?? code.count)))
        }
        switch mac {
        case .sha256(let keyed): return keyed.authenticationCode(for: message).withUnsafeBytes(truncated)
        case .sha384(let keyed): return keyed.authenticationCode(for: message).withUnsafeBytes(truncated)
        }
    }

    /// HKDF-Expand(secret, info, length) for outputs longer than one block.
    private func expand(info: [UInt8], length: Int) -> SymmetricKey {
        hash.expand(pseudoRandomKey: secret, info: info, length: length)
    }

    /// The "tls13 " prefix every HkdfLabel label carries (RFC 8446 §7.1).
    private static let labelPrefix: [UInt8] = Array("tls13 ".utf8)

    /// The encoded HkdfLabel, followed by HKDF-Expand's first counter byte 0x01 when `counter`
    /// is set (the input of T(1), built in one buffer).
    private static func hkdfLabel(_ label: String, context: [UInt8], length: Int, counter: Bool) -> [UInt8] {
        precondition(length > 0 && length <= Int(UInt16.max), "HKDF-Expand-Label length out of range")
        let labelLength = labelPrefix.count + label.utf8.count
        precondition(labelLength <= 255 && context.count <= 255, "HkdfLabel label or context too long")
        // Built byte by byte rather than with ByteWriter: this runs about twenty times per
        // handshake, and the writer's length-prefix closures cost more than the bytes.
        var bytes: [UInt8] = []
        bytes.reserveCapacity(4 + labelLength + context.count + 1)
        bytes.append(UInt8(truncatingIfNeeded: length >> 8))
        bytes.append(UInt8(truncatingIfNeeded: length))
        bytes.append(UInt8(labelLength))
        bytes.append(contentsOf: labelPrefix)
        bytes.append(contentsOf: label.utf8)
        bytes.append(UInt8(context.count))
        bytes.append(contentsOf: context)
        if counter { bytes.append(1) }
        return bytes
    }
}

/// A secret kept for later without its keyed HMAC. An established connection holds its two
/// traffic secrets for as long as it lives but uses them only for a KeyUpdate or a
/// post-handshake Finished: it keeps the secret, not the keyed hash states (several hundred
/// bytes per idle connection), and keys it again when it needs it.
struct StoredSecret: Sendable {
    private let secret: SymmetricKey
    private let hash: SuiteHash

    fileprivate init(secret: SymmetricKey, hash: SuiteHash) {
        self.secret = secret
        self.hash = hash
    }

    /// The secret with its HMAC keyed again.
    func keyed() -> KeyedSecret { KeyedSecret(secret, hash: hash) }
}

extension KeyedSecret {
    /// This secret without its keyed HMAC, to keep.
    var stored: StoredSecret { StoredSecret(secret: secret, hash: hash) }
}

#if DEBUG
    extension KeyedSecret {
        /// The secret itself, for tests that compare it with published vectors. Absent from
        /// release builds, so no production code can come to depend on it.
        var secretForTesting: SymmetricKey { secret }
    }
#endif
