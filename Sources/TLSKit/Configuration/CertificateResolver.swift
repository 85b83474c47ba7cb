import Foundation
import X509

/// Where a server finds the certificate chain for a handshake, asked once per full handshake
/// with the client's server_name (SNI).
///
/// Set one as ``ServerConfiguration/certificateResolver`` to change certificates while the
/// server runs: each handshake uses what the resolver returns at that moment, and connections
/// already established keep the chain they were made with. ``ReloadableCertificates`` is the
/// one TLSKit provides; an implementation must be safe to call from several threads at once.
public protocol CertificateResolver: Sendable {
    /// The chain and key for a ClientHello naming `serverName` (nil when it sent none).
    func certifiedKey(forServerName serverName: String?) -> CertifiedKey
}

/// A set of certificates chosen by SNI (the first is the default), replaced atomically while
/// connections run, optionally read from PEM files and read again on demand.
///
/// A replacement is checked before it goes into service: the chain must parse, the private key
/// must be the leaf's, and every certificate in the chain must be valid now. A replacement that
/// fails any check throws and the certificates in service stay: a bad deployment never leaves
/// the server without a certificate.
public final class ReloadableCertificates: CertificateResolver {
    // Sendable: the mutable state lives in `LockProtected`s (NSLocks); the rest is immutable.

    /// A chain and key file pair this set reads.
    public struct Files: Sendable, Hashable {
        public var chainPEMFile: String
        public var privateKeyPEMFile: String

        public init(chainPEMFile: String, privateKeyPEMFile: String) {
            self.chainPEMFile = chainPEMFile
            self.privateKeyPEMFile = privateKeyPEMFile
        }
    }

    private let files: [Files]
    private let time: TimeSource
    private let current: LockProtected<[CertifiedKey]>
    /// What the files looked like when last loaded, and at the previous change check.
    private let fileStates: LockProtected<(loaded: [FileState], lastSeen: [FileState]?)>

    /// Certificates given in memory, checked like a replacement.
    ///
    /// - Throws: ``TLSError`` when the list is empty or a chain is not valid now.
    public init(_ certificates: [CertifiedKey], time: TimeSource = .system) throws {
        try Self.check(certificates, now: time.now)
        self.files = []
        self.time = time
        self.current = LockProtected(certificates)
        self.fileStates = LockProtected(([], nil))
    }

    /// Certificates read from PEM files, each a chain (leaf first) and the leaf's key; the first
    /// pair is the default, the others are chosen by SNI. ``reload()`` reads them again.
    ///
    /// - Throws: ``TLSError`` naming the file when one cannot be read or parsed, the key does
    ///   not match, or a chain is not valid now.
    public init(files: [Files], time: TimeSource = .system) throws {
        guard !files.isEmpty else { throw TLSError.configuration("no certificate files given") }
        self.files = files
        self.time = time
        let states = files.map(FileState.init)
        let certificates = try Self.load(files, now: time.now)
        self.current = LockProtected(certificates)
        self.fileStates = LockProtected((states, nil))
    }

    /// One chain and key read from PEM files.
    public convenience init(chainPEMFile: String, privateKeyPEMFile: String, time: TimeSource = .system) throws {
        try self.init(files: [Files(chainPEMFile: chainPEMFile, privateKeyPEMFile: privateKeyPEMFile)], time: time)
    }

    /// The certificates in service, the default first.
    public var certificates: [CertifiedKey] { current.withValue { $0 } }

    public func certifiedKey(forServerName serverName: String?) -> CertifiedKey {
        let certificates = self.certificates
        if certificates.count > 1, let serverName, let match = certificates.first(where: { $0.matches(serverName: serverName) }) {
            return match
        }
        return certificates[0]
    }

    /// Puts `certificates` in service for handshakes from now on.
    ///
    /// - Throws: ``TLSError`` when the list is empty or a chain is not valid now; the
    ///   certificates in service stay.
    public func replace(with certificates: [CertifiedKey]) throws {
        try Self.check(certificates, now: time.now)
        current.withValue { $0 = certificates }
    }

    /// Reads the files again and puts what they hold in service.
    ///
    /// - Throws: ``TLSError`` naming the file when one cannot be read or parsed, a key does not
    ///   match its certificate, or a chain is not valid now; the certificates in service stay.
    ///   A set made in memory has no files: this does nothing.
    public func reload() throws {
        guard !files.isEmpty else { return }
        let states = files.map(FileState.init)
        // Recorded before loading, so a broken file is not retried until it changes again.
        fileStates.withValue { $0 = (states, states) }
        let certificates = try Self.load(files, now: time.now)
        current.withValue { $0 = certificates }
    }

    /// Reloads when the files changed since they were last loaded and have not changed since
    /// the previous call: polled every second or so, a replacement is read once its writer is
    /// done with both files, not between the certificate and the key.
    ///
    /// - Returns: whether the files were loaded.
    /// - Throws: as ``reload()``, once per change; the certificates in service stay.
    @discardableResult
    public func reloadIfChanged() throws -> Bool {
        guard !files.isEmpty else { return false }
        let states = files.map(FileState.init)
        let isSettledChange = fileStates.withValue { recorded -> Bool in
            defer { recorded.lastSeen = states }
            return states != recorded.loaded && states == recorded.lastSeen
        }
        guard isSettledChange else { return false }
        try reload()
        return true
    }

    private static func load(_ files: [Files], now: Date) throws -> [CertifiedKey] {
        let certificates = try files.map { try CertifiedKey(chainPEMFile: $0.chainPEMFile, privateKeyPEMFile: $0.privateKeyPEMFile) }
        try check(certificates, now: now, files: files)
        return certificates
    }

    private static func check(_ certificates: [CertifiedKey], now: Date, files: [Files] = []) throws {
        guard !certificates.isEmpty else { throw TLSError.configuration("a server needs at least one certificate") }
        for (index, certified) in certificates.enumerated() {
            let source = index < files.count ? "\(files[index].chainPEMFile): " : ""
            for certificate in certified.chain {
                if now < certificate.notValidBefore {
                    throw TLSError.configuration("\(source)certificate \(certificate.subject) is not valid before \(certificate.notValidBefore)")
                }
                if now > certificate.notValidAfter {
                    throw TLSError.configuration("\(source)certificate \(certificate.subject) expired at \(certificate.notValidAfter)")
                }
            }
        }
    }
}

/// What a pair of files looked like at one moment.
private struct FileState: Equatable {
    var chain: FileStamp
    var key: FileStamp

    init(_ files: ReloadableCertificates.Files) {
        chain = FileStamp(path: files.chainPEMFile)
        key = FileStamp(path: files.privateKeyPEMFile)
    }
}

/// What identifies a file's contents without reading it: a rename over it changes the inode,
/// a rewrite the size or modification time.
private struct FileStamp: Equatable {
    var inode: UInt64?
    var size: UInt64?
    var modified: Date?

    init(path: String) {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path) else { return }
        inode = (attributes[.systemFileNumber] as? NSNumber)?.uint64Value
        size = (attributes[.size] as? NSNumber)?.uint64Value
        modified = attributes[.modificationDate] as? Date
    }
}
