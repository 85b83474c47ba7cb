import X509

/// A certificate chain, leaf first, and the private key of its leaf: what a server
/// (or a client asked for a certificate) presents.
public struct CertifiedKey: Sendable {
    /// The certificates, leaf first, each certifying the one before it.
    public let chain: [Certificate]
    /// The private key of the leaf certificate.
    public let privateKey: SigningKey
    /// The DER encoding of each certificate, sent as is in the Certificate message.
    let chainDER: [[UInt8]]
    /// The DNS names and IP addresses in the leaf's subjectAlternativeName, used to
    /// pick a certificate from the client's server_name.
    public let dnsNames: [String]
    /// The IP addresses in the leaf's subjectAlternativeName, as 4 or 16 bytes.
    let ipAddresses: [[UInt8]]

    /// Pairs `chain` (leaf first) with the leaf's private key.
    ///
    /// Throws ``TLSError/Code/invalidConfiguration`` if the chain is empty or the key
    /// is not the one the leaf certifies.
    public init(chain: [Certificate], privateKey: SigningKey) throws {
        guard let leaf = chain.first else {
            throw TLSError.configuration("the certificate chain is empty")
        }
        guard leaf.publicKey == privateKey.publicKey else {
            throw TLSError.configuration("the private key does not match the leaf certificate's public key")
        }
        do {
            self.chainDER = try chain.map(PEMFiles.derBytes(of:))
        } catch {
            throw TLSError.configuration("cannot encode the certificate chain: \(error)")
        }
        let names: SubjectAlternativeNames
        do {
            names = try leaf.extensions.subjectAlternativeNames ?? SubjectAlternativeNames()
        } catch {
            throw TLSError.configuration("the leaf certificate's subjectAlternativeName cannot be parsed: \(error)")
        }
        var dnsNames: [String] = []
        var ipAddresses: [[UInt8]] = []
        for name in names {
            switch name {
            case .dnsName(let dnsName):
                dnsNames.append(dnsName)
            case .ipAddress(let address):
                let bytes = Array(address.bytes)
                guard let text = IPAddressText.format(bytes) else { continue }
                ipAddresses.append(bytes)
                dnsNames.append(text)
            default:
                continue
            }
        }
        self.chain = chain
        self.privateKey = privateKey
        self.dnsNames = dnsNames
        self.ipAddresses = ipAddresses
    }

    /// Parses a PEM chain (leaf first) and a PEM private key.
    public init(chainPEM: String, privateKeyPEM: String) throws {
        try self.init(
            chain: PEMFiles.certificates(fromPEM: chainPEM, source: "certificate chain PEM"),
            privateKey: SigningKey(pemRepresentation: privateKeyPEM)
        )
    }

    /// Loads a PEM chain (leaf first) and a PEM private key from files.
    ///
    /// A missing or unreadable file throws ``TLSError/Code/invalidConfiguration``
    /// naming the path.
    public init(chainPEMFile: String, privateKeyPEMFile: String) throws {
        let chain = try PEMFiles.certificates(fromPEM: PEMFiles.read(chainPEMFile), source: chainPEMFile)
        let key: SigningKey
        do {
            key = try SigningKey(pemRepresentation: PEMFiles.read(privateKeyPEMFile))
        } catch let error as TLSError {
            guard case .invalidConfiguration(let text) = error.reason, !text.hasPrefix("cannot read") else { throw error }
            throw TLSError.configuration("\(privateKeyPEMFile): \(text)")
        }
        try self.init(chain: chain, privateKey: key)
    }

    /// Whether `serverName` is one of the leaf's names: an exact DNS name (ignoring
    /// case and a trailing dot), a single-label wildcard such as `*.example.com`
    /// (which matches `a.example.com` but neither `example.com` nor `a.b.example.com`),
    /// or an IP address in the certificate.
    public func matches(serverName: String) -> Bool {
        if let address = IPAddressText.parse(serverName) {
            return ipAddresses.contains(address)
        }
        let name = Self.normalized(serverName)
        guard !name.isEmpty else { return false }
        for dnsName in dnsNames {
            let pattern = Self.normalized(dnsName)
            if pattern == name { return true }
            guard pattern.hasPrefix("*."), let firstDot = name.firstIndex(of: ".") else { continue }
            if firstDot != name.startIndex && name[firstDot...] == pattern.dropFirst() {
                return true
            }
        }
        return false
    }

    private static func normalized(_ name: String) -> String {
        let lowercased = name.lowercased()
        return lowercased.hasSuffix(".") ? String(lowercased.dropLast()) : lowercased
    }
}
