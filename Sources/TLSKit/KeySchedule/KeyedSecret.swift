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
/// as they derive them.
///
/// The secret's bytes and its keyed HMAC live in one object: copying a keyed secret (handshake
/// states hold several, actions carry them) is one retain, and a secret derived to be keyed in
/// turn goes from the stack into its object without becoming a `SymmetricKey` first.
struct KeyedSecret: @unchecked Sendable {
    // @unchecked: the object is never changed once made, and ManagedBuffer cannot be declared
    // Sendable. swift-crypto's hash states inside the HMAC are values with copy-on-write
    // storage, used only through copies, and are not annotated Sendable.
    private let storage: Storage

    private struct Header {
        let mac: MAC
        /// How many of the object's elements are the secret.
        let count: Int
    }

    /// The keyed HMAC in the header, the secret in the elements, cleared before the memory goes.
    private final class Storage: ManagedBuffer<Header, UInt8> {
        deinit {
            withUnsafeMutablePointers { header, bytes in bytes.update(repeating: 0, count: header.pointee.count) }
        }
    }

    /// The HMAC, on the hash of the suite and the hash functions of the connection's provider.
    private enum MAC {
        case sha256(KeyedHMAC<SHA256>)
        case sha384(KeyedHMAC<SHA384>)
        // BoringSSL's hash states are the whole C structs (up to 216 bytes each): boxed, so that
        // the HMAC stays a word long and is never copied whole.
        #if BoringSSLProvider
        indirect case boringSSLSHA256(KeyedHMAC<BoringSSLSHA256>)
        indirect case boringSSLSHA384(KeyedHMAC<BoringSSLSHA384>)
        #endif

        init(key: UnsafeRawBufferPointer, hash: SuiteHash, provider: CryptoProvider) {
            switch (hash, provider.kind) {
            case (.sha256, .swiftCrypto): self = .sha256(KeyedHMAC(key: key))
            case (.sha384, .swiftCrypto): self = .sha384(KeyedHMAC(key: key))
            #if BoringSSLProvider
            case (.sha256, .boringSSL): self = .boringSSLSHA256(KeyedHMAC(key: key))
            case (.sha384, .boringSSL): self = .boringSSLSHA384(KeyedHMAC(key: key))
            #endif
            }
        }

        /// Writes HMAC(key, message), a whole hash long, to the start of `output`, for a key
        /// used this once: keyed and used in place (``KeyedHMAC/authenticationCode(key:for:into:)``).
        static func authenticationCode(
            key: UnsafeRawBufferPointer, hash: SuiteHash, provider: CryptoProvider, for message: UnsafeRawBufferPointer,
            into output: UnsafeMutableRawBufferPointer
        ) {
            switch (hash, provider.kind) {
            case (.sha256, .swiftCrypto): KeyedHMAC<SHA256>.authenticationCode(key: key, for: message, into: output)
            case (.sha384, .swiftCrypto): KeyedHMAC<SHA384>.authenticationCode(key: key, for: message, into: output)
            #if BoringSSLProvider
            case (.sha256, .boringSSL): KeyedHMAC<BoringSSLSHA256>.authenticationCode(key: key, for: message, into: output)
            case (.sha384, .boringSSL): KeyedHMAC<BoringSSLSHA384>.authenticationCode(key: key, for: message, into: output)
            #endif
            }
        }

        /// Writes HMAC(key, message), a whole hash long, to the start of `output`.
        func authenticationCode(for message: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) {
            switch self {
            case .sha256(let keyed): keyed.authenticationCode(for: message, into: output)
            case .sha384(let keyed): keyed.authenticationCode(for: message, into: output)
            #if BoringSSLProvider
            case .boringSSLSHA256(let keyed): keyed.authenticationCode(for: message, into: output)
            case .boringSSLSHA384(let keyed): keyed.authenticationCode(for: message, into: output)
            #endif
            }
        }

        var hash: SuiteHash {
            switch self {
            case .sha256: return .sha256
            case .sha384: return .sha384
            #if BoringSSLProvider
            case .boringSSLSHA256: return .sha256
            case .boringSSLSHA384: return .sha384
            #endif
            }
        }

        var provider: CryptoProvider {
            switch self {
            case .sha256, .sha384: return .swiftCrypto
            #if BoringSSLProvider
            case .boringSSLSHA256, .boringSSLSHA384: return .boringSSL
            #endif
            }
        }
    }

    init(_ secret: SymmetricKey, hash: SuiteHash, provider: CryptoProvider) {
        self = secret.withUnsafeBytes { KeyedSecret(bytes: $0, hash: hash, provider: provider) }
    }

    /// Another secret keyed the way this one is: same hash, same provider.
    init(_ secret: SymmetricKey, like other: KeyedSecret) {
        self.init(secret, hash: other.hash, provider: other.provider)
    }

