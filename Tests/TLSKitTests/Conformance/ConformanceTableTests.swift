import Foundation
import XCTest

@testable import TLSKit

/// The conformance table: RFC 8446's MUST and MUST NOT sentences about what a peer may send,
/// each enforced by a crafted peer input, rows grouped by the section they enforce. Each row
/// names its section, the side that receives the input, and what must happen; every row runs
/// even when an earlier one fails. The table documents what TLSKit guarantees.
///
/// A failing row must: throw a `TLSError` with the row's `alertSent` and `code`; put the alert
/// on the wire (the plaintext record `15 03 03 00 02 02 XX` before keys; once keys are in use,
/// a protected record that the real peer reads as `alertReceived == XX`); and stay failed (every
/// later call throws the same error, see `assertFails`). A "completes" row checks that the input
/// is accepted, then what else the row promises. An "ignored" row checks that the input changes
/// nothing: no error, nothing read, nothing answered.
///
/// Every alert the core can send has at least one row. `insufficient_security` has none: TLSKit
/// has no reason that maps to it, so the core never sends it.
final class ConformanceTableTests: XCTestCase {
    enum Side: String { case client, server }

    /// Where the failing side's alert is: in a plaintext record, or protected by its write keys.
    enum Wire { case plaintext, protected }

    enum Expectation: Sendable {
        case fails(AlertDescription, TLSError.Code, Wire)
        /// The input is accepted: no error, the handshake complete, nothing the peer refuses;
        /// `holds` checks the rest of what the row promises.
        case completes(holds: @Sendable (TLSConnection, String) -> Void)
        /// RFC 8446 §6.1: data after close_notify is ignored.
        case ignored
    }

    struct Row: Sendable {
        /// The RFC 8446 section whose requirement the row enforces ("§4.1.3"); another RFC is
        /// named ("RFC 7301 §3.2"); "limits" marks TLSKit's own bounds, which no RFC sets.
        let section: String
        let name: String
        let side: Side
        let expectation: Expectation
        let scenario: @Sendable () throws -> ConformanceScenario

        init(
            _ section: String, _ name: String, _ side: Side, _ expectation: Expectation,
            _ scenario: @escaping @Sendable () throws -> ConformanceScenario
        ) {
            self.section = section
            self.name = name
            self.side = side
            self.expectation = expectation
            self.scenario = scenario
        }
    }

    /// Every alert the core can send; each needs at least one failing row.
    static let sendableAlerts: [AlertDescription] = [
        .decodeError, .unexpectedMessage, .illegalParameter, .handshakeFailure, .badCertificate, .unsupportedCertificate,
        .certificateExpired, .unknownCA, .decryptError, .badRecordMAC, .recordOverflow, .protocolVersion, .missingExtension,
        .unsupportedExtension, .noApplicationProtocol, .certificateRequired, .internalError,
    ]

