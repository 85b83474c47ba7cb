import Crypto
import Foundation

/// Rotating ticket keys: seals under the newest key, opens under any key younger
/// than the acceptance window.
///
/// A ring either generates its own keys or reads them from a file that several
/// servers share, so that any of them can open the tickets of the others.
///
/// ## Generated keys
/// The ring makes its first key when created and a new one whenever the newest key
/// is `rotationInterval` old at the time of sealing. Keys older than `acceptanceWindow`
/// are erased, and tickets sealed under them no longer open. A ticket is therefore
/// guaranteed to open for at least `acceptanceWindow - rotationInterval` (18 hours
/// with the defaults); issue ticket lifetimes no longer than that.
///
/// ## Key files
/// A key file is UTF-8 text, one key per line:
///
///     # comments and blank lines are ignored
///     tlskit-ticket-key-v1 <name: 32 hex digits> <key: 64 hex digits> <created: Unix seconds>
///
/// The newest key (by its created time; on a tie, the later line) seals, and every
/// key younger than the acceptance window opens. A file-backed ring never makes keys
/// itself: the operator rotates by adding a line to the file on every server and
/// calling ``reload()``; keys that have aged out of the window can then be removed.
/// ``generateKeyFile(keyCount:time:random:)`` writes such a file. The file holds the
/// secrets that protect every resumed session: keep it readable by the server only.
///
/// ## Ticket format
///     opaque key_name[16];
///     opaque nonce[12];                 // random for every ticket
///     opaque ciphertext<..>;            // AES-256-GCM of the session state,
///     opaque tag[16];                   //   authenticating key_name as additional data
public final class SessionTicketKeyRing: Sendable {
    // Sendable: the key list lives in a `LockProtected` (an NSLock); everything else is immutable.

    /// Where the keys come from.
    enum Source {
        case generated(rotationInterval: TimeInterval)
        case file(path: String)
    }

    static let nonceLength = 12
    static let tagLength = 16

    let source: Source
    let acceptanceWindow: TimeInterval
    private let time: TimeSource
    private let random: RandomSource
    /// Newest first.
    private let storedKeys: LockProtected<[SessionTicketKey]>

    /// A ring that generates its own keys.
    ///
    /// - Parameters:
    ///   - rotationInterval: how long a key seals new tickets before a fresh one replaces it.
    ///   - acceptanceWindow: how long after its creation a key still opens tickets; at least `rotationInterval`.
    ///   - time: the clock that drives rotation and expiry.
    ///   - random: the source of key names, key material and ticket nonces.
    /// - Throws: ``TLSError`` when an interval is not positive or the window is shorter than the rotation interval.
    public init(
        rotationInterval: TimeInterval = 6 * 3600, acceptanceWindow: TimeInterval = 24 * 3600,
        time: TimeSource = .system, random: RandomSource = .system
    ) throws {
        guard rotationInterval > 0 else {
            throw TLSError.configuration("the ticket key rotation interval must be positive")
        }
        guard acceptanceWindow >= rotationInterval else {
            throw TLSError.configuration(
                "the ticket key acceptance window (\(acceptanceWindow) s) is shorter than the rotation interval (\(rotationInterval) s)"
            )
        }
        self.source = .generated(rotationInterval: rotationInterval)
        self.acceptanceWindow = acceptanceWindow
        self.time = time
        self.random = random
        self.storedKeys = LockProtected([SessionTicketKey.generate(random: random, now: time.now)])
    }

    init(keysFromFile path: String, acceptanceWindow: TimeInterval, time: TimeSource, random: RandomSource) throws {
        guard acceptanceWindow > 0 else {
            throw TLSError.configuration("the ticket key acceptance window must be positive")
        }
        self.source = .file(path: path)
        self.acceptanceWindow = acceptanceWindow
        self.time = time
        self.random = random
        self.storedKeys = LockProtected(try Self.readKeyFile(path, acceptanceWindow: acceptanceWindow, now: time.now))
    }

    /// A ring whose keys come from a key file shared by several servers (the format is
    /// described above). Throws ``TLSError`` when the file cannot be read, a line is
    /// malformed, or no key in it is younger than the acceptance window.
    public convenience init(
        contentsOfFile path: String, acceptanceWindow: TimeInterval = 24 * 3600, time: TimeSource = .system
    ) throws {
        try self.init(keysFromFile: path, acceptanceWindow: acceptanceWindow, time: time, random: .system)
    }

    /// Reads the key file again and replaces the keys; on failure the old keys stay.
    /// Does nothing for a ring that generates its own keys.
    public func reload() throws {
        guard case .file(let path) = source else { return }
        let keys = try Self.readKeyFile(path, acceptanceWindow: acceptanceWindow, now: time.now)
        storedKeys.withValue { $0 = keys }
    }

    /// Adds a fresh key made now, which seals from now on. Does nothing for a
    /// file-backed ring, whose keys only the file provides.
    public func rotate() {
        guard case .generated = source else { return }
        let now = time.now
        storedKeys.withValue { keys in
            keys.insert(SessionTicketKey.generate(random: random, now: now), at: 0)
            prune(&keys, now: now)
        }
    }

    /// The current keys, newest first.
    public var keys: [SessionTicketKey] {
        let now = time.now
        return storedKeys.withValue { keys in
            prune(&keys, now: now)
            return keys
        }
    }