    /// The secret in `bytes` (which it copies), keyed for `hash` on `provider`'s hash functions.
    private init(bytes: UnsafeRawBufferPointer, hash: SuiteHash, provider: CryptoProvider) {
        let buffer = Storage.create(minimumCapacity: bytes.count) { _ in
            Header(mac: MAC(key: bytes, hash: hash, provider: provider), count: bytes.count)
        }
        buffer.withUnsafeMutablePointerToElements { elements in
            if let source = bytes.baseAddress { elements.initialize(from: source.assumingMemoryBound(to: UInt8.self), count: bytes.count) }
        }
        storage = unsafeDowncast(buffer, to: Storage.self)
    }

    private init(bytes: UnsafeRawBufferPointer, like other: KeyedSecret) {
        self.init(bytes: bytes, hash: other.hash, provider: other.provider)
    }

    /// The hash the HMAC is keyed for.
    var hash: SuiteHash { storage.withUnsafeMutablePointerToHeader { $0.pointee.mac.hash } }

    /// Whose hash functions the HMAC runs on.
    var provider: CryptoProvider { storage.withUnsafeMutablePointerToHeader { $0.pointee.mac.provider } }

    /// Calls `body` with the secret's bytes, for what must see the secret itself: HKDF-Expand
    /// beyond one block, keeping it unkeyed, the key log.
    private func withSecretBytes<Result>(_ body: (UnsafeRawBufferPointer) -> Result) -> Result {
        storage.withUnsafeMutablePointers { header, bytes in body(UnsafeRawBufferPointer(start: bytes, count: header.pointee.count)) }
    }

