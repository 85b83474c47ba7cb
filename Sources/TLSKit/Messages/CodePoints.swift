/// A TLS 1.3 cipher suite (RFC 8446 §B.4). Open set: unknown values survive decoding.
public struct CipherSuite: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let TLS_AES_128_GCM_SHA256 = CipherSuite(rawValue: 0x1301)
    public static let TLS_AES_256_GCM_SHA384 = CipherSuite(rawValue: 0x1302)
    public static let TLS_CHACHA20_POLY1305_SHA256 = CipherSuite(rawValue: 0x1303)

    /// The suites TLSKit implements, in its default preference order.
    public static let supported: [CipherSuite] = [.TLS_AES_128_GCM_SHA256, .TLS_AES_256_GCM_SHA384, .TLS_CHACHA20_POLY1305_SHA256]

    /// The IANA name, or the hex code point for suites TLSKit does not know.
    public var description: String {
        switch self {
        case .TLS_AES_128_GCM_SHA256: return "TLS_AES_128_GCM_SHA256"
        case .TLS_AES_256_GCM_SHA384: return "TLS_AES_256_GCM_SHA384"
        case .TLS_CHACHA20_POLY1305_SHA256: return "TLS_CHACHA20_POLY1305_SHA256"
        default: return "0x" + String(rawValue, radix: 16)
        }
    }

    /// Looks a suite up by its IANA name.
    public init?(name: String) {
        guard let suite = CipherSuite.supported.first(where: { $0.description == name }) else { return nil }
        self = suite
    }
}

/// A key exchange group (RFC 8446 §4.2.7). Open set.
public struct NamedGroup: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let secp256r1 = NamedGroup(rawValue: 0x0017)
    public static let secp384r1 = NamedGroup(rawValue: 0x0018)
    public static let secp521r1 = NamedGroup(rawValue: 0x0019)
    public static let x25519 = NamedGroup(rawValue: 0x001D)
    public static let x448 = NamedGroup(rawValue: 0x001E)
    /// secp256r1 ECDH with ML-KEM-768 (draft-ietf-tls-ecdhe-mlkem).
    public static let SecP256r1MLKEM768 = NamedGroup(rawValue: 0x11EB)
    /// X25519 with ML-KEM-768 (draft-ietf-tls-ecdhe-mlkem): the post-quantum hybrid browsers and
    /// servers deploy, and TLSKit's first choice.
    public static let X25519MLKEM768 = NamedGroup(rawValue: 0x11EC)
    /// secp384r1 ECDH with ML-KEM-1024 (draft-ietf-tls-ecdhe-mlkem).
    public static let SecP384r1MLKEM1024 = NamedGroup(rawValue: 0x11ED)

    /// The groups TLSKit implements, in the order a server prefers them by default: the
    /// post-quantum hybrids before the classical groups, so that a client offering a hybrid share
    /// gets the hybrid whatever else it offers.
    public static let supported: [NamedGroup] = [
        .X25519MLKEM768, .SecP256r1MLKEM768, .SecP384r1MLKEM1024, .x25519, .secp256r1, .secp384r1,
    ]

    /// The groups a client offers by default, in its preference order: the order BoringSSL,
    /// OpenSSL 3.5, rustls and Go offer. SecP256r1MLKEM768 and SecP384r1MLKEM1024 are left out:
    /// they serve deployments that must use FIPS-approved curves, which configure them, and
    /// listing them would let any server ask (by HelloRetryRequest) for a 1,249- or 1,665-byte
    /// share for no gain over X25519MLKEM768.
    public static let clientDefaults: [NamedGroup] = [.X25519MLKEM768, .x25519, .secp256r1, .secp384r1]

    /// Whether this group is an ECDHE-MLKEM hybrid, whose key exchange is a KEM: the server
    /// answers the client's share rather than sending a share of its own.
    public var isHybrid: Bool { hybridLayout != nil }

    /// The length of the key share a ClientHello carries for this group, for the groups whose
    /// client shares have one fixed length: 32 bytes for X25519 (RFC 8446 §4.2.8.2 and RFC 7748),
    /// an uncompressed point, 1 + 2 × the coordinate length, for the NIST curves (§4.2.8.2), and
    /// the ECDH share with the ML-KEM encapsulation key for the hybrids.
    var keyShareLength: Int? {
        if let layout = hybridLayout { return layout.clientShareLength }
        switch self {
        case .x25519: return 32
        case .x448: return 56
        case .secp256r1: return 65
        case .secp384r1: return 97
        case .secp521r1: return 133
        default: return nil
        }
    }

    /// The IANA name, or the hex code point for groups TLSKit does not know.
    public var description: String {
        switch self {
        case .secp256r1: return "secp256r1"
        case .secp384r1: return "secp384r1"
        case .secp521r1: return "secp521r1"
        case .x25519: return "x25519"
        case .x448: return "x448"
        case .SecP256r1MLKEM768: return "SecP256r1MLKEM768"
        case .X25519MLKEM768: return "X25519MLKEM768"
        case .SecP384r1MLKEM1024: return "SecP384r1MLKEM1024"
        default: return "0x" + String(rawValue, radix: 16)
        }
    }

    /// Looks a supported group up by its IANA name (`X25519MLKEM768`, `SecP256r1MLKEM768`,
    /// `SecP384r1MLKEM1024`, `x25519`, `secp256r1`, `secp384r1`), ignoring case as OpenSSL does;
    /// `P-256` and `P-384` too.
    public init?(name: String) {
        switch name {
        case "P-256", "prime256v1": self = .secp256r1
        case "P-384": self = .secp384r1
        default:
            let lowercased = name.lowercased()
            guard let group = NamedGroup.supported.first(where: { $0.description.lowercased() == lowercased }) else { return nil }
            self = group
        }
    }
}

