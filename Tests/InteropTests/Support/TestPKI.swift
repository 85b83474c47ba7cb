import Foundation
import XCTest

/// The kinds of server certificate the interop tests exercise.
enum KeyType: String, CaseIterable {
    case p256 = "P-256"
    case p384 = "P-384"
    case ed25519 = "Ed25519"
    case rsa = "RSA-2048"

    /// `openssl genpkey` arguments that make a key of this type.
    var genpkeyArguments: [String] {
        switch self {
        case .p256: return ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"]
        case .p384: return ["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"]
        case .ed25519: return ["-algorithm", "ED25519"]
        case .rsa: return ["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"]
        }
    }

    /// A file-name friendly label.
    var slug: String { rawValue.lowercased().replacingOccurrences(of: "-", with: "") }
}

/// A certificate, its private key and the root that issued it, as PEM files.
struct Credential {
    let root: String
    let certificate: String
    let key: String
    /// The organisation in the leaf's subject; it names the credential in peers' output.
    let organization: String
}

/// Certificates made with the `openssl` command line in a temporary directory: per key type a
/// root CA and a leaf for `localhost` / 127.0.0.1 that it signs, and a client certificate
/// signed by a separate client CA. Made on first use, removed by ``remove()``.
final class TestPKI {
    let directory: URL
    private let openssl: String
    private var servers: [KeyType: Credential] = [:]
    private var clients: [KeyType: Credential] = [:]
    private var clientRoot: (certificate: String, key: String)?
    private var serverRoots: [KeyType: (certificate: String, key: String)] = [:]
    private var renewals = 0

    init(openssl: String) throws {
        self.openssl = openssl
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("tlskit-interop-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try Self.configuration.write(to: directory.appendingPathComponent("pki.cnf"), atomically: true, encoding: .utf8)
    }

    /// The path of `name` inside the temporary directory.
    func path(_ name: String) -> String { directory.appendingPathComponent(name).path }

    /// A server credential for `localhost` and 127.0.0.1 of the given key type.
    func server(_ type: KeyType) throws -> Credential {
        if let existing = servers[type] { return existing }
        let organization = "TLSKit Interop \(type.rawValue)"
        let root = try makeRoot(name: "\(type.slug)-root", type: type, commonName: "\(organization) Root")
        serverRoots[type] = root
        let credential = try makeLeaf(
            name: "\(type.slug)-server", type: type, root: root, subject: "/O=\(organization)/CN=localhost",
            extensions: "v3_server", organization: organization)
        servers[type] = credential
        return credential
    }

    /// Another server leaf for `localhost` from the same root as ``server(_:)``'s, with its own
    /// key and serial: what an operator deploys when a certificate is renewed.
    func renewedServer(_ type: KeyType) throws -> Credential {
        let original = try server(type)
        guard let root = serverRoots[type] else { throw PKIError(arguments: ["renewal"]) }
        renewals += 1
        return try makeLeaf(
            name: "\(type.slug)-server-renewed-\(renewals)", type: type, root: root,
            subject: "/O=\(original.organization)/CN=localhost", extensions: "v3_server", organization: original.organization)
    }

    /// A client certificate of the given key type (CN `interop-client` for P-256,
    /// `interop-client-<type>` otherwise), signed by the one client CA (ECDSA P-256).
    func client(_ type: KeyType = .p256) throws -> Credential {
        if let existing = clients[type] { return existing }
        let organization = "TLSKit Interop Client"
        let root = try clientRoot ?? makeRoot(name: "client-root", type: .p256, commonName: "\(organization) Root")
        clientRoot = root
        let commonName = type == .p256 ? "interop-client" : "interop-client-\(type.slug)"
        let credential = try makeLeaf(
            name: "client-\(type.slug)", type: type, root: root, subject: "/O=\(organization)/CN=\(commonName)",
            extensions: "v3_client", organization: organization)
        clients[type] = credential
        return credential
    }

    /// Deletes the directory and everything in it.
    func remove() {
        try? FileManager.default.removeItem(at: directory)
    }

    private func makeRoot(name: String, type: KeyType, commonName: String) throws -> (certificate: String, key: String) {
        let key = path("\(name).key")
        let certificate = path("\(name).pem")
        try openssl(["genpkey"] + type.genpkeyArguments + ["-out", key])
        try openssl([
            "req", "-new", "-x509", "-config", path("pki.cnf"), "-extensions", "v3_ca", "-key", key,
            "-subj", "/CN=\(commonName)", "-days", "2", "-out", certificate,
        ])
        return (certificate, key)
    }

    private func makeLeaf(
        name: String, type: KeyType, root: (certificate: String, key: String), subject: String, extensions: String,
        organization: String
    ) throws -> Credential {
        let key = path("\(name).key")
        let request = path("\(name).csr")
        let certificate = path("\(name).pem")
        try openssl(["genpkey"] + type.genpkeyArguments + ["-out", key])
        try openssl(["req", "-new", "-config", path("pki.cnf"), "-key", key, "-subj", subject, "-out", request])
        try openssl([
            "x509", "-req", "-in", request, "-CA", root.certificate, "-CAkey", root.key, "-set_serial", "\(UInt32.random(in: 2...UInt32.max))",
            "-days", "2", "-extfile", path("pki.cnf"), "-extensions", extensions, "-out", certificate,
        ])
        return Credential(root: root.certificate, certificate: certificate, key: key, organization: organization)
    }

    private func openssl(_ arguments: [String]) throws {
        let (status, output) = try Peers.run(openssl, arguments)
        guard status == 0 else {
            XCTFail("openssl \(arguments.joined(separator: " ")) failed (status \(status.map(String.init) ?? "timeout")): \(output)")
            throw PKIError(arguments: arguments)
        }
    }

    struct PKIError: Error { let arguments: [String] }

    /// Extensions for the roots and leaves; nothing comes from the system's openssl.cnf.
    private static let configuration = """
        [req]
        distinguished_name = dn
        prompt = no
        [dn]
        CN = unused
        [v3_ca]
        basicConstraints = critical, CA:TRUE
        keyUsage = critical, keyCertSign, cRLSign
        subjectKeyIdentifier = hash
        [v3_server]
        basicConstraints = critical, CA:FALSE
        keyUsage = critical, digitalSignature
        extendedKeyUsage = serverAuth
        subjectAltName = DNS:localhost, IP:127.0.0.1
        subjectKeyIdentifier = hash
        authorityKeyIdentifier = keyid
        [v3_client]
        basicConstraints = critical, CA:FALSE
        keyUsage = critical, digitalSignature
        extendedKeyUsage = clientAuth
        subjectKeyIdentifier = hash
        authorityKeyIdentifier = keyid

        """
}
