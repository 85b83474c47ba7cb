import Crypto
import Foundation
import X509

/// Chains that verified, so that the same peer presenting the same certificates again (a
/// client reconnecting to a server, a server seeing the same client) is not parsed and
/// verified again on every handshake.
///
/// An entry is keyed by a SHA-256 over the exact DER of every certificate and the name that
/// was checked, is valid only inside the validity period of every certificate in the chain,
/// and belongs to one ``TrustRoots`` value (each has its own cache). An entry also lives at most
/// ``maximumAge``, so a root that expires (roots are not part of the key) is noticed within
/// that time. Verification has no other inputs, so a hit gives the answer a fresh
/// verification would. Failures are never cached.
/// The CertificateVerify signature is still checked on every handshake: it proves possession
/// of the key, which no cache can.
final class VerifiedChainCache: Sendable {
    struct Entry: Sendable {
        let chain: [Certificate]
        let notBefore: Date
        let notAfter: Date
    }

    /// Entries kept; when full the cache starts over, which is cheap and bounds memory.
    static let capacity = 256
    /// How long a verification is reused at most.
    static let maximumAge: TimeInterval = 3600
    private let entries = LockProtected([[UInt8]: Entry]())

    func lookup(_ key: [UInt8], now: Date) -> [Certificate]? {
        entries.withValue { entries in
            guard let entry = entries[key], entry.notBefore <= now, now <= entry.notAfter else { return nil }
            return entry.chain
        }
    }

    func insert(_ key: [UInt8], chain: [Certificate], now: Date) {
        guard let notBefore = chain.map(\.notValidBefore).max(), let chainNotAfter = chain.map(\.notValidAfter).min() else { return }
        let notAfter = min(chainNotAfter, now.addingTimeInterval(Self.maximumAge))
        entries.withValue { entries in
            if entries.count >= Self.capacity { entries.removeAll(keepingCapacity: true) }
            entries[key] = Entry(chain: chain, notBefore: notBefore, notAfter: notAfter)
        }
    }

    /// The cache key of a chain and the name it was checked for.
    static func key(chainDER: [[UInt8]], serverName: String?) -> [UInt8] {
        var hasher = SHA256()
        for der in chainDER {
            withUnsafeBytes(of: UInt32(der.count).bigEndian) { hasher.update(bufferPointer: $0) }
            der.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        }
        let name = Array((serverName ?? "").utf8)
        withUnsafeBytes(of: UInt32(name.count).bigEndian) { hasher.update(bufferPointer: $0) }
        name.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        return Array(copying: hasher.finalize())
    }
}
