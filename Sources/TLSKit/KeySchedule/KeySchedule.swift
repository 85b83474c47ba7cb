import Crypto

/// The TLS 1.3 key schedule (RFC 8446 §7.1).
///
/// ```
///              0
///              |
///              v
///    PSK ->  HKDF-Extract = Early Secret          (KeySchedule.Early)
///              |
///              v
///        Derive-Secret(., "derived", "")
///              |
///              v
///    (EC)DHE -> HKDF-Extract = Handshake Secret   (KeySchedule.Handshake)
///              |
///              v
///        Derive-Secret(., "derived", "")
///              |
///              v
///    0 -> HKDF-Extract = Master Secret            (KeySchedule.Master)
///              |
///              +-----> Derive-Secret(., "res master", ClientHello...client Finished)
///                      = resumption_master_secret (KeySchedule.Resumption)
/// ```
///
/// Each stage is its own type, so only the Master stage can make application traffic
/// secrets and only the Resumption stage can make a ticket PSK. Secrets are
/// `SymmetricKey` throughout and never leave as plain bytes, except the outputs the
/// protocol itself puts on the wire (Finished, binders) or hands to the application
/// (exported keying material).
enum KeySchedule {
    /// The "tls13 " prefix every HkdfLabel label carries (RFC 8446 §7.1).
    private static let labelPrefix: [UInt8] = Array("tls13 ".utf8)

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
    static func expandLabel(
        suite: CipherSuite, secret: SymmetricKey, label: String, context: [UInt8], length: Int
    ) -> SymmetricKey {
        expandLabel(KeyedSecret(secret, hash: suite.suiteHash), label: label, context: context, length: length)
    }

    /// HKDF-Expand-Label from a secret whose HMAC is already keyed.
    static func expandLabel(_ secret: KeyedSecret, label: String, context: [UInt8], length: Int) -> SymmetricKey {
        guard secret.expandsInOneBlock(length) else {
            return secret.expand(info: hkdfLabel(label, context: context, length: length, counter: false), length: length)
        }
        return secret.firstBlock(infoAndCounter: hkdfLabel(label, context: context, length: length, counter: true), length: length)
    }

    /// Derive-Secret from a secret whose HMAC is already keyed.
    static func deriveSecret(_ secret: KeyedSecret, suite: CipherSuite, label: String, transcriptHash: [UInt8]) -> SymmetricKey {
        expandLabel(secret, label: label, context: transcriptHash, length: suite.hashLength)
    }

    /// The encoded HkdfLabel, followed by HKDF-Expand's first counter byte 0x01 when `counter`
    /// is set (the input of T(1), built in one buffer).
    private static func hkdfLabel(_ label: String, context: [UInt8], length: Int, counter: Bool) -> [UInt8] {
        precondition(length >= 0 && length <= Int(UInt16.max), "HKDF-Expand-Label length out of range")
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

    /// Derive-Secret(Secret, Label, Messages) = HKDF-Expand-Label(Secret, Label,
    /// Transcript-Hash(Messages), Hash.length) (RFC 8446 §7.1), given the transcript hash.
    static func deriveSecret(suite: CipherSuite, secret: SymmetricKey, label: String, transcriptHash: [UInt8]) -> SymmetricKey {
        expandLabel(suite: suite, secret: secret, label: label, context: transcriptHash, length: suite.hashLength)
    }

    /// Derive-Secret over no messages: the context is the hash of the empty string.
    static func deriveSecretOverEmptyTranscript(suite: CipherSuite, secret: SymmetricKey, label: String) -> SymmetricKey {
        deriveSecret(suite: suite, secret: secret, label: label, transcriptHash: suite.suiteHash.emptyHash)
    }

    /// The Finished verify_data, also used for PSK binders (RFC 8446 §4.4.4, §4.2.11.2):
    ///
    ///     finished_key = HKDF-Expand-Label(BaseKey, "finished", "", Hash.length)
    ///     verify_data = HMAC(finished_key, Transcript-Hash(Handshake Context, Certificate*, CertificateVerify*))
    ///
    /// Compare received values in constant time.
    static func finishedVerifyData(suite: CipherSuite, baseKey: SymmetricKey, transcriptHash: [UInt8]) -> [UInt8] {
        finishedVerifyData(suite: suite, baseKey: KeyedSecret(baseKey, hash: suite.suiteHash), transcriptHash: transcriptHash)
    }

    /// The same from a base key whose HMAC is already keyed.
    static func finishedVerifyData(suite: CipherSuite, baseKey: KeyedSecret, transcriptHash: [UInt8]) -> [UInt8] {
        let finishedKey = expandLabel(baseKey, label: "finished", context: [], length: suite.hashLength)
        return suite.suiteHash.authenticationCode(for: transcriptHash, key: finishedKey)
    }

    /// application_traffic_secret_N+1 = HKDF-Expand-Label(application_traffic_secret_N,
    /// "traffic upd", "", Hash.length) (RFC 8446 §7.2), for KeyUpdate.
    static func nextTrafficSecret(suite: CipherSuite, secret: SymmetricKey) -> SymmetricKey {
        expandLabel(suite: suite, secret: secret, label: "traffic upd", context: [], length: suite.hashLength)
    }

    /// The exporter of RFC 8446 §7.5:
    ///
    ///     TLS-Exporter(label, context_value, key_length) =
    ///         HKDF-Expand-Label(Derive-Secret(Secret, label, ""), "exporter", Hash(context_value), key_length)
    ///
    /// An absent context is the same as an empty one in TLS 1.3. `label` must be at most 249
    /// UTF-8 bytes and `length` at most 255 × Hash.length; a length of 0 gives no bytes.
    static func exportKeyingMaterial(
        suite: CipherSuite, exporterMasterSecret: SymmetricKey, label: String, context: [UInt8], length: Int
    ) -> [UInt8] {
        guard length > 0 else { return [] }
        let hash = suite.suiteHash
        let secret = deriveSecretOverEmptyTranscript(suite: suite, secret: exporterMasterSecret, label: label)
        let output = expandLabel(suite: suite, secret: secret, label: "exporter", context: hash.hash(context), length: length)
        return output.withUnsafeBytes { Array($0) }
    }

    /// A zero-filled string of Hash.length bytes: the IKM when there is no PSK or no (EC)DHE.
    static func zeroKey(for suite: CipherSuite) -> SymmetricKey {
        SymmetricKey(data: [UInt8](repeating: 0, count: suite.hashLength))
    }

    /// Derive-Secret(., "derived", "") then HKDF-Extract with `inputKeyMaterial`: the step
    /// from one stage's secret to the next.
    static func nextStageSecret(suite: CipherSuite, from secret: KeyedSecret, inputKeyMaterial: SymmetricKey) -> SymmetricKey {
        let salt = deriveSecret(secret, suite: suite, label: "derived", transcriptHash: suite.suiteHash.emptyHash)
        return suite.suiteHash.extract(salt: salt, inputKeyMaterial: inputKeyMaterial)
    }
}
