import Crypto
import XCTest

@testable import TLSKit

final class KeyScheduleTests: XCTestCase {
    private func bytes(_ key: SymmetricKey) -> [UInt8] { key.withUnsafeBytes { Array($0) } }
    private func hex(_ string: String) -> [UInt8] { RFC8448SimpleHandshake.bytes(string) }

    func testSuiteParameters() {
        XCTAssertTrue(CipherSuite.TLS_AES_128_GCM_SHA256.isSupported)
        XCTAssertTrue(CipherSuite.TLS_AES_256_GCM_SHA384.isSupported)
        XCTAssertTrue(CipherSuite.TLS_CHACHA20_POLY1305_SHA256.isSupported)
        XCTAssertFalse(CipherSuite(rawValue: 0x1304).isSupported)
        XCTAssertFalse(CipherSuite(rawValue: 0xC02F).isSupported)
        XCTAssertEqual(CipherSuite.TLS_AES_128_GCM_SHA256.hashLength, 32)
        XCTAssertEqual(CipherSuite.TLS_AES_256_GCM_SHA384.hashLength, 48)
        XCTAssertEqual(CipherSuite.TLS_CHACHA20_POLY1305_SHA256.hashLength, 32)
        XCTAssertEqual(CipherSuite.TLS_AES_128_GCM_SHA256.keyLength, 16)
        XCTAssertEqual(CipherSuite.TLS_AES_256_GCM_SHA384.keyLength, 32)
        XCTAssertEqual(CipherSuite.TLS_CHACHA20_POLY1305_SHA256.keyLength, 32)
    }

    /// Exported keying material from OpenSSL 3.0 (`s_client -keymatexport "EXPERIMENTAL tlskit"
    /// -keymatexportlen 40`, no context) over TLS_AES_256_GCM_SHA384, with the
    /// EXPORTER_SECRET from its key log.
    func testExporterMatchesOpenSSL() {
        let exporterSecret = SymmetricKey(data: hex("""
            ff156faa3d9cb6aec8d553f99dd52e7a1c4ac0e59c3b151aa499cb76b6e5de96f030b0efd7d9989eba85afef539c840f
            """))
        let output = KeySchedule.Exporter(testingSuite: .TLS_AES_256_GCM_SHA384, secret: exporterSecret)
            .keyingMaterial(label: "EXPERIMENTAL tlskit", context: [], length: 40)
        XCTAssertEqual(output, hex("C8EA4EC07967438F3898C57A0358BF43CB04F1F41F40D0922EBC30979DADD0CE3D6831640DA0CE8F"))
    }

    /// RFC 8446 §7.5, spelled out with swift-crypto's HKDF and the RFC 8448 exporter_master_secret.
    func testExporterFollowsRFC8446Section7_5() {
        let suite = CipherSuite.TLS_AES_128_GCM_SHA256
        let secret = SymmetricKey(data: RFC8448SimpleHandshake.exporterMasterSecret)
        let label = "EXPORTER-Channel-Binding"
        let context: [UInt8] = Array("some context".utf8)

        func info(_ label: String, _ context: [UInt8], _ length: Int) -> [UInt8] {
            let fullLabel = Array("tls13 \(label)".utf8)
            return [UInt8(length >> 8), UInt8(length & 0xFF), UInt8(fullLabel.count)] + fullLabel + [UInt8(context.count)] + context
        }
        let emptyHash = Array(SHA256.hash(data: [UInt8]()))
        let derived = HKDF<SHA256>.expand(pseudoRandomKey: secret, info: info(label, emptyHash, 32), outputByteCount: 32)
        let contextHash = Array(SHA256.hash(data: context))
        let expected = HKDF<SHA256>.expand(pseudoRandomKey: derived, info: info("exporter", contextHash, 32), outputByteCount: 32)

        let exporter = KeySchedule.Exporter(testingSuite: suite, secret: secret)
        let output = exporter.keyingMaterial(label: label, context: context, length: 32)
        XCTAssertEqual(output, bytes(expected))
        XCTAssertEqual(output, exporter.keyingMaterial(label: label, context: context, length: 32), "the exporter is deterministic")
        XCTAssertNotEqual(output, exporter.keyingMaterial(label: label, context: [], length: 32))
        XCTAssertNotEqual(output, exporter.keyingMaterial(label: "other", context: context, length: 32))
        XCTAssertEqual(exporter.keyingMaterial(label: label, context: context, length: 100).count, 100)
        XCTAssertEqual(exporter.keyingMaterial(label: label, context: context, length: 0), [])
    }

