import Crypto
import XCTest

@testable import TLSKit

final class TranscriptHashTests: XCTestCase {
    func testEmptyTranscriptIsHashOfNothing() {
        XCTAssertEqual(TranscriptHash(suite: .TLS_AES_128_GCM_SHA256).digest(), Array(SHA256.hash(data: [UInt8]())))
        XCTAssertEqual(TranscriptHash(suite: .TLS_AES_256_GCM_SHA384).digest(), Array(SHA384.hash(data: [UInt8]())))
        XCTAssertEqual(TranscriptHash(suite: .TLS_CHACHA20_POLY1305_SHA256).digest().count, 32)
    }

    func testUpdatesConcatenate() {
        var split = TranscriptHash(suite: .TLS_AES_256_GCM_SHA384)
        split.update([1, 2, 3])
        let intermediate = split.digest()
        split.update([4, 5])
        XCTAssertEqual(intermediate, Array(SHA384.hash(data: [1, 2, 3] as [UInt8])))
        XCTAssertEqual(split.digest(), Array(SHA384.hash(data: [1, 2, 3, 4, 5] as [UInt8])))
    }

    /// RFC 8446 §4.4.1: after a HelloRetryRequest, ClientHello1 is replaced by
    /// message_hash (254), 00 00 Hash.length, Hash(ClientHello1).
    func testHelloRetryRequestReplacesClientHelloWithMessageHash() {
        for suite in [CipherSuite.TLS_AES_128_GCM_SHA256, .TLS_AES_256_GCM_SHA384] {
            let clientHello1 = RFC8448SimpleHandshake.clientHello
            let helloRetryRequest: [UInt8] = [2, 0, 0, 4, 3, 3, 0xCF, 0x21]
            let hash = suite.suiteHash

            var transcript = TranscriptHash(suite: suite)
            transcript.update(clientHello1)
            transcript.restartForHelloRetryRequest()
            transcript.update(helloRetryRequest)

            let messageHash = [254, 0, 0, UInt8(hash.length)] + hash.hash(clientHello1)
            XCTAssertEqual(transcript.digest(), hash.hash(messageHash + helloRetryRequest))
            XCTAssertNotEqual(transcript.digest(), hash.hash(clientHello1 + helloRetryRequest))
        }
    }
}