    static let rows: [Row] = [
        // §4: handshake messages come in the order of §4.4.1 and §2; any other order is an unexpected_message.
        Row("§4", "NewSessionTicket sent by a client", .server, .fails(.unexpectedMessage, .peerMisbehaved, .protected)) {
            try .connectedServer { _, cipher in
                let ticket = NewSessionTicket(lifetime: 60, ageAdd: 1, nonce: [0], ticket: [1, 2, 3])
                return try cipher.seal(.handshake, HandshakeMessage.newSessionTicket(ticket).encoded())
            }
        },
        Row("§4", "Finished before the ClientHello", .server, .fails(.unexpectedMessage, .peerMisbehaved, .plaintext)) {
            try .server(receiving: WireRecords.handshake(.finished(Finished(verifyData: Array(repeating: 1, count: 32)))))
        },
        Row("§4", "ClientHello sent to a client", .client, .fails(.unexpectedMessage, .peerMisbehaved, .plaintext)) {
            try .client { WireRecords.handshake(.clientHello($0)) }
        },
        // §4.1.1: a server that cannot negotiate a supported set of parameters aborts with handshake_failure.
        Row("§4.1.1", "no cipher suite in common", .server, .fails(.handshakeFailure, .handshakeFailure, .plaintext)) {
            try .serverReceivingHello(server: { $0.cipherSuites = [.TLS_AES_256_GCM_SHA384] })
        },
        Row("§4.1.1", "no key exchange group in common", .server, .fails(.handshakeFailure, .handshakeFailure, .plaintext)) {
            try .serverReceivingHello(server: { $0.groups = [.secp384r1] })
        },
        // §4.1.2: "Early data is not permitted after a HelloRetryRequest": the second ClientHello drops early_data.
        Row("§4.1.2", "early_data in the second ClientHello", .server, .fails(.illegalParameter, .peerMisbehaved, .plaintext)) {
            try .serverReceivingRewrittenHello(server: { $0.groups = [.secp256r1] }, changing: { $0.extensions.earlyData = true }) { client, server in
                try client.receive(server.takeOutput())
                // The second hello follows the client's change_cipher_spec (middlebox compatibility).
                let records = try WireRecords.split(client.takeOutput()).filter { $0.contentType == .handshake }
                var hello = try BadInput.clientHello(fromOutput: records.flatMap(WireRecords.encode))
                hello.extensions.earlyData = true
                try server.receive(WireRecords.handshake(.clientHello(hello)))
            }
        },
        // §4.1.3: the ServerHello echoes the client's offer: a cipher suite that was not offered is an
        // illegal_parameter. legacy_version MUST be 0x0303; the RFC names no alert for another value, which
        // does not choose the version (§4.2.1), so it is a wrong field: illegal_parameter (§6.2). See D.5 for 0x0300.
        Row("§4.1.3", "ServerHello selecting a suite not offered", .client, .fails(.illegalParameter, .peerMisbehaved, .plaintext)) {
            try .client { ConformanceScenario.serverHello(answering: $0) { $0.cipherSuite = .TLS_AES_256_GCM_SHA384 } }
        },
        Row("§4.1.3", "ServerHello legacy_version 0x0304", .client, .fails(.illegalParameter, .peerMisbehaved, .plaintext)) {
            try .client { ConformanceScenario.serverHello(answering: $0) { $0.legacyVersion = 0x0304 } }
        },
        // §4.1.4: a HelloRetryRequest that would not change the ClientHello is an illegal_parameter; a
        // second one is an unexpected_message.
        Row("§4.1.4", "HelloRetryRequest without group or cookie (no change)", .client, .fails(.illegalParameter, .peerMisbehaved, .plaintext)) {
            try .client { ConformanceScenario.helloRetryRequest(answering: $0, group: nil) }
        },
        Row("§4.1.4", "second HelloRetryRequest", .client, .fails(.unexpectedMessage, .peerMisbehaved, .plaintext)) {
            try .client(retryingFor: .secp256r1) { ConformanceScenario.helloRetryRequest(answering: $0, group: .x25519) }
        },
        // §4.2: an extension that TLSKit recognizes in a message that does not allow it is an illegal_parameter;
        // an extension response the client did not ask for is an unsupported_extension.
        Row("§4.2", "key_share in EncryptedExtensions", .client, .fails(.illegalParameter, .peerMisbehaved, .protected)) {
            try .clientReceivingServerFlight(forging: { $0.replace(.encryptedExtensions, with: .encryptedExtensions(carrying: .keyShare)) })
        },
        Row("§4.2", "supported_versions in EncryptedExtensions", .client, .fails(.illegalParameter, .peerMisbehaved, .protected)) {
            try .clientReceivingServerFlight(forging: { $0.replace(.encryptedExtensions, with: .encryptedExtensions(carrying: .supportedVersions)) })
        },
        Row("§4.2", "pre_shared_key in EncryptedExtensions", .client, .fails(.illegalParameter, .peerMisbehaved, .protected)) {
            try .clientReceivingServerFlight(forging: { $0.replace(.encryptedExtensions, with: .encryptedExtensions(carrying: .preSharedKey)) })
        },
        Row("§4.2", "server_name in the ServerHello", .client, .fails(.illegalParameter, .peerMisbehaved, .plaintext)) {
            try .client { ConformanceScenario.serverHello(answering: $0) { $0.extensions.other.append(RawExtension(type: .serverName, data: [])) } }
        },
        Row("§4.2", "ALPN in EncryptedExtensions the client did not offer", .client, .fails(.unsupportedExtension, .peerMisbehaved, .protected)) {
            try .clientReceivingServerFlight(forging: {
                let alpn = RawExtension(type: .applicationLayerProtocolNegotiation, data: [0, 3, 2, 0x68, 0x32])
                $0.replace(.encryptedExtensions, with: .encryptedExtensions(EncryptedExtensions(other: [alpn])))
            })
        },
        Row("§4.2", "server_name acknowledged when the client sent none", .client, .fails(.unsupportedExtension, .peerMisbehaved, .protected)) {
            // A client connecting to an address sends no server_name (RFC 6066 §3).
            try .clientReceivingServerFlight(
                serverName: "127.0.0.1", forging: { $0.replace(.encryptedExtensions, with: .encryptedExtensions(carrying: .serverName)) })
        },
        // §4.2.1: TLS 1.3 is negotiated with supported_versions only; without it the peer wants TLS 1.2 or older.
        // §4.2.3: signature_algorithms<2..2^16-2> and signature_algorithms_cert: a list at its legal maximum
        // (as long as the extension block leaves room for) is accepted.
        Row("§4.2.3", "signature_algorithms filling the extension block", .server, .completes(holds: { _, _ in })) {
            try .serverReceivingRewrittenHello(changing: { ConformanceTableTests.fillExtensionBlock(&$0, \.signatureAlgorithms) })
        },
        Row("§4.2.3", "signature_algorithms_cert filling the extension block", .server, .completes(holds: { _, _ in })) {
            try .serverReceivingRewrittenHello(changing: { ConformanceTableTests.fillExtensionBlock(&$0, \.signatureAlgorithmsCert) })
        },
        // A ServerHello selecting a version the client did not offer, or one before TLS 1.3, is an illegal_parameter.
        Row("§4.2.1", "TLS 1.2 ClientHello (no supported_versions)", .server, .fails(.protocolVersion, .unsupportedProtocolVersion, .plaintext)) {
            try .serverReceivingHello(changing: { $0.extensions.supportedVersions = nil })
        },
        Row("§4.2.1", "TLS 1.2 ServerHello (no supported_versions)", .client, .fails(.protocolVersion, .unsupportedProtocolVersion, .plaintext)) {
            try .client { ConformanceScenario.serverHello(answering: $0) { $0.extensions.supportedVersion = nil } }
        },
        Row("§4.2.1", "supported_versions selecting TLS 1.2", .client, .fails(.illegalParameter, .peerMisbehaved, .plaintext)) {
            try .client { ConformanceScenario.serverHello(answering: $0) { $0.extensions.supportedVersion = .tls12 } }
        },
        Row("§4.2.1", "supported_versions selecting 0x0305, not offered", .client, .fails(.illegalParameter, .peerMisbehaved, .plaintext)) {
            try .client { ConformanceScenario.serverHello(answering: $0) { $0.extensions.supportedVersion = ProtocolVersion(rawValue: 0x0305) } }
        },
        // §4.2.8: a HelloRetryRequest asks for a group the client offered and did not share; a ServerHello
        Row("§4.2.8", "empty X25519 key share", .server, .fails(.illegalParameter, .peerMisbehaved, .plaintext)) {
            try .serverReceivingHello(changing: { $0.extensions.keyShares = [KeyShareEntry(group: .x25519, keyExchange: [])] })
        },
        Row("§4.2.8", "X25519 key share of 31 bytes", .server, .fails(.illegalParameter, .peerMisbehaved, .plaintext)) {
            try .serverReceivingHello(changing: { $0.extensions.keyShares = [KeyShareEntry(group: .x25519, keyExchange: Array(repeating: 9, count: 31))] })
        },
        Row("§4.2.8", "secp256r1 key share of 64 bytes", .server, .fails(.illegalParameter, .peerMisbehaved, .plaintext)) {
            try .serverReceivingHello(changing: {
                $0.extensions.keyShares = [KeyShareEntry(group: .secp256r1, keyExchange: [4] + Array(repeating: 9, count: 63))]
            })
        },
        // without a PSK carries the server's share, in a group the client shared (the one the
        // HelloRetryRequest asked for, after one). Anything else is an illegal_parameter.
        Row("§4.2.8", "HelloRetryRequest for the group already shared (no change)", .client, .fails(.illegalParameter, .peerMisbehaved, .plaintext)) {
            try .client { ConformanceScenario.helloRetryRequest(answering: $0, group: .x25519) }
        },
        Row("§4.2.8", "HelloRetryRequest for a group not offered", .client, .fails(.illegalParameter, .peerMisbehaved, .plaintext)) {
            try .client { ConformanceScenario.helloRetryRequest(answering: $0, group: .secp384r1) }
        },
        Row("§4.2.8", "ServerHello share for a group not offered", .client, .fails(.illegalParameter, .peerMisbehaved, .plaintext)) {
            try .client { ConformanceScenario.serverHello(answering: $0, share: .secp384r1) }
        },
        Row("§4.2.8", "ServerHello share for a group offered but not shared", .client, .fails(.illegalParameter, .peerMisbehaved, .plaintext)) {
            try .client { ConformanceScenario.serverHello(answering: $0, share: .secp256r1) }
        },
        Row("§4.2.8", "ServerHello share not in the HelloRetryRequest's group", .client, .fails(.illegalParameter, .peerMisbehaved, .plaintext)) {
            try .client(retryingFor: .secp256r1) { ConformanceScenario.serverHello(answering: $0, share: .x25519) }
        },
        Row("§4.2.8", "ServerHello without key_share", .client, .fails(.missingExtension, .peerMisbehaved, .plaintext)) {
            try .client { ConformanceScenario.serverHello(answering: $0) { $0.extensions.keyShare = nil } }
        },
        // §4.2.9: a client offering a PSK must say how it may be used.
        Row("§4.2.9", "pre_shared_key without psk_key_exchange_modes", .server, .fails(.missingExtension, .peerMisbehaved, .plaintext)) {
            try .serverReceivingResumption(changing: { $0.extensions.pskKeyExchangeModes = nil })
        },
        // §4.2.10: a server that does not accept early data skips it: after a ServerHello, the records that do
        // not open under the handshake keys; after a HelloRetryRequest, every protected record until the second
        // ClientHello; either up to max_early_data_size, past which it is an unexpected_message (§4.6.1).
        Row("§4.2.10", "early data skipped after a ServerHello", .server, .completes(holds: ConformanceTableTests.earlyDataIsDeclinedOnce)) {
            try .serverReceivingRewrittenHello(
                changing: { $0.extensions.earlyData = true },
                followedBy: WireRecords.record(.changeCipherSpec, [1]) + earlyDataRecords(100) + WireRecords.record(.changeCipherSpec, [1])
                    + earlyDataRecords(2_000, 0))
        },
        Row(
            "§4.2.10", "early data skipped after a HelloRetryRequest", .server,
            .completes(holds: ConformanceTableTests.earlyDataIsDeclinedOnceAfterHelloRetryRequest)
        ) {
            try .serverReceivingRewrittenHello(
                server: { $0.groups = [.secp256r1] }, changing: { $0.extensions.earlyData = true },
                followedBy: WireRecords.record(.changeCipherSpec, [1]) + earlyDataRecords(100, 200))
        },
        Row("§4.2.10", "early data over maximumSkippedEarlyData", .server, .fails(.unexpectedMessage, .limitExceeded, .protected)) {
            try .serverReceivingRewrittenHello(
                server: { $0.limits.maximumSkippedEarlyData = 1_000 }, changing: { $0.extensions.earlyData = true },
                followedBy: earlyDataRecords(600)
            ) { client, server in
                // More early data arrives while the client answers the server's flight.
                try client.receive(server.takeOutput())
                _ = client.takeOutput()
                try server.receive(earlyDataRecords(600))
            }
        },
        // §4.2.11: pre_shared_key is the last extension of the ClientHello. The server selects an identity the
        // client offered, with a suite of the PSK's hash, and sends key_share if psk_ke was not offered.
        Row("§4.2.11", "pre_shared_key not last in the ClientHello", .server, .fails(.illegalParameter, .peerMisbehaved, .plaintext)) {
            try .serverReceivingResumption(changing: { hello in
                let offered = try XCTUnwrap(hello.extensions.preSharedKey, "the resuming ClientHello offers a PSK")
                hello.extensions.preSharedKey = nil
                hello.extensions.receivedTypes = []
                hello.extensions.other += [
                    RawExtension(.preSharedKey) { offered.encode(into: &$0) }, RawExtension(type: ExtensionType(rawValue: 0x7A7A), data: []),
                ]
            })
        },
        Row("§4.2.11", "pre_shared_key selecting identity 1 of 1", .client, .fails(.illegalParameter, .peerMisbehaved, .plaintext)) {
            try .client(resuming: ConformanceScenario.session()) { ConformanceScenario.serverHello(answering: $0) { $0.extensions.preSharedKey = 1 } }
        },
        Row("§4.2.11", "PSK selected with a suite of another hash", .client, .fails(.illegalParameter, .peerMisbehaved, .plaintext)) {
            try .client(
                configuration: { $0.cipherSuites = [.TLS_AES_128_GCM_SHA256, .TLS_AES_256_GCM_SHA384] },
                resuming: ConformanceScenario.session(suite: .TLS_AES_256_GCM_SHA384)
            ) { ConformanceScenario.serverHello(answering: $0) { $0.extensions.preSharedKey = 0 } }
        },
        Row("§4.2.11", "PSK selected without key_share, psk_ke not offered", .client, .fails(.illegalParameter, .peerMisbehaved, .plaintext)) {
            try .client(resuming: ConformanceScenario.session()) {
                ConformanceScenario.serverHello(answering: $0) {
                    $0.extensions.preSharedKey = 0
                    $0.extensions.keyShare = nil
                }
            }
        },
        // §4.2.11.2: the server validates the binder before accepting the PSK.
        Row("§4.2.11.2", "corrupted PSK binder", .server, .fails(.decryptError, .peerMisbehaved, .plaintext)) {
            // The binder is the last field of the ClientHello.
            try .serverReceivingResumption(bytes: { $0[$0.count - 1] ^= 0x01 })
        },
        // §4.4.2.4: an empty server Certificate is a decode_error. Certificates are validated (RFC 5280; the
        // alerts are those of §6.2); a server that requires a client certificate may refuse its absence with
        // certificate_required.
        Row("§4.4.2.4", "empty server Certificate", .client, .fails(.decodeError, .peerMisbehaved, .protected)) {
            try .clientReceivingServerFlight(forging: {
                $0.replace(.certificate, with: .certificate(CertificateMessage(requestContext: [], entries: [])))
            })
        },
        Row("§4.4.2.4", "server certificate for another host name", .client, .fails(.badCertificate, .certificateVerificationFailed, .protected)) {
            try .clientReceivingServerFlight(certified: TestPKI.certifiedKey(names: ["localhost"]), serverName: "example.com")
        },
        Row("§4.4.2.4", "server certificate with a P-192 key", .client, .fails(.unsupportedCertificate, .certificateVerificationFailed, .protected)) {
            let leaf = try ConformanceScenario.relabelledAsP192(BadInput.certified.chainDER[0])
            return try .clientReceivingServerFlight(forging: {
                $0.replace(
                    .certificate, with: .certificate(CertificateMessage(requestContext: [], entries: [CertificateEntry(certificateData: leaf)])))
            })
        },
        Row("§4.4.2.4", "server certificate past its validity", .client, .fails(.certificateExpired, .certificateVerificationFailed, .protected)) {
            // Valid for one day, a week ago.
            let expired = try CertifiedKey.selfSigned(names: ["localhost"], key: .generateP256(), now: Date() - 7 * 24 * 60 * 60)
            return try .clientReceivingServerFlight(certified: expired)
        },
        Row("§4.4.2.4", "server certificate from an untrusted root", .client, .fails(.unknownCA, .certificateVerificationFailed, .protected)) {
            try .clientReceivingServerFlight(trusting: TestPKI.certifiedKey())
        },
        Row("§4.4.2.4", "client certificate from an untrusted root", .server, .fails(.unknownCA, .certificateVerificationFailed, .protected)) {
            try .serverReceivingClientFlight(
                client: { $0.certificate = TestPKI.certifiedKey(names: ["client.example"]) },
                server: { $0.clientAuthentication = .optional(trustRoots: .certificates([TestPKI.certifiedKey().chain[0]])) })
        },
        Row("§4.4.2.4", "no client certificate when one is required", .server, .fails(.certificateRequired, .handshakeFailure, .protected)) {
            try .serverReceivingClientFlight(server: { $0.clientAuthentication = .required(trustRoots: .certificates($0.certificates[0].chain)) })
        },
        // §4.4.3: the server signs with a scheme the client offered (the RFC names no alert: a wrong field is an
        // illegal_parameter, §6.2); a signature that does not verify is a decrypt_error.
        Row("§4.4.3", "CertificateVerify with a scheme the client did not offer", .client, .fails(.illegalParameter, .peerMisbehaved, .protected)) {
            try .clientReceivingServerFlight(forging: {
                $0.replace(.certificateVerify, with: .certificateVerify(CertificateVerify(scheme: .rsa_pkcs1_sha256, signature: [1, 2, 3])))
            })
        },
        Row("§4.4.3", "server CertificateVerify signature flipped", .client, .fails(.decryptError, .certificateVerificationFailed, .protected)) {
            try .clientReceivingServerFlight(forging: { $0.flipLastByte(of: .certificateVerify) })
        },
        // §4.4.4: verify_data is Hash.length bytes, and a Finished that does not match is a decrypt_error.
        Row("§4.4.4", "server Finished of 31 bytes", .client, .fails(.decodeError, .peerMisbehaved, .protected)) {
            try .clientReceivingServerFlight(forging: {
                $0.replace(.finished, with: .finished(Finished(verifyData: Array(repeating: 0, count: 31))))
            })
        },
        Row("§4.4.4", "server Finished verify_data flipped", .client, .fails(.decryptError, .peerMisbehaved, .protected)) {
            try .clientReceivingServerFlight(forging: { $0.flipLastByte(of: .finished) })
        },
        Row("§4.4.4", "client Finished declared at 196,608 bytes", .server, .fails(.decodeError, .peerMisbehaved, .protected)) {
            // Refused at its header, in the first of the twelve records it would take.
            try .serverAwaitingClientFlight { try $0.seal(.handshake, [HandshakeType.finished.rawValue, 0x03, 0x00, 0x00] + Array(repeating: 0, count: 16_380)) }
        },
        // §4.6.1: "Clients MUST NOT cache tickets for longer than 7 days, regardless of the ticket_lifetime".
        Row("§4.6.1", "NewSessionTicket with a lifetime over 7 days", .client, .completes(holds: ConformanceTableTests.ticketIsKeptAtMostSevenDays)) {
            try .connectedClient(client: { $0.sessionStore = InMemoryClientSessionStore(reuseTickets: true) }) { cipher in
                let ticket = NewSessionTicket(lifetime: .max, ageAdd: 1, nonce: [0], ticket: [1, 2, 3])
                return try cipher.seal(.handshake, HandshakeMessage.newSessionTicket(ticket).encoded())
            }
        },
        // §4.6.3: a KeyUpdate before Finished is an unexpected_message; request_update is 0 or 1.
        Row("§4.6.3", "KeyUpdate inside the server's first flight", .client, .fails(.unexpectedMessage, .peerMisbehaved, .protected)) {
            try .clientReceivingServerFlight(forging: {
                $0.insert(HandshakeMessage.keyUpdate(KeyUpdate(request: .notRequested)).encoded(), at: 1)
            })
        },
        Row("§4.6.3", "KeyUpdate with request_update 2", .server, .fails(.illegalParameter, .peerMisbehaved, .protected)) {
            try .connectedServer { _, cipher in try cipher.seal(.handshake, [HandshakeType.keyUpdate.rawValue, 0, 0, 1, 2]) }
        },
        // §5: an unexpected record type is an unexpected_message: application data before the handshake
        // completes (§4.4.4: it follows Finished) is one.
        Row("§5", "application data before the handshake", .server, .fails(.unexpectedMessage, .peerMisbehaved, .plaintext)) {
            try .server(receiving: WireRecords.record(.applicationData, Array(repeating: 7, count: 40)))
        },
        Row("§5", "application data record before the ServerHello", .client, .fails(.unexpectedMessage, .peerMisbehaved, .plaintext)) {
            try .client { _ in WireRecords.record(.applicationData, Array(repeating: 7, count: 40)) }
        },
        Row("§5", "application data under the server's handshake keys", .client, .fails(.unexpectedMessage, .peerMisbehaved, .protected)) {
            try .clientReceivingServerFlight(resealing: { _, cipher in try cipher.seal(.applicationData, Array("too early".utf8)) })
        },
        // §5.1: a plaintext record holds at most 2^14 bytes; an alert record holds exactly one alert; no other
        Row("§5.1", "KeyUpdate split around an application data record", .server, .fails(.unexpectedMessage, .peerMisbehaved, .protected)) {
            try .connectedServer { _, cipher in
                try cipher.seal(.handshake, [HandshakeType.keyUpdate.rawValue, 0]) + cipher.seal(.applicationData, [1])
                    + cipher.seal(.handshake, [0, 1, 0])
            }
        },
        // record comes between the pieces of a handshake message.
        Row("§5.1", "record length over 2^14 + 256", .server, .fails(.recordOverflow, .peerMisbehaved, .plaintext)) {
            try .server(receiving: [0x16, 0x03, 0x03, 0x41, 0x01])
        },
        Row("§5.1", "alert record of three bytes", .server, .fails(.decodeError, .peerMisbehaved, .plaintext)) {
            try .server(receiving: WireRecords.record(.alert, [2, 40, 0]))
        },
        Row("§5.1", "NewSessionTicket split around an application data record", .client, .fails(.unexpectedMessage, .peerMisbehaved, .protected)) {
            try .connectedClient { cipher in
                let ticket = HandshakeMessage.newSessionTicket(NewSessionTicket(lifetime: 60, ageAdd: 1, nonce: [0], ticket: [1, 2, 3]))
                let bytes = ticket.encoded()
                return try cipher.seal(.handshake, Array(bytes.prefix(6))) + cipher.seal(.applicationData, Array("between".utf8))
                    + cipher.seal(.handshake, Array(bytes.dropFirst(6)))
            }
        },
        // §5.2: a record that does not decrypt is a bad_record_mac; a protected record holds at most 2^14 + 256 bytes.
        Row("§5.2", "application data record with a flipped tag bit", .server, .fails(.badRecordMAC, .peerMisbehaved, .protected)) {
            try .connectedServer { _, cipher in
                var record = try cipher.seal(.applicationData, Array("attack at dawn".utf8))
                record[record.count - 1] ^= 0x01
                return record
            }
        },
        Row("§5.2", "server flight with a flipped tag bit", .client, .fails(.badRecordMAC, .peerMisbehaved, .protected)) {
            try .clientReceivingServerFlight(tampering: { $0[$0.count - 1] ^= 0x01 })
        },
        Row("§5.2", "protected record length over 2^14 + 256", .server, .fails(.recordOverflow, .peerMisbehaved, .protected)) {
            try .connectedServer { _, _ in [0x17, 0x03, 0x03, 0x41, 0x01] }
        },
        Row("§5.2", "early data after the client's second flight opened", .server, .fails(.badRecordMAC, .peerMisbehaved, .protected)) {
            try .serverReceivingRewrittenHello(changing: { $0.extensions.earlyData = true }, followedBy: earlyDataRecords(100)) { client, server in
                try ConformanceScenario.completeHandshake(client, server)
                try server.receive(earlyDataRecords(100))
            }
        },
        // §5.4: a protected handshake or alert record with zero-length content is an unexpected_message.
        Row("§5.4", "empty handshake content under the server's handshake keys", .client, .fails(.unexpectedMessage, .peerMisbehaved, .protected)) {
            try .clientReceivingServerFlight(resealing: { messages, cipher in
                try cipher.seal(.handshake, []) + cipher.seal(.handshake, messages.flatMap { $0 })
            })
        },
        Row("§5.4", "empty alert content under the server's application keys", .client, .fails(.unexpectedMessage, .peerMisbehaved, .protected)) {
            try .connectedClient { cipher in try cipher.seal(.alert, []) }
        },
        Row("§5.4", "empty handshake content under the client's handshake keys", .server, .fails(.unexpectedMessage, .peerMisbehaved, .protected)) {
            try .serverAwaitingClientFlight { try $0.seal(.handshake, []) }
        },
        Row("§5.4", "padded empty handshake content under the client's handshake keys", .server, .fails(.unexpectedMessage, .peerMisbehaved, .protected)) {
            try .serverAwaitingClientFlight { try $0.seal(.handshake, [], padding: 16) }
        },
        Row("§5.4", "empty alert content under the client's handshake keys", .server, .fails(.unexpectedMessage, .peerMisbehaved, .protected)) {
            try .serverAwaitingClientFlight { try $0.seal(.alert, []) }
        },
        Row("§5.4", "empty handshake content under the client's application keys", .server, .fails(.unexpectedMessage, .peerMisbehaved, .protected)) {
            try .connectedServer { _, cipher in try cipher.seal(.handshake, []) }
        },
        Row("§5.4", "padded empty alert content under the client's application keys", .server, .fails(.unexpectedMessage, .peerMisbehaved, .protected)) {
            try .connectedServer { _, cipher in try cipher.seal(.alert, [], padding: 32) }
        },
        Row("§5.4", "empty plaintext alert record", .server, .fails(.unexpectedMessage, .peerMisbehaved, .plaintext)) {
            try .server(receiving: WireRecords.record(.alert, []))
        },
        // §6: a message that cannot be parsed by its syntax is a decode_error.
        Row("§6", "ClientHello body that does not decode", .server, .fails(.decodeError, .peerMisbehaved, .plaintext)) {
            try .server(receiving: WireRecords.record(.handshake, [HandshakeType.clientHello.rawValue, 0, 0, 4, 0xDE, 0xAD, 0xBE, 0xEF]))
        },
        // §6.1: after close_notify, whatever the peer sends is ignored.
        Row("§6.1", "protected application data after close_notify, same receive", .server, .ignored) {
            try .connectedServer { _, cipher in
                try cipher.seal(.alert, [1, AlertDescription.closeNotify.rawValue]) + cipher.seal(.applicationData, Array("late".utf8))
            }
        },
        Row("§6.1", "bad records and a fatal alert after close_notify, later receives", .server, .ignored) {
            try .connectedServer(peerCloses: true) { _, _ in
                WireRecords.record(.applicationData, Array(repeating: 0xAA, count: 32)) + WireRecords.record(ContentType(rawValue: 0x20), [1])
                    + WireRecords.record(.alert, [2, AlertDescription.handshakeFailure.rawValue]) + [0x17, 0x03, 0x03, 0xFF, 0xFF]
            }
        },
        // §9.2: a TLS 1.3 ClientHello with supported_groups carries key_share, or the server sends missing_extension.
        Row("§9.2", "ClientHello without key_share", .server, .fails(.missingExtension, .peerMisbehaved, .plaintext)) {
            try .serverReceivingHello(changing: { $0.extensions.keyShares = nil })
        },
        // Appendix D.5: a Hello whose legacy_version is 0x0300 (SSL 3.0) or less is refused with protocol_version,
        // whatever supported_versions offers.
        Row("D.5", "ServerHello legacy_version 0x0300", .client, .fails(.protocolVersion, .unsupportedProtocolVersion, .plaintext)) {
            try .client { ConformanceScenario.serverHello(answering: $0) { $0.legacyVersion = 0x0300 } }
        },
    ] + [0x0000, 0x0001, 0x0002, 0x0100, 0x0102, 0x0103, 0x0200, 0x0300].map { (version: UInt16) in
        Row("D.5", "ClientHello legacy_version 0x\(String(format: "%04x", version))", .server, .fails(.protocolVersion, .unsupportedProtocolVersion, .plaintext)) {
            try .serverReceivingHello(changing: { $0.legacyVersion = version })
        }
    } + [
        // RFC 7301 §3.2: ALPN with no protocol in common is a no_application_protocol.
        Row("RFC 7301 §3.2", "no application protocol in common", .server, .fails(.noApplicationProtocol, .handshakeFailure, .plaintext)) {
            try .serverReceivingHello(client: { $0.applicationProtocols = ["h2"] }, server: { $0.applicationProtocols = ["http/1.1"] })
        },
        // TLSKit's own bounds (ConnectionLimits): no RFC sets them; each alert is the one the mapping gives its reason.
        // draft-ietf-tls-ecdhe-mlkem §3.1: each part of a hybrid share is checked, and any failure is an
        // illegal_parameter: the shares' lengths, the server's FIPS 203 §7.2 check of the client's
        // encapsulation key, the ECDH part as RFC 8446 §4.2.8.2 and §7.4.2 check it alone.
        Row(ConformanceTableTests.hybrid, "X25519MLKEM768 key share of 1,215 bytes", .server, .fails(.illegalParameter, .peerMisbehaved, .plaintext)) {
            try .serverReceivingHello(client: ConformanceTableTests.sharing(.X25519MLKEM768), changing: { $0.extensions.keyShares?[0].keyExchange.removeLast() })
        },
        Row(ConformanceTableTests.hybrid, "SecP384r1MLKEM1024 key share of 1,666 bytes", .server, .fails(.illegalParameter, .peerMisbehaved, .plaintext)) {
            try .serverReceivingHello(client: ConformanceTableTests.sharing(.SecP384r1MLKEM1024), changing: { $0.extensions.keyShares?[0].keyExchange.append(0) })
        },
        Row(ConformanceTableTests.hybrid, "ML-KEM-768 encapsulation key with a coefficient ≥ q", .server, .fails(.illegalParameter, .peerMisbehaved, .plaintext)) {
            // The first 12-bit coefficient becomes 4095; q is 3329.
            try .serverReceivingHello(
                client: ConformanceTableTests.sharing(.X25519MLKEM768),
                changing: {
                    $0.extensions.keyShares?[0].keyExchange[0] = 0xFF
                    $0.extensions.keyShares?[0].keyExchange[1] |= 0x0F
                })
        },
        Row(ConformanceTableTests.hybrid, "X25519MLKEM768 share whose X25519 part is zero", .server, .fails(.illegalParameter, .peerMisbehaved, .plaintext)) {
            try .serverReceivingHello(
                client: ConformanceTableTests.sharing(.X25519MLKEM768),
                changing: { $0.extensions.keyShares?[0].keyExchange.replaceSubrange(1184..., with: [UInt8](repeating: 0, count: 32)) })
        },
        Row(ConformanceTableTests.hybrid, "SecP256r1MLKEM768 share whose point is off the curve", .server, .fails(.illegalParameter, .peerMisbehaved, .plaintext)) {
            try .serverReceivingHello(client: ConformanceTableTests.sharing(.SecP256r1MLKEM768), changing: { $0.extensions.keyShares?[0].keyExchange[64] ^= 1 })
        },
        Row(ConformanceTableTests.hybrid, "X25519MLKEM768 ciphertext one byte short", .client, .fails(.illegalParameter, .peerMisbehaved, .plaintext)) {
            try .client(configuration: ConformanceTableTests.sharing(.X25519MLKEM768)) {
                ConformanceScenario.serverHello(answering: $0, share: .X25519MLKEM768) { $0.extensions.keyShare?.keyExchange.remove(at: 0) }
            }
        },
        Row(ConformanceTableTests.hybrid, "SecP384r1MLKEM1024 server share one byte long", .client, .fails(.illegalParameter, .peerMisbehaved, .plaintext)) {
            try .client(configuration: ConformanceTableTests.sharing(.SecP384r1MLKEM1024)) {
                ConformanceScenario.serverHello(answering: $0, share: .SecP384r1MLKEM1024) { $0.extensions.keyShare?.keyExchange.append(0) }
            }
        },
        Row(ConformanceTableTests.hybrid, "SecP256r1MLKEM768 server point off the curve", .client, .fails(.illegalParameter, .peerMisbehaved, .plaintext)) {
            try .client(configuration: ConformanceTableTests.sharing(.SecP256r1MLKEM768)) {
                ConformanceScenario.serverHello(answering: $0, share: .SecP256r1MLKEM768) { $0.extensions.keyShare?.keyExchange[64] ^= 1 }
            }
        },
        Row("limits", "unread application data over maximumBufferedPlaintext", .server, .fails(.internalError, .limitExceeded, .protected)) {
            try .connectedServer(limits: { $0.maximumBufferedPlaintext = 20_000 }) { _, cipher in
                try cipher.seal(.applicationData, Array(repeating: 7, count: 16_384))
                    + cipher.seal(.applicationData, Array(repeating: 7, count: 16_384))
            }
        },
        Row("limits", "handshake message over maximumHandshakeMessageSize", .server, .fails(.decodeError, .limitExceeded, .plaintext)) {
            try .server(
                receiving: WireRecords.record(.handshake, [HandshakeType.clientHello.rawValue, 0x00, 0x10, 0x01]),
                limits: {
                    $0.maximumHandshakeMessageSize = 4_096
                })
        },
        Row("limits", "server chain over maximumCertificateChainLength", .client, .fails(.badCertificate, .limitExceeded, .protected)) {
            let leaf = BadInput.certified
            let padded = try CertifiedKey(chain: Array(repeating: leaf.chain[0], count: 3), privateKey: leaf.privateKey)
            return try .clientReceivingServerFlight(certified: padded, trusting: leaf, limits: { $0.maximumCertificateChainLength = 2 })
        },
        Row("limits", "empty records over maximumEmptyRecordsInARow", .server, .fails(.unexpectedMessage, .limitExceeded, .protected)) {
            try .connectedServer(limits: { $0.maximumEmptyRecordsInARow = 4 }) { _, cipher in
                try (0..<5).flatMap { _ in try cipher.seal(.applicationData, []) }
            }
        },
        Row("limits", "KeyUpdates over maximumKeyUpdatesInARow", .server, .fails(.unexpectedMessage, .limitExceeded, .protected)) {
            try .connectedServer(limits: { $0.maximumKeyUpdatesInARow = 3 }) { client, _ in
                for _ in 0..<4 { try client.updateKeys() }
                return client.takeOutput()
            }
        },
        Row("limits", "ClientHello over maximumBytesBeforeHandshake", .server, .fails(.unexpectedMessage, .limitExceeded, .plaintext)) {
            try .serverReceivingHello(
                server: { $0.limits.maximumBytesBeforeHandshake = 1_000 },
                changing: { $0.extensions.other.append(RawExtension(type: .padding, data: Array(repeating: 0, count: 1_200))) })
        },
        Row("limits", "server flight over maximumBytesBeforeHandshake", .client, .fails(.unexpectedMessage, .limitExceeded, .protected)) {
            // The ServerHello and change_cipher_spec fit; the protected rest of the flight does not.
            try .clientReceivingServerFlight(limits: { $0.maximumBytesBeforeHandshake = 300 })
        },
    ]

