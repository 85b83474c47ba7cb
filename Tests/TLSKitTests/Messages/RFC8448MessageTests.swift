import XCTest

@testable import TLSKit

/// The messages of RFC 8448 §3 decode to the values the trace describes and
/// re-encode to the same bytes.
final class RFC8448MessageTests: XCTestCase {
    func testSimple1RTTClientHelloDecodes() throws {
        let (type, body) = try splitMessage(RFC8448.clientHello)
        XCTAssertEqual(type, .clientHello)
        guard case .clientHello(let hello) = try HandshakeMessage.decode(type: type, body: body) else {
            return XCTFail("not a ClientHello")
        }
        XCTAssertEqual(hello.legacyVersion, 0x0303)
        XCTAssertEqual(hello.random.prefix(4), [0xcb, 0x34, 0xec, 0xb1])
        XCTAssertEqual(hello.legacySessionID, [])
        XCTAssertEqual(hello.cipherSuites, [.TLS_AES_128_GCM_SHA256, .TLS_CHACHA20_POLY1305_SHA256, .TLS_AES_256_GCM_SHA384])
        XCTAssertEqual(hello.legacyCompressionMethods, [0])

        let extensions = hello.extensions
        XCTAssertEqual(extensions.serverName, "server")
        XCTAssertEqual(extensions.supportedVersions, [.tls13])
        XCTAssertEqual(extensions.supportedGroups?.count, 9)
        XCTAssertEqual(extensions.supportedGroups?.prefix(3), [.x25519, .secp256r1, .secp384r1])
        XCTAssertEqual(extensions.keyShares?.count, 1)
        XCTAssertEqual(extensions.keyShares?.first?.group, .x25519)
        XCTAssertEqual(extensions.keyShares?.first?.keyExchange.count, 32)
        XCTAssertEqual(extensions.keyShares?.first?.keyExchange.prefix(2), [0x99, 0x38])
        XCTAssertEqual(extensions.signatureAlgorithms?.count, 15)
        XCTAssertEqual(extensions.signatureAlgorithms?.first, .ecdsa_secp256r1_sha256)
        XCTAssertEqual(extensions.pskKeyExchangeModes, [.pskDHEKE])
        XCTAssertNil(extensions.preSharedKey)
        XCTAssertFalse(extensions.earlyData)
        // renegotiation_info, session_ticket and record_size_limit are not TLS 1.3 extensions we interpret.
        XCTAssertEqual(extensions.other.map(\.type.rawValue), [0xff01, 0x0023, 0x001c])
        XCTAssertEqual(extensions.other.last?.data, [0x40, 0x01])
        XCTAssertEqual(
            extensions.receivedTypes.map(\.rawValue), [0x0000, 0xff01, 0x000a, 0x0023, 0x0033, 0x002b, 0x000d, 0x002d, 0x001c])

        XCTAssertEqual(HandshakeMessage.clientHello(hello).encoded(), RFC8448.clientHello)
    }

    func testSimple1RTTServerHelloDecodes() throws {
        let (type, body) = try splitMessage(RFC8448.serverHello)
        guard case .serverHello(let hello) = try HandshakeMessage.decode(type: type, body: body) else {
            return XCTFail("not a ServerHello")
        }
        XCTAssertFalse(hello.isHelloRetryRequest)
        XCTAssertEqual(hello.cipherSuite, .TLS_AES_128_GCM_SHA256)
        XCTAssertEqual(hello.extensions.supportedVersion, .tls13)
        XCTAssertEqual(hello.extensions.keyShare?.group, .x25519)
        XCTAssertEqual(hello.extensions.keyShare?.keyExchange.prefix(2), [0xc9, 0x82])
        XCTAssertNil(hello.extensions.selectedGroup)
        XCTAssertEqual(hello.extensions.other, [])
        XCTAssertEqual(HandshakeMessage.serverHello(hello).encoded(), RFC8448.serverHello)
    }

    func testSimple1RTTEncryptedExtensionsDecodes() throws {
        let (type, body) = try splitMessage(RFC8448.encryptedExtensions)
        guard case .encryptedExtensions(let extensions) = try HandshakeMessage.decode(type: type, body: body) else {
            return XCTFail("not EncryptedExtensions")
        }
        XCTAssertTrue(extensions.serverNameAcknowledged)
        XCTAssertEqual(extensions.supportedGroups?.count, 9)
        XCTAssertNil(extensions.applicationProtocol)
        XCTAssertEqual(extensions.other, [RawExtension(type: ExtensionType(rawValue: 0x1c), data: [0x40, 0x01])])
        XCTAssertEqual(HandshakeMessage.encryptedExtensions(extensions).encoded(), RFC8448.encryptedExtensions)
    }
}
