import Crypto
import XCTest

@testable import TLSKit

/// The key schedule reproduces every secret RFC 8448 §3 publishes for its simple 1-RTT handshake.
final class KeyScheduleRFC8448Tests: XCTestCase {
    private typealias Trace = RFC8448SimpleHandshake
    private let suite = CipherSuite.TLS_AES_128_GCM_SHA256

    private func bytes(_ key: SymmetricKey) -> [UInt8] { key.withUnsafeBytes { Array($0) } }

    private func transcript(_ messages: [[UInt8]]) -> TranscriptHash {
        var transcript = TranscriptHash(suite: suite, provider: .default)
        for message in messages { transcript.update(message) }
        return transcript
    }

    private var handshakeStage: KeySchedule.Handshake {
        KeySchedule.Early(suite: suite, psk: nil, provider: .default).handshake(sharedSecret: SymmetricKey(data: Trace.sharedSecret))
    }

    private func keyed(_ secret: [UInt8]) -> KeyedSecret { KeyedSecret(SymmetricKey(data: secret), hash: .sha256, provider: .default) }

    /// ClientHello.random: after the handshake header and legacy_version.
    private var clientRandom: [UInt8] { Array(Trace.clientHello[6..<38]) }

    func testTraceMessagesHaveTheirPublishedLengths() {
        XCTAssertEqual(Trace.clientHello.count, 196)
        XCTAssertEqual(Trace.serverHello.count, 90)
        XCTAssertEqual(Trace.encryptedExtensions.count, 40)
        XCTAssertEqual(Trace.certificate.count, 445)
        XCTAssertEqual(Trace.certificateVerify.count, 136)
        XCTAssertEqual(Trace.serverFinished.count, 36)
        XCTAssertEqual(Trace.clientFinished.count, 36)
    }

    func testTranscriptHashesMatchTrace() {
        var transcript = transcript([Trace.clientHello, Trace.serverHello])
        XCTAssertEqual(transcript.digest(), Trace.helloHash)
        XCTAssertEqual(transcript.digest(), Trace.helloHash, "digest() must not finalize the running state")
        for message in [Trace.encryptedExtensions, Trace.certificate, Trace.certificateVerify, Trace.serverFinished] {
            transcript.update(message)
        }
        XCTAssertEqual(transcript.digest(), Trace.serverFinishedHash)
        transcript.update(Trace.clientFinished)
        XCTAssertEqual(transcript.digest(), Trace.clientFinishedHash)
    }

    func testEarlySecretWithoutPSKMatchesTrace() {
        XCTAssertEqual(bytes(KeySchedule.Early(suite: suite, psk: nil, provider: .default).secretForTesting), Trace.earlySecret)
    }

    func testDerivedSaltsMatchTrace() {
        let derivedFromEarly = keyed(Trace.earlySecret).deriveSecret("derived", transcriptHash: Array(SHA256.hash(data: [UInt8]())))
        XCTAssertEqual(bytes(derivedFromEarly), Trace.derivedForHandshake)
        let derivedFromHandshake = keyed(Trace.handshakeSecret).deriveSecret("derived", transcriptHash: Array(SHA256.hash(data: [UInt8]())))
        XCTAssertEqual(bytes(derivedFromHandshake), Trace.derivedForMaster)
    }

    func testHandshakeSecretAndTrafficSecretsMatchTrace() {
        let handshake = handshakeStage
        XCTAssertEqual(bytes(handshake.secretForTesting), Trace.handshakeSecret)
        var log = CollectedKeyLog()
        _ = handshake.trafficSecrets(transcriptHash: Trace.helloHash, clientRandom: clientRandom, log: &log)
        XCTAssertEqual(log.secrets["CLIENT_HANDSHAKE_TRAFFIC_SECRET"], Trace.clientHandshakeTrafficSecret)
        XCTAssertEqual(log.secrets["SERVER_HANDSHAKE_TRAFFIC_SECRET"], Trace.serverHandshakeTrafficSecret)
        XCTAssertEqual(log.clientRandoms, [clientRandom])
    }