    /// The section of the hybrid rows.
    static let hybrid = "draft-ietf-tls-ecdhe-mlkem §3.1"

    /// A client offering `group` and x25519, with a key share for `group` only.
    static func sharing(_ group: NamedGroup) -> @Sendable (inout ClientConfiguration) -> Void {
        { configuration in
            configuration.groups = [group, .x25519]
            configuration.keyShareGroups = [group]
        }
    }

    /// RFC 8446 §4.6.1: "Clients MUST NOT cache tickets for longer than 7 days, regardless of the
    /// ticket_lifetime": the session made of the ticket says 7 days, and the store lets it go then.
    /// The server counts the offer of early data it skipped, once, as not allowed: it accepts none.
    static func earlyDataIsDeclinedOnce(_ connection: TLSConnection, _ name: String) {
        earlyDataIsDeclinedOnce(connection, name, reason: .notAllowed)
    }

    /// After a HelloRetryRequest, the offer is declined as such (RFC 8446 §4.1.2).
    static func earlyDataIsDeclinedOnceAfterHelloRetryRequest(_ connection: TLSConnection, _ name: String) {
        earlyDataIsDeclinedOnce(connection, name, reason: .afterHelloRetryRequest)
    }

    static func earlyDataIsDeclinedOnce(_ connection: TLSConnection, _ name: String, reason: EarlyDataRejection) {
        guard let server = connection as? ServerConnection else { return XCTFail("\(name): not a server") }
        let snapshot = server.configuration.statistics.snapshot()
        XCTAssertEqual(snapshot.earlyDataOffered, 1, "\(name): offered once")
        XCTAssertEqual(snapshot.earlyDataAccepted, 0, "\(name): never accepted")
        XCTAssertEqual(snapshot.earlyDataRejected[reason], 1, "\(name): declined as \(reason)")
        XCTAssertEqual(snapshot.earlyDataRejected.values.reduce(0, +), 1, "\(name): and for no other reason")
        XCTAssertEqual(server.earlyDataStatus, .rejected, "\(name): the status says so")
    }