    /// The secret as a key of its own, for the key log only (the stages log their traffic
    /// secrets as they derive them).
    var secretForKeyLog: SymmetricKey { withSecretBytes { SymmetricKey(data: $0) } }

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
            let info = KeyedSecret.withHKDFLabel(label, context: context, length: length, counter: false) { Array($0) }
            return expand(info: info, length: length)
        }
        return withExpandedLabel(label, context: context, length: length) { SymmetricKey(data: $0) }
    }

    /// Calls `body` with HKDF-Expand-Label(Secret, Label, Context, Length), computed on the
    /// stack, for what is used once and need not be kept (a record key and IV, a Finished
    /// key); `length` is at most one hash long, and `body` copies what it keeps.
    func withExpandedLabel<Result>(
        _ label: String, context: [UInt8], length: Int, _ body: (UnsafeRawBufferPointer) -> Result
    ) -> Result {
        precondition(length <= hash.length, "HKDF-Expand-Label output longer than one block")
        return Self.withAuthenticationCode(length: length, { writeExpandedLabelBlock(label, context: context, length: length, into: $0) }, body)
    }

    /// Writes T(1) = HMAC(secret, HkdfLabel || 0x01), a whole hash long, to the start of
    /// `output`: the one body every result type of ``withExpandedLabel(_:context:length:_:)``
    /// shares, rather than a specialised copy per type.
    private func writeExpandedLabelBlock(_ label: String, context: [UInt8], length: Int, into output: UnsafeMutableRawBufferPointer) {
        KeyedSecret.withHKDFLabel(label, context: context, length: length, counter: true) { info in
            writeAuthenticationCode(for: info, into: output)
        }
    }

    /// Derive-Secret(Secret, Label, Messages) = HKDF-Expand-Label(Secret, Label,
    /// Transcript-Hash(Messages), Hash.length) (RFC 8446 §7.1), given the transcript hash.
    func deriveSecret(_ label: String, transcriptHash: [UInt8]) -> SymmetricKey {
        expandLabel(label, context: transcriptHash, length: hash.length)
    }

    /// ``deriveSecret(_:transcriptHash:)``, keyed the way this secret is, for a secret that
    /// derives in turn.
    func deriveKeyedSecret(_ label: String, transcriptHash: [UInt8]) -> KeyedSecret {
        withExpandedLabel(label, context: transcriptHash, length: hash.length) { KeyedSecret(bytes: $0, like: self) }
    }

    /// HMAC(secret, inputKeyMaterial), a whole hash long: HKDF-Extract (RFC 5869 §2.2) with
    /// this secret as the salt, keyed the way this secret is: the next stage's secret.
    func extractKeyed(inputKeyMaterial: SymmetricKey) -> KeyedSecret {
        inputKeyMaterial.withUnsafeBytes { input in authenticationCode(for: input) { KeyedSecret(bytes: $0, like: self) } }
    }

    /// The Finished verify_data with this secret as the base key, also the PSK binder with the
    /// binder key as the base key (RFC 8446 §4.4.4, §4.2.11.2):
    ///
    ///     finished_key = HKDF-Expand-Label(BaseKey, "finished", "", Hash.length)
    ///     verify_data = HMAC(finished_key, Transcript-Hash(Handshake Context, Certificate*, CertificateVerify*))
    ///
    /// Compare received values in constant time.
    func finishedVerifyData(transcriptHash: [UInt8]) -> [UInt8] {
        // The finished key is used once: keyed and used where it is derived, on the stack.
        let (hash, provider) = (self.hash, self.provider)
        return withExpandedLabel("finished", context: [], length: hash.length) { finishedKey in
            Self.verifyData(finishedKey: finishedKey, hash: hash, provider: provider, transcriptHash: transcriptHash)
        }
    }

    /// verify_data = HMAC(finished_key, transcript hash), the finished key used this once.
    private static func verifyData(
        finishedKey: UnsafeRawBufferPointer, hash: SuiteHash, provider: CryptoProvider, transcriptHash: [UInt8]
    ) -> [UInt8] {
        transcriptHash.withUnsafeBytes { authenticationCode(key: finishedKey, hash: hash, provider: provider, for: $0) { Array($0) } }
    }

    /// The PSK binder (RFC 8446 §4.2.11.2): the Finished verify_data with binder_key =
    /// Derive-Secret(this Early Secret, label, "") as the base key. The binder key and its
    /// finished key are each used once and stay on the stack.
    func binder(label: String, transcriptHash: [UInt8]) -> [UInt8] {
        let (hash, provider) = (self.hash, self.provider)
        return withExpandedLabel(label, context: hash.emptyHash, length: hash.length) { binderKey in
            KeyedSecret.withHKDFLabel("finished", context: [], length: hash.length, counter: true) { label in
                Self.authenticationCode(key: binderKey, hash: hash, provider: provider, for: label) { finishedKey in
                    Self.verifyData(finishedKey: finishedKey, hash: hash, provider: provider, transcriptHash: transcriptHash)
                }
            }
        }
    }

    /// Calls `body` with HMAC(key, message) for a key used this once, computed on the stack.
    private static func authenticationCode<Result>(
        key: UnsafeRawBufferPointer, hash: SuiteHash, provider: CryptoProvider, for message: UnsafeRawBufferPointer,
        _ body: (UnsafeRawBufferPointer) -> Result
    ) -> Result {
        withAuthenticationCode(
            length: hash.length, { MAC.authenticationCode(key: key, hash: hash, provider: provider, for: message, into: $0) }, body)
    }

    /// application_traffic_secret_N+1 = HKDF-Expand-Label(application_traffic_secret_N,
    /// "traffic upd", "", Hash.length) (RFC 8446 §7.2), for KeyUpdate; keyed for its own record
    /// keys and next update.
    func nextTrafficSecret() -> KeyedSecret {
        withExpandedLabel("traffic upd", context: [], length: hash.length) { KeyedSecret(bytes: $0, like: self) }
    }

    /// Derive-Secret(., "derived", "") then HKDF-Extract with `inputKeyMaterial`: the step
    /// from one stage's secret to the next, keyed.
    func nextStageSecret(inputKeyMaterial: SymmetricKey) -> KeyedSecret {
        // The derived salt is used once: keyed and used where it is derived, on the stack.
        let (hash, provider) = (self.hash, self.provider)
        return withExpandedLabel("derived", context: hash.emptyHash, length: hash.length) { salt in
            inputKeyMaterial.withUnsafeBytes { input in
                Self.authenticationCode(key: salt, hash: hash, provider: provider, for: input) {
                    KeyedSecret(bytes: $0, hash: hash, provider: provider)
                }
            }
        }
    }

    /// Writes HMAC(secret, message), a whole hash long, to the start of `output`.
    ///
    /// Never inlined: every derivation of a handshake comes through here, and one copy of the
    /// four HMACs serves them all, where inlined copies in each caller would each be fetched
    /// into the instruction cache once per handshake. The HMAC is read where it lies in the
    /// object, not passed by value, which would retain its hash states for the call.
    @inline(never)
    private func writeAuthenticationCode(for message: UnsafeRawBufferPointer, into output: UnsafeMutableRawBufferPointer) {
        storage.withUnsafeMutablePointerToHeader { $0.pointee.mac.authenticationCode(for: message, into: output) }
    }

    /// Calls `body` with HMAC(secret, message), computed on the stack; `body` copies what it keeps.
    private func authenticationCode<Result>(for message: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) -> Result) -> Result {
        storage.withUnsafeMutablePointerToHeader { header in
            Self.withAuthenticationCode(length: header.pointee.mac.hash.length, { writeAuthenticationCode(for: message, into: $0) }, body)
        }
    }

    /// Calls `body` with the first `length` bytes of the code `compute` writes, computed on the
    /// stack and cleared after.
    private static func withAuthenticationCode<Result>(
        length: Int, _ compute: (UnsafeMutableRawBufferPointer) -> Void, _ body: (UnsafeRawBufferPointer) -> Result
    ) -> Result {
        withUnsafeTemporaryAllocation(byteCount: SuiteHash.sha384.length, alignment: 8) { code in
            defer { code.initializeMemory(as: UInt8.self, repeating: 0) }
            compute(code)
            return body(UnsafeRawBufferPointer(rebasing: code[..<length]))
        }
    }

    /// HKDF-Expand(secret, info, length) for outputs longer than one block.
    private func expand(info: [UInt8], length: Int) -> SymmetricKey {
        withSecretBytes { hash.expand(pseudoRandomKey: SymmetricKey(data: $0), info: info, length: length) }
    }

    /// The "tls13 " prefix every HkdfLabel label carries (RFC 8446 §7.1).
    private static let labelPrefix: [UInt8] = Array("tls13 ".utf8)

    /// Calls `body` with the encoded HkdfLabel, followed by HKDF-Expand's first counter byte
    /// 0x01 when `counter` is set (the input of T(1), built in one buffer), on the stack: this
    /// runs about twenty times per handshake.
    private static func withHKDFLabel<Result>(
        _ label: String, context: [UInt8], length: Int, counter: Bool, _ body: (UnsafeRawBufferPointer) -> Result
    ) -> Result {
        precondition(length > 0 && length <= Int(UInt16.max), "HKDF-Expand-Label length out of range")
        let labelLength = labelPrefix.count + label.utf8.count
        precondition(labelLength <= 255 && context.count <= 255, "HkdfLabel label or context too long")
        let count = 4 + labelLength + context.count + (counter ? 1 : 0)
        return withUnsafeTemporaryAllocation(byteCount: count, alignment: 1) { buffer in
            var writer = StackWriter(buffer)
            writer.append(UInt8(truncatingIfNeeded: length >> 8))
            writer.append(UInt8(truncatingIfNeeded: length))
            writer.append(UInt8(labelLength))
            writer.append(contentsOf: labelPrefix)
            writer.append(contentsOf: label.utf8)
            writer.append(UInt8(context.count))
            writer.append(contentsOf: context)
            if counter { writer.append(1) }
            precondition(writer.offset == count, "HkdfLabel of the wrong length")
            return body(UnsafeRawBufferPointer(buffer))
        }
    }

    /// Fills stack memory front to back.
    private struct StackWriter {
        let buffer: UnsafeMutableRawBufferPointer
        private(set) var offset = 0

        init(_ buffer: UnsafeMutableRawBufferPointer) { self.buffer = buffer }

        mutating func append(_ byte: UInt8) {
            buffer[offset] = byte
            offset += 1
        }

        /// Copies `bytes` in one move when they are contiguous (arrays, and the UTF-8 of
        /// native strings such as the labels), byte by byte otherwise.
        mutating func append<Bytes: Sequence<UInt8>>(contentsOf bytes: Bytes) {
            let copied: Void? = bytes.withContiguousStorageIfAvailable { source in
                guard let base = source.baseAddress, !source.isEmpty else { return }
                precondition(source.count <= buffer.count - offset, "HkdfLabel buffer too small")
                (buffer.baseAddress! + offset).copyMemory(from: base, byteCount: source.count)
                offset += source.count
            }
            if copied == nil {
                for byte in bytes { append(byte) }
            }
        }
    }
}

