import XCTest

@testable import TLSKit

final class ClientHelloTests: XCTestCase {
    static let minimalHello = ClientHello(
        random: Array(repeating: 0x11, count: 32),
        legacySessionID: [],
        cipherSuites: [.TLS_AES_128_GCM_SHA256],
        extensions: ClientHelloExtensions())

    static let fullHello: ClientHello = {
        var extensions = ClientHelloExtensions()
        extensions.serverName = "example.com"
        extensions.supportedVersions = [.tls13, .tls12]
        extensions.supportedGroups = [.x25519, .secp256r1]
        extensions.signatureAlgorithms = [.ecdsa_secp256r1_sha256, .rsa_pss_rsae_sha256]
        extensions.signatureAlgorithmsCert = [.rsa_pkcs1_sha256]
        extensions.keyShares = [KeyShareEntry(group: .x25519, keyExchange: Array(repeating: 0x42, count: 32))]
        extensions.pskKeyExchangeModes = [.pskDHEKE, .pskKE]
        extensions.applicationProtocols = [Array("h2".utf8), Array("http/1.1".utf8)]
        extensions.cookie = [1, 2, 3]
        extensions.earlyData = true
        extensions.postHandshakeAuth = true
        extensions.other = [
            RawExtension(type: ExtensionType(rawValue: 0x0A0A), data: []),  // GREASE
            RawExtension(type: .renegotiationInfo, data: [0]),
        ]
        extensions.preSharedKey = OfferedPSKs(
            identities: [
                PSKIdentity(identity: [1, 2, 3, 4], obfuscatedTicketAge: 0xDEAD_BEEF),
                PSKIdentity(identity: [5], obfuscatedTicketAge: 7),
            ],
            binders: [Array(repeating: 0xAA, count: 32), Array(repeating: 0xBB, count: 48)])
        return ClientHello(
            random: Array(0..<32),
            legacySessionID: Array(repeating: 0x55, count: 32),
            cipherSuites: CipherSuite.supported,
            extensions: extensions)
    }()

    /// A ClientHello body with the given raw extensions, for malformed-input tests.
    private func body(withExtensions extensions: [RawExtension]) -> [UInt8] {
        var hello = Self.minimalHello
        hello.extensions.other = extensions
        var writer = ByteWriter()
        hello.encode(into: &writer)
        return writer.bytes
    }

    func testMinimalClientHelloRoundTrips() {
        XCTAssertRoundTrips(.clientHello(Self.minimalHello))
    }

    func testClientHelloWithEveryExtensionRoundTrips() throws {
        XCTAssertRoundTrips(.clientHello(Self.fullHello))
        guard case .clientHello(let decoded) = try roundTrip(.clientHello(Self.fullHello)) else { return XCTFail() }
        XCTAssertEqual(decoded.extensions.receivedTypes.last, .preSharedKey)
        XCTAssertEqual(decoded.extensions.receivedTypes.count, 14)
    }

    func testPreSharedKeyIsEncodedLastEvenWhenOtherExtensionsFollowInReceivedOrder() throws {
        var hello = Self.fullHello
        hello.extensions.receivedTypes = [.preSharedKey, .serverName]
        let encoded = HandshakeMessage.clientHello(hello).encoded()
        let (_, body) = try splitMessage(encoded)
        guard case .clientHello(let decoded) = try HandshakeMessage.decode(type: .clientHello, body: body) else {
            return XCTFail()
        }
        XCTAssertEqual(decoded.extensions.receivedTypes.first, .serverName)
        XCTAssertEqual(decoded.extensions.receivedTypes.last, .preSharedKey)
    }

    func testEveryTruncationOfAClientHelloIsADecodeError() throws {
        for message in [RFC8448.clientHello, HandshakeMessage.clientHello(Self.fullHello).encoded()] {
            let (_, body) = try splitMessage(message)
            XCTAssertNoThrow(try HandshakeMessage.decode(type: .clientHello, body: body))
            for length in 0..<body.count {
                XCTAssertThrowsAlert(
                    .decodeError, try HandshakeMessage.decode(type: .clientHello, body: Array(body.prefix(length))),
                    "truncated to \(length) bytes")
            }
        }
    }