    static func ticketIsKeptAtMostSevenDays(_ connection: TLSConnection, _ name: String) {
        var sessions: [ClientSession] = []
        while let event = connection.nextEvent() {
            if case .sessionTicketReceived(let session) = event { sessions.append(session) }
        }
        guard sessions.count == 1, let session = sessions.first else { return XCTFail("\(name): \(sessions.count) sessions, expected 1") }
        XCTAssertEqual(session.lifetime, ClientSession.maximumLifetime, "\(name): the lifetime is capped")
        let store = (connection as? ClientConnection)?.configuration.sessionStore
        let sevenDays = TimeInterval(ClientSession.maximumLifetime)
        XCTAssertEqual(store?.take(serverName: "localhost", now: session.receivedAt + sevenDays - 1), session, "\(name): kept for 7 days")
        XCTAssertNil(store?.take(serverName: "localhost", now: session.receivedAt + sevenDays), "\(name): and no longer")
    }

    func testEveryRowHolds() {
        let rows = Self.rows
        XCTAssertEqual(Set(rows.map(\.name)).count, rows.count, "row names are unique")
        let sections = rows.map(\.section).reduce(into: [String]()) { if $0.last != $1 { $0.append($1) } }
        XCTAssertEqual(Set(sections).count, sections.count, "the rows of each section are together: \(sections)")
        for row in rows { run(row) }

        var covered = Set<AlertDescription>()
        for row in rows { if case .fails(let alert, _, _) = row.expectation { covered.insert(alert) } }
        for alert in Self.sendableAlerts {
            XCTAssertTrue(covered.contains(alert), "no row sends \(alert)")
        }
        XCTAssertTrue(rows.contains { if case .ignored = $0.expectation { return true } else { return false } }, "no close_notify row")
        print("conformance table: \(rows.count) rows")
    }

