import XCTest

@testable import TLSKit

final class ServerHelloTests: XCTestCase {
    static let serverHello = ServerHello(
        random: Array(repeating: 7, count: 32),
        legacySessionIDEcho: Array(repeating: 9, count: 32),
        cipherSuite: .TLS_AES_256_GCM_SHA384,
        extensions: ServerHelloExtensions(
            supportedVersion: .tls13,
            keyShare: KeyShareEntry(group: .secp256r1, keyExchange: Array(repeating: 4, count: 65)),
            preSharedKey: 1))

    static let helloRetryRequest = ServerHello(
        random: ServerHello.helloRetryRequestRandom,
        legacySessionIDEcho: [],
        cipherSuite: .TLS_AES_128_GCM_SHA256,
        extensions: ServerHelloExtensions(supportedVersion: .tls13, selectedGroup: .secp384r1, cookie: [0xC0, 0x0C, 0x1E]))

    func testServerHelloRoundTrips() {
        XCTAssertRoundTrips(.serverHello(Self.serverHello))
        var bare = Self.serverHello
        bare.extensions = ServerHelloExtensions()
        XCTAssertRoundTrips(.serverHello(bare))
    }

    func testHelloRetryRequestRoundTripsWithOnlyTheSelectedGroup() throws {
        XCTAssertTrue(Self.helloRetryRequest.isHelloRetryRequest)
        XCTAssertFalse(Self.serverHello.isHelloRetryRequest)
        XCTAssertRoundTrips(.serverHello(Self.helloRetryRequest))
        guard case .serverHello(let decoded) = try roundTrip(.serverHello(Self.helloRetryRequest)) else { return XCTFail() }
        XCTAssertEqual(decoded.extensions.selectedGroup, .secp384r1)
        XCTAssertNil(decoded.extensions.keyShare)
        XCTAssertEqual(decoded.extensions.cookie, [0xC0, 0x0C, 0x1E])
    }

    func testHelloRetryRequestRandomIsSHA256OfItsName() {
        // RFC 8446 §4.1.3: SHA-256("HelloRetryRequest").
        XCTAssertEqual(
            ServerHello.helloRetryRequestRandom,
            [UInt8](hex: "CF21AD74E59A6111BE1D8C021E65B891C2A211167ABB8C5E079E09E2C8A8339C"))
    }

    func testTLS12ServerHelloWithoutExtensionsDecodes() throws {
        var writer = ByteWriter()
        writer.writeUInt16(0x0303)
        writer.writeBytes(Array(repeating: 3, count: 32))
        writer.writeVector8([1, 2, 3, 4])
        writer.writeUInt16(0xC02F)
        writer.writeUInt8(0)
        guard case .serverHello(let hello) = try HandshakeMessage.decode(type: .serverHello, body: writer.bytes) else {
            return XCTFail()
        }
        XCTAssertNil(hello.extensions.supportedVersion)
        XCTAssertEqual(hello.cipherSuite.rawValue, 0xC02F)
        XCTAssertEqual(hello.extensions.other, [])
    }

    func testTLS12ServerHelloKeepsUnknownExtensions() throws {
        var hello = Self.serverHello
        hello.extensions = ServerHelloExtensions(other: [
            RawExtension(type: .renegotiationInfo, data: [0]), RawExtension(type: .extendedMasterSecret, data: []),
        ])
        guard case .serverHello(let decoded) = try roundTrip(.serverHello(hello)) else { return XCTFail() }
        XCTAssertNil(decoded.extensions.supportedVersion)
        XCTAssertEqual(decoded.extensions.other.map(\.type), [.renegotiationInfo, .extendedMasterSecret])
    }

    func testDuplicateExtensionIsAnIllegalParameter() throws {
        var hello = Self.serverHello
        hello.extensions.other = [RawExtension(type: .supportedVersions, data: [3, 4])]
        let (_, body) = try splitMessage(HandshakeMessage.serverHello(hello).encoded())
        XCTAssertThrowsError(try HandshakeMessage.decode(type: .serverHello, body: body)) {
            XCTAssertEqual(($0 as? TLSError)?.reason, .illegalParameter("duplicate extension 43"))
        }
    }

    func testMalformedExtensionsAreDecodeErrors() throws {
        let cases: [RawExtension] = [
            RawExtension(type: .supportedVersions, data: [3, 4, 0]),
            RawExtension(type: .keyShare, data: [0, 0x1d]),  // a group alone in a real ServerHello
            RawExtension(type: .preSharedKey, data: [0]),
            RawExtension(type: .cookie, data: [0, 0]),
        ]
        for item in cases {
            var hello = Self.serverHello
            hello.extensions = ServerHelloExtensions(other: [item])
            let (_, body) = try splitMessage(HandshakeMessage.serverHello(hello).encoded())
            XCTAssertThrowsAlert(.decodeError, try HandshakeMessage.decode(type: .serverHello, body: body), "\(item)")
        }
    }

    func testTruncatedServerHelloIsADecodeError() throws {
        let (_, body) = try splitMessage(RFC8448.serverHello)
        // Every length short of the extensions block; after it a TLS 1.2 hello may legally end.
        for length in 0..<38 {
            XCTAssertThrowsAlert(.decodeError, try HandshakeMessage.decode(type: .serverHello, body: Array(body.prefix(length))))
        }
        for length in 39..<body.count {
            XCTAssertThrowsAlert(.decodeError, try HandshakeMessage.decode(type: .serverHello, body: Array(body.prefix(length))))
        }
        XCTAssertThrowsAlert(.decodeError, try HandshakeMessage.decode(type: .serverHello, body: body + [0]))
    }
}
