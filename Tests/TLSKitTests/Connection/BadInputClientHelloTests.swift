import XCTest

@testable import TLSKit

/// A server refuses ClientHellos that RFC 8446 forbids, with the alert the RFC names.
/// Each case starts from a real client's ClientHello and changes one thing.
final class BadInputClientHelloTests: XCTestCase {
    private struct Case: Sendable {
        let name: String
        let alert: AlertDescription
        var code: TLSError.Code = .peerMisbehaved
        let change: @Sendable (inout ClientHello) throws -> Void
    }

    private static let cases: [Case] = [
        // RFC 8446 §4.2.1: a ClientHello without supported_versions is a TLS 1.2 (or older) ClientHello.
        Case(name: "no supported_versions (TLS 1.2 ClientHello)", alert: .protocolVersion, code: .unsupportedProtocolVersion) {
            $0.extensions.supportedVersions = nil
        },
        Case(name: "supported_versions without TLS 1.3", alert: .protocolVersion, code: .unsupportedProtocolVersion) {
            $0.extensions.supportedVersions = [.tls12, ProtocolVersion(rawValue: 0x0302)]
        },
        // RFC 8446 §4.1.2: exactly one compression method, null.
        Case(name: "deflate compression only", alert: .illegalParameter) { $0.legacyCompressionMethods = [1] },
        Case(name: "deflate and null compression", alert: .illegalParameter) { $0.legacyCompressionMethods = [1, 0] },
        // RFC 8446 §4.2: no extension type twice in one block.
        Case(name: "duplicate supported_groups extension", alert: .illegalParameter) {
            $0.extensions.other.append(RawExtension(.supportedGroups) { $0.writeNamedGroupList([.x25519]) })
        },
        Case(name: "duplicate unknown extension", alert: .illegalParameter) {
            let unknown = RawExtension(type: ExtensionType(rawValue: 0x7A7A), data: [])
            $0.extensions.other += [unknown, unknown]
        },
        // RFC 8446 §4.2.11: pre_shared_key must be the last extension.
        Case(name: "pre_shared_key not last", alert: .illegalParameter) {
            $0.extensions.other += [RawExtension(type: .preSharedKey, data: [0]), RawExtension(type: ExtensionType(rawValue: 0x7A7A), data: [])]
        },
        // RFC 8446 §9.2: without a PSK, these are mandatory.
        Case(name: "no key_share", alert: .missingExtension) { $0.extensions.keyShares = nil },
        Case(name: "no supported_groups", alert: .missingExtension) { $0.extensions.supportedGroups = nil },
        Case(name: "no signature_algorithms", alert: .missingExtension) { $0.extensions.signatureAlgorithms = nil },
        // RFC 8446 §4.2.8: each share is for a group in supported_groups, at most one per group.
        Case(name: "key share for a group not in supported_groups", alert: .illegalParameter) { $0.extensions.supportedGroups = [.secp256r1] },
        Case(name: "two key shares for one group", alert: .illegalParameter) {
            $0.extensions.keyShares! += [$0.extensions.keyShares![0]]
        },
        // RFC 8446 §4.2.8.2, §7.4.2: a share that is not a valid public key.
        Case(name: "X25519 share of 31 bytes", alert: .illegalParameter) {
            $0.extensions.keyShares = [KeyShareEntry(group: .x25519, keyExchange: Array(repeating: 9, count: 31))]
        },
        Case(name: "all-zero X25519 share (small order)", alert: .illegalParameter) {
            $0.extensions.keyShares = [KeyShareEntry(group: .x25519, keyExchange: Array(repeating: 0, count: 32))]
        },
        Case(name: "compressed P-256 share", alert: .illegalParameter) {
            $0.extensions.supportedGroups = [.secp256r1]
            $0.extensions.keyShares = [KeyShareEntry(group: .secp256r1, keyExchange: [0x02] + Array(repeating: 1, count: 32))]
        },
        // Codec-level rules turn into decode_error.
        Case(name: "legacy_session_id of 33 bytes", alert: .decodeError) { $0.legacySessionID = Array(repeating: 1, count: 33) },
        Case(name: "supported_versions with an odd byte", alert: .decodeError) {
            $0.extensions.supportedVersions = nil
            $0.extensions.other.append(RawExtension(type: .supportedVersions, data: [3, 3, 4, 3]))
        },
        Case(name: "key_share list longer than its extension", alert: .decodeError) {
            $0.extensions.keyShares = nil
            $0.extensions.other.append(RawExtension(type: .keyShare, data: [0, 40, 0, 29, 0, 32]))
        },
    ]

    func testServerRefusesForbiddenClientHellos() throws {
        for row in Self.cases {
            var hello = try BadInput.clientHello()
            try row.change(&hello)
            let server = try BadInput.server()
            guard
                let failure = assertFails(
                    server, sending: row.alert, code: row.code, row.name, { try server.receive(WireRecords.handshake(.clientHello(hello))) })
            else { continue }
            assertPlaintextAlert(failure.output, row.alert, row.name)
        }
    }

    func testUnchangedClientHelloIsAccepted() throws {
        // The control for the table above: the same path with no change succeeds.
        let server = try BadInput.server()
        try server.receive(WireRecords.handshake(.clientHello(try BadInput.clientHello())))
        XCTAssertNil(server.error)
        XCTAssertTrue(server.hasPendingOutput)
    }

    func testSecondClientHelloMustAnswerTheHelloRetryRequest() throws {
        // The server asks for P-256; the second ClientHello still shares X25519.
        var configuration = BadInput.serverConfiguration()
        configuration.groups = [.secp256r1]
        let server = try ServerConnection(configuration: configuration)
        let hello = try BadInput.clientHello()
        try server.receive(WireRecords.handshake(.clientHello(hello)))
        guard case .serverHello(let retry) = try BadInput.firstMessage(of: server.takeOutput()) else { return XCTFail("no HelloRetryRequest") }
        XCTAssertTrue(retry.isHelloRetryRequest)
        var second = hello
        second.extensions.cookie = retry.extensions.cookie
        let name = "second ClientHello ignoring the HelloRetryRequest"
        guard
            let failure = assertFails(
                server, sending: .illegalParameter, name,
                {
                    try server.receive(WireRecords.record(.changeCipherSpec, [1]))
                    try server.receive(WireRecords.handshake(.clientHello(second)))
                })
        else { return }
        assertPlaintextAlert(failure.output, .illegalParameter, name)
    }
}