    private func run(_ row: Row) {
        let name = "\(row.section) \(row.name) [\(row.side.rawValue)]"
        let scenario: ConformanceScenario
        do {
            scenario = try row.scenario()
        } catch {
            return XCTFail("\(name): the scenario could not be set up: \(error)")
        }
        XCTAssertEqual(scenario.connection is ClientConnection ? Side.client : .server, row.side, "\(name): receiving side")
        switch row.expectation {
        case .fails(let alert, let code, let wire):
            guard let failure = assertFails(scenario.connection, sending: alert, code: code, name, scenario.input) else { return }
            switch wire {
            case .plaintext:
                assertPlaintextAlert(failure.output, alert, name)
            case .protected:
                let records = (try? WireRecords.split(failure.output)) ?? []
                XCTAssertFalse(records.contains { $0.contentType == .alert }, "\(name): the alert is not plaintext")
                XCTAssertEqual(records.last?.contentType, .applicationData, "\(name): the alert is protected")
                XCTAssertNotNil(scenario.peer, "\(name): a protected alert needs the real peer to read it")
            }
            if let peer = scenario.peer { assertPeerReceivesAlert(failure.output, peer: peer, alert, name) }
        case .completes(let holds):
            XCTAssertNoThrow(try scenario.input(), "\(name): accepted")
            let connection = scenario.connection
            XCTAssertNil(connection.error, name)
            XCTAssertTrue(connection.isHandshakeComplete, "\(name): the handshake completes")
            let output = connection.takeOutput()
            XCTAssertFalse(((try? WireRecords.split(output)) ?? []).contains { $0.contentType == .alert }, "\(name): no alert")
            if let peer = scenario.peer { XCTAssertNoThrow(try peer.receive(output), "\(name): the peer accepts what follows") }
            holds(connection, name)
        case .ignored:
            XCTAssertNoThrow(try scenario.input(), "\(name): ignored")
            let connection = scenario.connection
            XCTAssertNil(connection.error, name)
            XCTAssertTrue(connection.isPeerClosed, name)
            XCTAssertNil(connection.readApplicationData(), "\(name): nothing is read")
            XCTAssertEqual(connection.takeOutput(), [], "\(name): nothing is answered")
        }
    }
}