    func testNextTrafficSecretIsExpandLabelTrafficUpd() {
        let suite = CipherSuite.TLS_AES_128_GCM_SHA256
        let secret = KeyedSecret(SymmetricKey(data: RFC8448SimpleHandshake.clientApplicationTrafficSecret), hash: suite.suiteHash, provider: .default)
        let next = secret.nextTrafficSecret()
        XCTAssertEqual(bytes(next.secretForTesting), bytes(secret.expandLabel("traffic upd", context: [], length: 32)))
        XCTAssertNotEqual(bytes(next.secretForTesting), bytes(secret.secretForTesting))
        XCTAssertNotEqual(bytes(next.nextTrafficSecret().secretForTesting), bytes(next.secretForTesting))
    }

    func testSHA384SuiteDerivesFortyEightByteSecrets() {
        let suite = CipherSuite.TLS_AES_256_GCM_SHA384
        let early = KeySchedule.Early(suite: suite, psk: nil, provider: .default)
        let transcriptHash = [UInt8](repeating: 7, count: 48)
        let handshake = early.handshake(sharedSecret: SymmetricKey(data: [UInt8](repeating: 1, count: 32)))
        let master = handshake.master()
        var log = CollectedKeyLog()
        let handshakeSecrets = handshake.trafficSecrets(transcriptHash: transcriptHash, clientRandom: [], log: &log)
        let applicationSecrets = master.applicationTrafficSecrets(transcriptHash: transcriptHash, clientRandom: [], log: &log)
        let secrets = [
            early.secretForTesting, early.resumptionBinderKey().secretForTesting,
            handshake.secretForTesting, handshakeSecrets.client.secretForTesting,
            master.secretForTesting, applicationSecrets.server.secretForTesting,
            master.resumption(transcriptHash: transcriptHash).ticketPSK(nonce: [1]),
        ]
        for secret in secrets { XCTAssertEqual(secret.bitCount, 384) }
        for (label, secret) in log.secrets { XCTAssertEqual(secret.count, 48, label) }
        XCTAssertEqual(log.secrets.count, 5)
        XCTAssertEqual(applicationSecrets.client.finishedVerifyData(transcriptHash: transcriptHash).count, 48)
        XCTAssertEqual(RecordProtection.trafficKeys(suite: suite, trafficSecret: applicationSecrets.client).key.bitCount, 256)
    }

    func testPSKAndSharedSecretChangeEverySecret() {
        let suite = CipherSuite.TLS_CHACHA20_POLY1305_SHA256
        let psk = SymmetricKey(data: [UInt8](repeating: 0x42, count: 32))
        let withoutPSK = KeySchedule.Early(suite: suite, psk: nil, provider: .default)
        let withPSK = KeySchedule.Early(suite: suite, psk: psk, provider: .default)
        XCTAssertNotEqual(bytes(withPSK.secretForTesting), bytes(withoutPSK.secretForTesting))
        XCTAssertNotEqual(bytes(withPSK.resumptionBinderKey().secretForTesting), bytes(withoutPSK.resumptionBinderKey().secretForTesting))
        XCTAssertEqual(
            bytes(withoutPSK.secretForTesting), bytes(KeySchedule.Early(suite: suite, psk: KeySchedule.zeroKey(for: suite), provider: .default).secretForTesting))

        // psk_ke (no shared secret) equals a zero-filled shared secret, and differs from psk_dhe_ke.
        let pskOnly = withPSK.handshake(sharedSecret: nil)
        XCTAssertEqual(
            bytes(pskOnly.secretForTesting), bytes(withPSK.handshake(sharedSecret: KeySchedule.zeroKey(for: suite)).secretForTesting))
        let pskDHE = withPSK.handshake(sharedSecret: SymmetricKey(data: [UInt8](repeating: 9, count: 32)))
        XCTAssertNotEqual(bytes(pskOnly.secretForTesting), bytes(pskDHE.secretForTesting))
    }