    /// Seals `plaintext` into a ticket under the newest key, rotating first when the
    /// newest key has served its rotation interval. Every provider makes the same tickets.
    func seal(_ plaintext: [UInt8], provider: CryptoProvider = .default) -> [UInt8] {
        let now = time.now
        let key = storedKeys.withValue { keys -> SessionTicketKey in
            if case .generated(let interval) = source, keys[0].age(at: now) >= interval {
                keys.insert(SessionTicketKey.generate(random: random, now: now), at: 0)
            }
            prune(&keys, now: now)
            return keys[0]
        }
        #if BoringSSLProvider
        if provider == .boringSSL { return Self.seal(plaintext, under: key, nonce: random.bytes(Self.nonceLength)) }
        #endif
        do {
            let nonce = try AES.GCM.Nonce(data: random.bytes(Self.nonceLength))
            let box = try AES.GCM.seal(plaintext, using: key.key, nonce: nonce, authenticating: key.name)
            // `combined` is nonce || ciphertext || tag; it exists for every 12-byte nonce.
            guard let combined = box.combined else { preconditionFailure("AES-GCM sealed box without a combined form") }
            // Copied as raw bytes: building an array through Data's iterator costs several
            // times the copy.
            return combined.withUnsafeBytes { key.name + $0 }
        } catch {
            preconditionFailure("AES-GCM sealing with a valid key and nonce failed: \(error)")
        }
    }

    /// Opens a ticket made by ``seal(_:)``.
    ///
    /// Returns ``TicketRejection/unknownKey`` when no key of that name is inside the
    /// acceptance window (including keys that aged out of it), and
    /// ``TicketRejection/malformed`` when the ticket is too short or fails authentication.
    func open(_ ticket: [UInt8], provider: CryptoProvider = .default) -> Result<[UInt8], TicketRejection> {
        var reader = ByteReader(ticket)
        guard reader.remaining >= SessionTicketKey.nameLength + Self.nonceLength + Self.tagLength,
            let name = try? reader.readBytes(SessionTicketKey.nameLength)
        else { return .failure(.malformed) }
        let now = time.now
        let key = storedKeys.withValue { keys -> SessionTicketKey? in
            prune(&keys, now: now)
            return keys.first { $0.name == name && $0.age(at: now) < acceptanceWindow }
        }
        guard let key else { return .failure(.unknownKey) }
        #if BoringSSLProvider
        if provider == .boringSSL {
            guard let plaintext = Self.open(ticket, under: key) else { return .failure(.malformed) }
            return .success(plaintext)
        }
        #endif
        do {
            let box = try AES.GCM.SealedBox(combined: reader.readRest())
            return .success(try AES.GCM.open(box, using: key.key, authenticating: name).withUnsafeBytes { Array($0) })
        } catch {
            return .failure(.malformed)
        }
    }

    /// Erases keys that aged out of the acceptance window. The newest key stays, even
    /// when old, because it is the one that seals; its tickets will simply not open.
    private func prune(_ keys: inout [SessionTicketKey], now: Date) {
        guard keys.count > 1 else { return }
        keys = [keys[0]] + keys.dropFirst().filter { $0.age(at: now) < acceptanceWindow }
    }
}

extension SessionTicketKeyRing {
    /// A ring with the default intervals, for configurations that were given none.
    static func makeDefault() -> SessionTicketKeyRing {
        do {
            return try SessionTicketKeyRing()
        } catch {
            // The default intervals satisfy every check in `init`.
            preconditionFailure("default ticket key ring rejected: \(error)")
        }
    }
}

#if BoringSSLProvider
extension SessionTicketKeyRing {
    /// name || nonce || AES-256-GCM(state) || tag with the name as additional data, sealed in
    /// place in the ticket's own buffer on the key's kept context.
    fileprivate static func seal(_ plaintext: [UInt8], under key: SessionTicketKey, nonce: [UInt8]) -> [UInt8] {
        let headerLength = SessionTicketKey.nameLength + nonceLength
        var ticket = [UInt8](zeroedCount: headerLength + plaintext.count + tagLength)
        ticket.withUnsafeMutableBytes { ticket in
            ticket.copyBytes(from: key.name)
            UnsafeMutableRawBufferPointer(rebasing: ticket[SessionTicketKey.nameLength...]).copyBytes(from: nonce)
            let body = UnsafeMutableRawBufferPointer(rebasing: ticket[headerLength...])
            body.copyBytes(from: plaintext)
            do {
                try key.name.withUnsafeBytes { name in
                    try nonce.withUnsafeBytes { nonce in
                        try key.boringSSLContext.sealInPlace(body, plaintextLength: plaintext.count, nonce: nonce, additionalData: name)
                    }
                }
            } catch {
                preconditionFailure("AES-GCM sealing with a valid key and nonce failed: \(error)")
            }
        }
        return ticket
    }

    /// The state inside a ticket of `key`, whose length the caller has checked; nil when it
    /// fails authentication.
    fileprivate static func open(_ ticket: [UInt8], under key: SessionTicketKey) -> [UInt8]? {
        let headerLength = SessionTicketKey.nameLength + nonceLength
        return ticket.withUnsafeBytes { ticket -> [UInt8]? in
            let name = UnsafeRawBufferPointer(rebasing: ticket[..<SessionTicketKey.nameLength])
            let nonce = UnsafeRawBufferPointer(rebasing: ticket[SessionTicketKey.nameLength..<headerLength])
            let sealed = UnsafeRawBufferPointer(rebasing: ticket[headerLength...])
            var plaintext = [UInt8](zeroedCount: sealed.count - tagLength)
            let count = plaintext.withUnsafeMutableBytes { buffer in
                try? key.boringSSLContext.open(sealed, into: buffer, nonce: nonce, additionalData: name)
            }
            guard let count else { return nil }
            plaintext.removeSubrange(count...)
            return plaintext
        }
    }
}
#endif