    func testTrailingBytesAreADecodeError() throws {
        let (_, body) = try splitMessage(RFC8448.clientHello)
        XCTAssertThrowsAlert(.decodeError, try HandshakeMessage.decode(type: .clientHello, body: body + [0]))
    }

    func testDecodeErrorNamesTheMessage() throws {
        let (_, body) = try splitMessage(RFC8448.clientHello)
        XCTAssertThrowsError(try HandshakeMessage.decode(type: .clientHello, body: Array(body.dropLast()))) { error in
            guard case .malformedMessage(let text)? = (error as? TLSError)?.reason else { return XCTFail("\(error)") }
            XCTAssertTrue(text.hasPrefix("ClientHello: "), text)
        }
    }

    func testDuplicateExtensionIsAnIllegalParameter() {
        let cookie = RawExtension(type: .cookie, data: [0, 1, 9])
        XCTAssertThrowsError(try HandshakeMessage.decode(type: .clientHello, body: body(withExtensions: [cookie, cookie]))) {
            XCTAssertEqual(($0 as? TLSError)?.reason, .illegalParameter("duplicate extension 44"))
        }
        let unknown = RawExtension(type: ExtensionType(rawValue: 0x1234), data: [])
        XCTAssertThrowsAlert(
            .illegalParameter, try HandshakeMessage.decode(type: .clientHello, body: body(withExtensions: [unknown, unknown])))
    }

    /// Types on both sides of the duplicate check's two methods (a bit per type below 128,
    /// sorting above): each repeated one is refused wherever the repeat stands; distinct ones pass.
    func testDuplicatesAreFoundAmongManyExtensionsOfEveryRange() throws {
        let distinct = [0x0A0A, 127, 128, 63, 64, 0xFF01, 0xFAFA, 1000].map { RawExtension(type: ExtensionType(rawValue: UInt16($0)), data: []) }
        XCTAssertNoThrow(try HandshakeMessage.decode(type: .clientHello, body: body(withExtensions: distinct)))
        for repeated in [0, 1, 2, 3, 4, 5, 7] {
            var extensions = distinct
            extensions.insert(distinct[repeated], at: repeated == 0 ? extensions.count : 0)
            XCTAssertThrowsError(try HandshakeMessage.decode(type: .clientHello, body: body(withExtensions: extensions))) {
                XCTAssertEqual(($0 as? TLSError)?.reason, .illegalParameter("duplicate extension \(distinct[repeated].type.rawValue)"))
            }
        }
        let many = (0..<3000).map { RawExtension(type: ExtensionType(rawValue: UInt16(200 + $0)), data: []) }
        XCTAssertNoThrow(try HandshakeMessage.decode(type: .clientHello, body: body(withExtensions: many)))
        XCTAssertThrowsAlert(.illegalParameter, try HandshakeMessage.decode(type: .clientHello, body: body(withExtensions: many + [many[1500]])))
    }

    func testPreSharedKeyThatIsNotLastIsAnIllegalParameter() {
        var psk = ByteWriter()
        Self.fullHello.extensions.preSharedKey!.encode(into: &psk)
        let extensions = [RawExtension(type: .preSharedKey, data: psk.bytes), RawExtension(type: .earlyData, data: [])]
        XCTAssertThrowsError(try HandshakeMessage.decode(type: .clientHello, body: body(withExtensions: extensions))) {
            XCTAssertEqual(($0 as? TLSError)?.reason, .illegalParameter("pre_shared_key not last"))
        }
    }

    func testBinderCountMismatchIsAnIllegalParameter() throws {
        var hello = Self.fullHello
        hello.extensions.preSharedKey!.binders.removeLast()
        let (_, body) = try splitMessage(HandshakeMessage.clientHello(hello).encoded())
        XCTAssertThrowsAlert(.illegalParameter, try HandshakeMessage.decode(type: .clientHello, body: body))
    }

    func testShortBinderIsADecodeError() throws {
        var hello = Self.fullHello
        hello.extensions.preSharedKey!.binders[0] = Array(repeating: 1, count: 31)
        let (_, body) = try splitMessage(HandshakeMessage.clientHello(hello).encoded())
        XCTAssertThrowsAlert(.decodeError, try HandshakeMessage.decode(type: .clientHello, body: body))
    }