/// A signature scheme (RFC 8446 §4.2.3). Open set.
public struct SignatureScheme: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    public var rawValue: UInt16
    public init(rawValue: UInt16) { self.rawValue = rawValue }

    public static let rsa_pkcs1_sha256 = SignatureScheme(rawValue: 0x0401)
    public static let rsa_pkcs1_sha384 = SignatureScheme(rawValue: 0x0501)
    public static let rsa_pkcs1_sha512 = SignatureScheme(rawValue: 0x0601)
    public static let ecdsa_secp256r1_sha256 = SignatureScheme(rawValue: 0x0403)
    public static let ecdsa_secp384r1_sha384 = SignatureScheme(rawValue: 0x0503)
    public static let ecdsa_secp521r1_sha512 = SignatureScheme(rawValue: 0x0603)
    public static let rsa_pss_rsae_sha256 = SignatureScheme(rawValue: 0x0804)
    public static let rsa_pss_rsae_sha384 = SignatureScheme(rawValue: 0x0805)
    public static let rsa_pss_rsae_sha512 = SignatureScheme(rawValue: 0x0806)
    public static let ed25519 = SignatureScheme(rawValue: 0x0807)
    public static let ed448 = SignatureScheme(rawValue: 0x0808)
    public static let rsa_pss_pss_sha256 = SignatureScheme(rawValue: 0x0809)
    public static let rsa_pss_pss_sha384 = SignatureScheme(rawValue: 0x080A)
    public static let rsa_pss_pss_sha512 = SignatureScheme(rawValue: 0x080B)

    /// Schemes TLSKit can produce and check in CertificateVerify, in preference order.
    /// RSA PKCS #1 v1.5 is absent on purpose: RFC 8446 §4.4.3 forbids it in CertificateVerify.
    public static let supported: [SignatureScheme] = [
        .ecdsa_secp256r1_sha256, .ecdsa_secp384r1_sha384, .ed25519,
        .rsa_pss_rsae_sha256, .rsa_pss_rsae_sha384, .rsa_pss_rsae_sha512,
    ]

    /// Schemes accepted in certificate signatures (`signature_algorithms_cert`), where
    /// RFC 8446 §4.2.3 still allows RSA PKCS #1 v1.5.
    public static let supportedInCertificates: [SignatureScheme] = supported + [.rsa_pkcs1_sha256, .rsa_pkcs1_sha384, .rsa_pkcs1_sha512]

    public var description: String {
        switch self {
        case .rsa_pkcs1_sha256: return "rsa_pkcs1_sha256"
        case .rsa_pkcs1_sha384: return "rsa_pkcs1_sha384"
        case .rsa_pkcs1_sha512: return "rsa_pkcs1_sha512"
        case .ecdsa_secp256r1_sha256: return "ecdsa_secp256r1_sha256"
        case .ecdsa_secp384r1_sha384: return "ecdsa_secp384r1_sha384"
        case .ecdsa_secp521r1_sha512: return "ecdsa_secp521r1_sha512"
        case .rsa_pss_rsae_sha256: return "rsa_pss_rsae_sha256"
        case .rsa_pss_rsae_sha384: return "rsa_pss_rsae_sha384"
        case .rsa_pss_rsae_sha512: return "rsa_pss_rsae_sha512"
        case .ed25519: return "ed25519"
        case .ed448: return "ed448"
        case .rsa_pss_pss_sha256: return "rsa_pss_pss_sha256"
        case .rsa_pss_pss_sha384: return "rsa_pss_pss_sha384"
        case .rsa_pss_pss_sha512: return "rsa_pss_pss_sha512"
        default: return "0x" + String(rawValue, radix: 16)
        }
    }
}

/// A protocol version code point (RFC 8446 §4.2.1).
struct ProtocolVersion: RawRepresentable, Hashable, Sendable {
    var rawValue: UInt16
    init(rawValue: UInt16) { self.rawValue = rawValue }

