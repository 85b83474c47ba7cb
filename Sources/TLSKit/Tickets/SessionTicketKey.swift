import Crypto
import Foundation

/// One ticket encryption key, in the style of RFC 5077 §4: a 16-byte name sent in
/// clear at the start of every ticket so the server can find the key, and a
/// 256-bit AES-GCM key that seals the session state.
///
/// Two keys are equal when their names are; the key material never takes part
/// in comparisons or hashing.
public struct SessionTicketKey: Sendable, Hashable {
    /// The size of a key name, as in RFC 5077 and OpenSSL's ticket key callback.
    public static let nameLength = 16
    /// AES-256: a 128-bit ticket key would cap the security of 256-bit suites.
    public static let keyLength = 32

    /// The 16-byte name that identifies this key inside tickets.
    public let name: [UInt8]
    let key: SymmetricKey
    #if BoringSSLProvider
    /// The key's AES-256-GCM context on the BoringSSL provider, set up once for every ticket
    /// the key seals or opens (BoringSSL allows concurrent seals and opens on one context).
    let boringSSLContext: BoringSSLAEAD
    #endif
    /// When the key was made; the ring rotates and expires keys by this time.
    public let createdAt: Date

    /// Makes a key from its parts. Throws ``TLSError`` when the name is not 16 bytes
    /// or the key is not 32 bytes.
    public init(name: [UInt8], keyBytes: [UInt8], createdAt: Date) throws {
        guard name.count == Self.nameLength else {
            throw TLSError.configuration("a ticket key name must be \(Self.nameLength) bytes, not \(name.count)")
        }
        guard keyBytes.count == Self.keyLength else {
            throw TLSError.configuration("a ticket key must be \(Self.keyLength) bytes, not \(keyBytes.count)")
        }
        self.name = name
        self.key = SymmetricKey(data: keyBytes)
        self.createdAt = createdAt
        #if BoringSSLProvider
        self.boringSSLContext = BoringSSLAEAD(aes256GCMKey: key)
        #endif
    }

    /// A fresh key with a random name and random key material from `random`.
    static func generate(random: RandomSource, now: Date) -> SessionTicketKey {
        // The sizes are correct by construction, so this cannot throw.
        try! SessionTicketKey(name: random.bytes(nameLength), keyBytes: random.bytes(keyLength), createdAt: now)
    }

    public static func == (lhs: SessionTicketKey, rhs: SessionTicketKey) -> Bool { lhs.name == rhs.name }

    public func hash(into hasher: inout Hasher) { hasher.combine(name) }

    /// The key's age at `now`; negative when the key was made in the future (clock skew in a fleet).
    func age(at now: Date) -> TimeInterval { now.timeIntervalSince(createdAt) }
}
