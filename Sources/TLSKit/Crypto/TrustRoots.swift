import SwiftASN1
import X509

/// The certificates a peer's chain must lead to.
///
/// A certificate in the roots is trusted as it is: a self-signed end-entity
/// certificate listed here (a pinned certificate) is accepted when the peer presents
/// it, whether or not it is marked as a CA.
public struct TrustRoots: Sendable {
    /// The trusted certificates.
    let certificates: [Certificate]
    /// The roots indexed for path building, made once rather than on every handshake.
    let store: CertificateStore
    /// Chains that verified against these roots.
    let verifiedChains = VerifiedChainCache()

    private init(roots: [Certificate]) {
        self.certificates = roots
        self.store = CertificateStore(roots)
    }

    /// Trusts exactly `roots`.
    public static func certificates(_ roots: [Certificate]) -> TrustRoots { TrustRoots(roots: roots) }

    /// Loads one or more PEM certificates from the file at `path`.
    ///
    /// A missing or unreadable file, or one with no parseable certificate, throws
    /// ``TLSError/Code/invalidConfiguration``.
    public init(pemFile path: String) throws {
        self.init(roots: try PEMFiles.certificates(fromPEM: PEMFiles.read(path), source: path))
    }

    /// Parses one or more PEM certificates from `pem`.
    public init(pem: String) throws {
        self.init(roots: try PEMFiles.certificates(fromPEM: pem, source: "trust roots PEM"))
    }

    /// The operating system's certificate bundle, or no roots if none is found.
    ///
    /// Looked up once, at first use, in the usual places of Linux distributions and
    /// macOS's OpenSSL-compatible bundle. Certificates in the bundle that do not parse
    /// are left out rather than failing the whole bundle.
    public static var system: TrustRoots { systemRoots }

    private static let systemRoots: TrustRoots = {
        for path in systemBundlePaths {
            guard let pem = try? PEMFiles.read(path) else { continue }
            guard let documents = try? PEMDocument.parseMultiple(pemString: pem) else { continue }
            let roots = documents.compactMap { try? Certificate(pemDocument: $0) }
            if !roots.isEmpty { return TrustRoots(roots: roots) }
        }
        return TrustRoots(roots: [])
    }()

    /// Where distributions keep their PEM bundle (the list Go's crypto/x509 searches).
    static let systemBundlePaths = [
        "/etc/ssl/certs/ca-certificates.crt",  // Debian, Ubuntu, Gentoo, Arch, Alpine
        "/etc/pki/tls/certs/ca-bundle.crt",  // Fedora, RHEL 6
        "/etc/ssl/ca-bundle.pem",  // openSUSE
        "/etc/pki/tls/cacert.pem",  // OpenELEC
        "/etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem",  // CentOS, RHEL 7
        "/etc/ssl/cert.pem",  // Alpine, macOS
    ]
}