    static let tls12 = ProtocolVersion(rawValue: 0x0303)
    static let tls13 = ProtocolVersion(rawValue: 0x0304)
}

/// Extension code points (RFC 8446 §4.2). Open set.
struct ExtensionType: RawRepresentable, Hashable, Sendable {
    var rawValue: UInt16
    init(rawValue: UInt16) { self.rawValue = rawValue }

    static let serverName = ExtensionType(rawValue: 0)
    static let maxFragmentLength = ExtensionType(rawValue: 1)
    static let statusRequest = ExtensionType(rawValue: 5)
    static let supportedGroups = ExtensionType(rawValue: 10)
    static let ecPointFormats = ExtensionType(rawValue: 11)
    static let signatureAlgorithms = ExtensionType(rawValue: 13)
    static let useSRTP = ExtensionType(rawValue: 14)
    static let heartbeat = ExtensionType(rawValue: 15)
    static let applicationLayerProtocolNegotiation = ExtensionType(rawValue: 16)
    static let signedCertificateTimestamp = ExtensionType(rawValue: 18)
    static let clientCertificateType = ExtensionType(rawValue: 19)
    static let serverCertificateType = ExtensionType(rawValue: 20)
    static let padding = ExtensionType(rawValue: 21)
    static let encryptThenMAC = ExtensionType(rawValue: 22)
    static let extendedMasterSecret = ExtensionType(rawValue: 23)
    static let sessionTicket = ExtensionType(rawValue: 35)
    static let preSharedKey = ExtensionType(rawValue: 41)
    static let earlyData = ExtensionType(rawValue: 42)
    static let supportedVersions = ExtensionType(rawValue: 43)
    static let cookie = ExtensionType(rawValue: 44)
    static let pskKeyExchangeModes = ExtensionType(rawValue: 45)
    static let certificateAuthorities = ExtensionType(rawValue: 47)
    static let oidFilters = ExtensionType(rawValue: 48)
    static let postHandshakeAuth = ExtensionType(rawValue: 49)
    static let signatureAlgorithmsCert = ExtensionType(rawValue: 50)
    static let keyShare = ExtensionType(rawValue: 51)
    static let renegotiationInfo = ExtensionType(rawValue: 0xFF01)
}

/// Handshake message types (RFC 8446 §4).
struct HandshakeType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    var rawValue: UInt8
    init(rawValue: UInt8) { self.rawValue = rawValue }

    static let clientHello = HandshakeType(rawValue: 1)
    static let serverHello = HandshakeType(rawValue: 2)
    static let newSessionTicket = HandshakeType(rawValue: 4)
    static let endOfEarlyData = HandshakeType(rawValue: 5)
    static let encryptedExtensions = HandshakeType(rawValue: 8)
    static let certificate = HandshakeType(rawValue: 11)
    static let certificateRequest = HandshakeType(rawValue: 13)
    static let certificateVerify = HandshakeType(rawValue: 15)
    static let finished = HandshakeType(rawValue: 20)
    static let keyUpdate = HandshakeType(rawValue: 24)
    static let messageHash = HandshakeType(rawValue: 254)

    var description: String {
        switch self {
        case .clientHello: return "ClientHello"
        case .serverHello: return "ServerHello"
        case .newSessionTicket: return "NewSessionTicket"
        case .endOfEarlyData: return "EndOfEarlyData"
        case .encryptedExtensions: return "EncryptedExtensions"
        case .certificate: return "Certificate"
        case .certificateRequest: return "CertificateRequest"
        case .certificateVerify: return "CertificateVerify"
        case .finished: return "Finished"
        case .keyUpdate: return "KeyUpdate"
        case .messageHash: return "message_hash"
        default: return "handshake(\(rawValue))"
        }
    }
}

/// Record content types (RFC 8446 §5.1).
struct ContentType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    var rawValue: UInt8
    init(rawValue: UInt8) { self.rawValue = rawValue }

    var description: String {
        switch self {
        case .changeCipherSpec: return "change_cipher_spec"
        case .alert: return "alert"
        case .handshake: return "handshake"
        case .applicationData: return "application_data"
        default: return "content type \(rawValue)"
        }
    }

    static let invalid = ContentType(rawValue: 0)
    static let changeCipherSpec = ContentType(rawValue: 20)
    static let alert = ContentType(rawValue: 21)
    static let handshake = ContentType(rawValue: 22)
    static let applicationData = ContentType(rawValue: 23)
}

/// PSK key exchange modes (RFC 8446 §4.2.9).
struct PSKKeyExchangeMode: RawRepresentable, Hashable, Sendable {
    var rawValue: UInt8
    init(rawValue: UInt8) { self.rawValue = rawValue }

    static let pskKE = PSKKeyExchangeMode(rawValue: 0)
    static let pskDHEKE = PSKKeyExchangeMode(rawValue: 1)
}