/// A secret kept for later without its keyed HMAC. An established connection holds its two
/// traffic secrets for as long as it lives but uses them only for a KeyUpdate or a
/// post-handshake Finished: it keeps the secret, not the keyed hash states (several hundred
/// bytes per idle connection), and keys it again when it needs it.
struct StoredSecret: Sendable {
    private let secret: SymmetricKey
    private let hash: SuiteHash
    private let provider: CryptoProvider

    fileprivate init(secret: SymmetricKey, hash: SuiteHash, provider: CryptoProvider) {
        self.secret = secret
        self.hash = hash
        self.provider = provider
    }

    /// The secret with its HMAC keyed again.
    func keyed() -> KeyedSecret { KeyedSecret(secret, hash: hash, provider: provider) }
}

extension KeyedSecret {
    /// This secret without its keyed HMAC, to keep.
    var stored: StoredSecret { StoredSecret(secret: withSecretBytes { SymmetricKey(data: $0) }, hash: hash, provider: provider) }
}

#if DEBUG
    extension KeyedSecret {
        /// The secret itself, for tests that compare it with published vectors. Absent from
        /// release builds, so no production code can come to depend on it.
        var secretForTesting: SymmetricKey { withSecretBytes { SymmetricKey(data: $0) } }
    }
#endif