    func testMasterSecretAndApplicationSecretsMatchTrace() {
        let master = handshakeStage.master()
        XCTAssertEqual(bytes(master.secretForTesting), Trace.masterSecret)
        var log = CollectedKeyLog()
        _ = master.applicationTrafficSecrets(transcriptHash: Trace.serverFinishedHash, clientRandom: clientRandom, log: &log)
        XCTAssertEqual(log.secrets["CLIENT_TRAFFIC_SECRET_0"], Trace.clientApplicationTrafficSecret)
        XCTAssertEqual(log.secrets["SERVER_TRAFFIC_SECRET_0"], Trace.serverApplicationTrafficSecret)
        XCTAssertEqual(log.secrets["EXPORTER_SECRET"], Trace.exporterMasterSecret)
        XCTAssertEqual(log.secrets.count, 3)
    }

    func testResumptionSecretAndTicketPSKMatchTrace() {
        let resumption = handshakeStage.master().resumption(transcriptHash: Trace.clientFinishedHash)
        XCTAssertEqual(resumption.suite, suite)
        XCTAssertEqual(bytes(resumption.secretForTesting), Trace.resumptionMasterSecret)
        XCTAssertEqual(bytes(resumption.ticketPSK(nonce: Trace.ticketNonce)), Trace.ticketPSK)
    }

    func testTrafficKeysAndIVsMatchTrace() {
        let cases: [([UInt8], [UInt8], [UInt8])] = [
            (Trace.serverHandshakeTrafficSecret, Trace.serverHandshakeKey, Trace.serverHandshakeIV),
            (Trace.clientHandshakeTrafficSecret, Trace.clientHandshakeKey, Trace.clientHandshakeIV),
            (Trace.serverApplicationTrafficSecret, Trace.serverApplicationKey, Trace.serverApplicationIV),
            (Trace.clientApplicationTrafficSecret, Trace.clientApplicationKey, Trace.clientApplicationIV),
        ]
        for (secret, key, iv) in cases {
            let keys = RecordProtection.trafficKeys(suite: suite, trafficSecret: SymmetricKey(data: secret))
            XCTAssertEqual(bytes(keys.key), key)
            XCTAssertEqual(keys.iv, iv)
        }
    }

    func testFinishedKeyAndVerifyDataMatchTrace() {
        let serverSecret = keyed(Trace.serverHandshakeTrafficSecret)
        let finishedKey = serverSecret.expandLabel("finished", context: [], length: 32)
        XCTAssertEqual(bytes(finishedKey), Trace.serverFinishedKey)

        let beforeServerFinished = transcript([
            Trace.clientHello, Trace.serverHello, Trace.encryptedExtensions, Trace.certificate, Trace.certificateVerify,
        ])
        XCTAssertEqual(serverSecret.finishedVerifyData(transcriptHash: beforeServerFinished.digest()), Trace.serverVerifyData)
        XCTAssertEqual(keyed(Trace.clientHandshakeTrafficSecret).finishedVerifyData(transcriptHash: Trace.serverFinishedHash), Trace.clientVerifyData)
    }

    func testExpandLabelEncodesHkdfLabel() {
        // The trace prints the info of "s hs traffic": 00 20 12 "tls13 s hs traffic" 20 <hash>.
        let secret = SymmetricKey(data: Trace.handshakeSecret)
        var info: [UInt8] = [0x00, 0x20, 0x12] + Array("tls13 s hs traffic".utf8) + [0x20]
        info += Trace.helloHash
        let expected = HKDF<SHA256>.expand(pseudoRandomKey: secret, info: info, outputByteCount: 32)
        XCTAssertEqual(
            bytes(keyed(Trace.handshakeSecret).expandLabel("s hs traffic", context: Trace.helloHash, length: 32)),
            bytes(expected))
    }
}

/// What the stages write to the key log: the one way tests read traffic secrets as bytes.
struct CollectedKeyLog: SecretLog {
    private(set) var secrets: [String: [UInt8]] = [:]
    private(set) var clientRandoms: Set<[UInt8]> = []

    mutating func logSecret(_ label: String, clientRandom: [UInt8], _ secret: @autoclosure () -> SymmetricKey) {
        secrets[label] = secret().withUnsafeBytes { Array($0) }
        clientRandoms.insert(clientRandom)
    }
}