    func testMalformedKnownExtensionIsADecodeError() {
        let cases: [RawExtension] = [
            RawExtension(type: .supportedVersions, data: [2, 3]),  // length prefix says 2, one byte follows
            RawExtension(type: .supportedVersions, data: [0]),  // empty list
            RawExtension(type: .supportedGroups, data: [0, 2, 0, 0x1d, 0]),  // trailing byte
            RawExtension(type: .signatureAlgorithms, data: [0, 0]),  // empty list
            RawExtension(type: .keyShare, data: [0, 4, 0, 0x1d, 0, 5]),  // key_exchange declared longer than what follows
            RawExtension(type: .pskKeyExchangeModes, data: [0]),  // empty list
            RawExtension(type: .applicationLayerProtocolNegotiation, data: [0, 1, 0]),  // empty protocol name
            RawExtension(type: .cookie, data: [0, 0]),  // empty cookie
            RawExtension(type: .earlyData, data: [0]),  // not empty
            RawExtension(type: .postHandshakeAuth, data: [0]),  // not empty
            RawExtension(type: .serverName, data: [0, 4, 0, 0, 1, 0x0A]),  // control character in host name
            RawExtension(type: .serverName, data: [0, 0]),  // empty list
        ]
        for item in cases {
            XCTAssertThrowsAlert(
                .decodeError, try HandshakeMessage.decode(type: .clientHello, body: body(withExtensions: [item])),
                "extension \(item.type.rawValue) \(item.data)")
        }
    }

    func testEmptyKeyShareListIsAccepted() throws {
        var hello = Self.minimalHello
        hello.extensions.keyShares = []
        guard case .clientHello(let decoded) = try roundTrip(.clientHello(hello)) else { return XCTFail() }
        XCTAssertEqual(decoded.extensions.keyShares, [])
    }

    func testServerNameTakesTheHostNameEntry() throws {
        // An entry of an unknown name type (1) followed by the host_name entry.
        let data: [UInt8] = [0, 12, 1, 0, 2, 0xAB, 0xCD, 0, 0, 4] + Array("host".utf8)
        let body = body(withExtensions: [RawExtension(type: .serverName, data: data)])
        guard case .clientHello(let hello) = try HandshakeMessage.decode(type: .clientHello, body: body) else { return XCTFail() }
        XCTAssertEqual(hello.extensions.serverName, "host")
    }

    func testEmptyCipherSuitesAndCompressionMethodsAreDecodeErrors() throws {
        var noSuites = Self.minimalHello
        noSuites.cipherSuites = []
        var noCompression = Self.minimalHello
        noCompression.legacyCompressionMethods = []
        for hello in [noSuites, noCompression] {
            let (_, body) = try splitMessage(HandshakeMessage.clientHello(hello).encoded())
            XCTAssertThrowsAlert(.decodeError, try HandshakeMessage.decode(type: .clientHello, body: body))
        }
    }

    func testOverlongSessionIDIsADecodeError() throws {
        var hello = Self.minimalHello
        hello.legacySessionID = Array(repeating: 1, count: 33)
        let (_, body) = try splitMessage(HandshakeMessage.clientHello(hello).encoded())
        XCTAssertThrowsAlert(.decodeError, try HandshakeMessage.decode(type: .clientHello, body: body))
    }

    func testBindersOffsetIsJustBeforeTheBindersList() throws {
        let hello = Self.fullHello
        let full = HandshakeMessage.clientHello(hello).encoded()
        let (message, offset) = hello.encodedWithBindersOffset()
        XCTAssertEqual(message, full)
        let partial = Array(full[..<offset])
        let psk = hello.extensions.preSharedKey!
        XCTAssertEqual(psk.encodedBindersLength, 2 + 33 + 49)
        XCTAssertEqual(partial.count, full.count - psk.encodedBindersLength)
        XCTAssertEqual(Array(full.prefix(partial.count)), partial)
        var binders = ByteWriter()
        psk.writeBinders(into: &binders)
        XCTAssertEqual(Array(full.suffix(psk.encodedBindersLength)), binders.bytes)
        // The header still declares the length of the whole message.
        XCTAssertEqual(Array(partial.prefix(4)), Array(full.prefix(4)))
    }
}