    func testEarlySecretOfAPSKIsHKDFExtractWithAZeroSalt() {
        let psk256 = SymmetricKey(data: RFC8448SimpleHandshake.ticketPSK)
        XCTAssertEqual(
            bytes(KeySchedule.Early(suite: .TLS_AES_128_GCM_SHA256, psk: psk256, provider: .default).secretForTesting),
            Array(HKDF<SHA256>.extract(inputKeyMaterial: psk256, salt: [UInt8](repeating: 0, count: 32))))
        let psk384 = SymmetricKey(data: (0..<48).map { UInt8($0) })
        XCTAssertEqual(
            bytes(KeySchedule.Early(suite: .TLS_AES_256_GCM_SHA384, psk: psk384, provider: .default).secretForTesting),
            Array(HKDF<SHA384>.extract(inputKeyMaterial: psk384, salt: [UInt8](repeating: 0, count: 48))))
    }

    func testBinderKeyUsesItsLabel() {
        let suite = CipherSuite.TLS_AES_128_GCM_SHA256
        let early = KeySchedule.Early(suite: suite, psk: SymmetricKey(data: RFC8448SimpleHandshake.ticketPSK), provider: .default)
        let emptyHash = Array(SHA256.hash(data: [UInt8]()))
        XCTAssertEqual(
            bytes(early.resumptionBinderKey().secretForTesting),
            bytes(KeyedSecret(early.secretForTesting, hash: .sha256, provider: .default).deriveSecret("res binder", transcriptHash: emptyHash)))
        XCTAssertEqual(
            bytes(early.handshake(sharedSecret: nil).master().resumption(transcriptHash: emptyHash).ticketPSK(nonce: [0, 1])).count,
            32)
    }

    /// The binder computed with its keys used once on the stack is the Finished verify_data
    /// with the binder key as the base key, as RFC 8446 §4.2.11.2 defines it, on every hash and
    /// provider, computed from the HMACs themselves here.
    func testBinderIsTheFinishedOfTheBinderKey() {
        for (suite, length) in [(CipherSuite.TLS_AES_128_GCM_SHA256, 32), (.TLS_AES_256_GCM_SHA384, 48)] {
            let transcriptHash = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 7) }
            let psk = SymmetricKey(data: (0..<length).map { UInt8(truncatingIfNeeded: $0 &+ 3) })
            for provider in CryptoProvider.all {
                let early = KeySchedule.Early(suite: suite, psk: psk, provider: provider)
                let binder = early.resumptionBinder(transcriptHash: transcriptHash)
                let finished = early.resumptionBinderKey().finishedVerifyData(transcriptHash: transcriptHash)
                XCTAssertEqual(binder, finished, "\(suite), \(provider)")
                let binderKey = early.resumptionBinderKey().secretForTesting
                let finishedKey = KeyedSecret(binderKey, hash: suite.suiteHash, provider: provider)
                    .expandLabel("finished", context: [], length: length)
                let expected: [UInt8] =
                    length == 32
                    ? Array(HMAC<SHA256>.authenticationCode(for: transcriptHash, using: finishedKey))
                    : Array(HMAC<SHA384>.authenticationCode(for: transcriptHash, using: finishedKey))
                XCTAssertEqual(binder, expected, "\(suite), \(provider)")
            }
        }
    }
}
