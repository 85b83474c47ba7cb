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
        let output = KeySchedule.exportKeyingMaterial(
            suite: .TLS_AES_256_GCM_SHA384, exporterMasterSecret: exporterSecret, label: "EXPERIMENTAL tlskit",
            context: [], length: 40)
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

        let output = KeySchedule.exportKeyingMaterial(
            suite: suite, exporterMasterSecret: secret, label: label, context: context, length: 32)
        XCTAssertEqual(output, bytes(expected))
        XCTAssertEqual(
            output,
            KeySchedule.exportKeyingMaterial(suite: suite, exporterMasterSecret: secret, label: label, context: context, length: 32),
            "the exporter is deterministic")
        XCTAssertNotEqual(
            output,
            KeySchedule.exportKeyingMaterial(suite: suite, exporterMasterSecret: secret, label: label, context: [], length: 32))
        XCTAssertNotEqual(
            output,
            KeySchedule.exportKeyingMaterial(suite: suite, exporterMasterSecret: secret, label: "other", context: context, length: 32))
        XCTAssertEqual(
            KeySchedule.exportKeyingMaterial(suite: suite, exporterMasterSecret: secret, label: label, context: context, length: 100).count,
            100)
        XCTAssertEqual(
            KeySchedule.exportKeyingMaterial(suite: suite, exporterMasterSecret: secret, label: label, context: context, length: 0), [])
    }

    func testNextTrafficSecretIsExpandLabelTrafficUpd() {
        let suite = CipherSuite.TLS_AES_128_GCM_SHA256
        let secret = SymmetricKey(data: RFC8448SimpleHandshake.clientApplicationTrafficSecret)
        let next = KeySchedule.nextTrafficSecret(suite: suite, secret: secret)
        XCTAssertEqual(bytes(next), bytes(KeySchedule.expandLabel(suite: suite, secret: secret, label: "traffic upd", context: [], length: 32)))
        XCTAssertNotEqual(bytes(next), bytes(secret))
        XCTAssertNotEqual(bytes(KeySchedule.nextTrafficSecret(suite: suite, secret: next)), bytes(next))
    }

    func testSHA384SuiteDerivesFortyEightByteSecrets() {
        let suite = CipherSuite.TLS_AES_256_GCM_SHA384
        let early = KeySchedule.Early(suite: suite, psk: nil)
        let transcriptHash = [UInt8](repeating: 7, count: 48)
        let handshake = early.handshake(sharedSecret: SymmetricKey(data: [UInt8](repeating: 1, count: 32)))
        let master = handshake.master()
        let secrets = [
            early.secret, early.resumptionBinderKey(),
            handshake.secret, handshake.clientTrafficSecret(transcriptHash: transcriptHash),
            master.secret, master.serverTrafficSecret(transcriptHash: transcriptHash),
            master.resumption(transcriptHash: transcriptHash).ticketPSK(nonce: [1]),
        ]
        for secret in secrets { XCTAssertEqual(secret.bitCount, 384) }
        XCTAssertEqual(KeySchedule.finishedVerifyData(suite: suite, baseKey: master.secret, transcriptHash: transcriptHash).count, 48)
        XCTAssertEqual(RecordProtection.trafficKeys(suite: suite, trafficSecret: master.secret).key.bitCount, 256)
    }

    func testPSKAndSharedSecretChangeEverySecret() {
        let suite = CipherSuite.TLS_CHACHA20_POLY1305_SHA256
        let psk = SymmetricKey(data: [UInt8](repeating: 0x42, count: 32))
        let withoutPSK = KeySchedule.Early(suite: suite, psk: nil)
        let withPSK = KeySchedule.Early(suite: suite, psk: psk)
        XCTAssertNotEqual(bytes(withPSK.secret), bytes(withoutPSK.secret))
        XCTAssertNotEqual(bytes(withPSK.resumptionBinderKey()), bytes(withoutPSK.resumptionBinderKey()))
        XCTAssertEqual(bytes(withoutPSK.secret), bytes(KeySchedule.Early(suite: suite, psk: KeySchedule.zeroKey(for: suite)).secret))

        // psk_ke (no shared secret) equals a zero-filled shared secret, and differs from psk_dhe_ke.
        let pskOnly = withPSK.handshake(sharedSecret: nil)
        XCTAssertEqual(bytes(pskOnly.secret), bytes(withPSK.handshake(sharedSecret: KeySchedule.zeroKey(for: suite)).secret))
        let pskDHE = withPSK.handshake(sharedSecret: SymmetricKey(data: [UInt8](repeating: 9, count: 32)))
        XCTAssertNotEqual(bytes(pskOnly.secret), bytes(pskDHE.secret))
    }

    func testEarlySecretOfAPSKIsHKDFExtractWithAZeroSalt() {
        let psk256 = SymmetricKey(data: RFC8448SimpleHandshake.ticketPSK)
        XCTAssertEqual(
            bytes(KeySchedule.Early(suite: .TLS_AES_128_GCM_SHA256, psk: psk256).secret),
            Array(HKDF<SHA256>.extract(inputKeyMaterial: psk256, salt: [UInt8](repeating: 0, count: 32))))
        let psk384 = SymmetricKey(data: (0..<48).map { UInt8($0) })
        XCTAssertEqual(
            bytes(KeySchedule.Early(suite: .TLS_AES_256_GCM_SHA384, psk: psk384).secret),
            Array(HKDF<SHA384>.extract(inputKeyMaterial: psk384, salt: [UInt8](repeating: 0, count: 48))))
    }

    func testBinderKeyUsesItsLabel() {
        let suite = CipherSuite.TLS_AES_128_GCM_SHA256
        let early = KeySchedule.Early(suite: suite, psk: SymmetricKey(data: RFC8448SimpleHandshake.ticketPSK))
        let emptyHash = Array(SHA256.hash(data: [UInt8]()))
        XCTAssertEqual(
            bytes(early.resumptionBinderKey()),
            bytes(KeySchedule.deriveSecret(suite: suite, secret: early.secret, label: "res binder", transcriptHash: emptyHash)))
        XCTAssertEqual(
            bytes(KeySchedule.Resumption(suite: suite, secret: SymmetricKey(data: RFC8448SimpleHandshake.resumptionMasterSecret))
                .ticketPSK(nonce: [0, 1])).count,
            32)
    }
}
