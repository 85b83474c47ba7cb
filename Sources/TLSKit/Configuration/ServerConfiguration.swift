/// How a server treats client certificates during the handshake.
public enum ClientAuthentication: Sendable {
    /// Never ask for a client certificate.
    case none
    /// Ask for one; a client without one may still connect. A certificate that is sent must verify against the roots.
    case optional(trustRoots: TrustRoots)
    /// Ask for one and refuse clients without a valid one (`certificate_required`).
    case required(trustRoots: TrustRoots)

    var trustRoots: TrustRoots? {
        switch self {
        case .none: return nil
        case .optional(let roots), .required(let roots): return roots
        }
    }
}

/// Everything a server connection needs to know, shared by all its connections:
/// the equivalent of OpenSSL's `SSL_CTX` for a server.
///
/// The defaults are safe: all three TLS 1.3 suites, X25519 first, no client authentication.
public struct ServerConfiguration: Sendable {
    /// Certificate chains with their keys. The first is the default; with SNI the server
    /// picks the first whose names match the requested server name.
    public var certificates: [CertifiedKey]
    /// Cipher suites in the server's preference order (the server's order wins).
    public var cipherSuites: [CipherSuite] = CipherSuite.supported
    /// Key exchange groups in preference order. A client whose key shares are all for groups
    /// not listed gets a HelloRetryRequest for the most preferred group it supports.
    public var groups: [NamedGroup] = NamedGroup.supported
    /// Signature schemes the server signs with and accepts from clients, in preference order.
    public var signatureSchemes: [SignatureScheme] = SignatureScheme.supported
    /// ALPN protocol names in preference order. Empty: ALPN is ignored.
    public var applicationProtocols: [String] = []
    /// Whether and how to ask clients for certificates.
    public var clientAuthentication: ClientAuthentication = .none
    /// Whether a HelloRetryRequest carries a cookie that the client must echo (RFC 8446 §4.2.2).
    public var sendsHelloRetryCookie = true
    /// Largest handshake message accepted from a client.
    public var maximumHandshakeMessageSize = 65_536
    /// Receives secrets in the NSS key log format. Debugging only.
    public var keyLog: KeyLogCallback?
    /// Source of protocol random values.
    public var random: RandomSource = .system
    /// Source of the current time (certificate validity).
    public var time: TimeSource = .system

    /// A configuration serving one certificate chain.
    public init(certificate: CertifiedKey) {
        self.certificates = [certificate]
    }

    /// A configuration serving several chains, picked by SNI; the first is the default.
    public init(certificates: [CertifiedKey]) throws {
        guard !certificates.isEmpty else { throw TLSError.configuration("a server needs at least one certificate") }
        self.certificates = certificates
    }

    func certificate(forServerName name: String?) -> CertifiedKey {
        if let name, let match = certificates.first(where: { $0.matches(serverName: name) }) { return match }
        return certificates[0]
    }

    func validate() throws {
        guard !certificates.isEmpty else { throw TLSError.configuration("a server needs at least one certificate") }
        guard !cipherSuites.filter(\.isSupported).isEmpty else { throw TLSError.configuration("no supported cipher suite configured") }
        guard !groups.filter(NamedGroup.supported.contains).isEmpty else { throw TLSError.configuration("no supported group configured") }
    }
}
