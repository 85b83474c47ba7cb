import Crypto
import XCTest

@testable import TLSKit

/// The transcript hash is the same on every crypto provider.
final class TranscriptHashTests: XCTestCase {
    func testEmptyTranscriptIsHashOfNothing() {
        for provider in CryptoProvider.all {
            XCTAssertEqual(TranscriptHash(suite: .TLS_AES_128_GCM_SHA256, provider: provider).digest(), Array(SHA256.hash(data: [UInt8]())))
            XCTAssertEqual(TranscriptHash(suite: .TLS_AES_256_GCM_SHA384, provider: provider).digest(), Array(SHA384.hash(data: [UInt8]())))
            XCTAssertEqual(TranscriptHash(suite: .TLS_CHACHA20_POLY1305_SHA256, provider: provider).digest().count, 32)
        }
    }

    func testUpdatesConcatenate() {
        for provider in CryptoProvider.all {
            for suite in [CipherSuite.TLS_AES_128_GCM_SHA256, .TLS_AES_256_GCM_SHA384] {
                var split = TranscriptHash(suite: suite, provider: provider)
                split.update([1, 2, 3])
                let intermediate = split.digest()
                split.update([4, 5])
                split.update(([9, 6, 7] as [UInt8])[1...])
                XCTAssertEqual(intermediate, suite.suiteHash.hash([1, 2, 3]), "\(provider)")
                XCTAssertEqual(split.digest(), suite.suiteHash.hash([1, 2, 3, 4, 5, 6, 7]), "\(provider)")
            }
        }
    }

    /// RFC 8446 §4.4.1: after a HelloRetryRequest, ClientHello1 is replaced by
    /// message_hash (254), 00 00 Hash.length, Hash(ClientHello1).
    func testHelloRetryRequestReplacesClientHelloWithMessageHash() {
        for provider in CryptoProvider.all {
            for suite in [CipherSuite.TLS_AES_128_GCM_SHA256, .TLS_AES_256_GCM_SHA384] {
                let clientHello1 = RFC8448SimpleHandshake.clientHello
                let helloRetryRequest: [UInt8] = [2, 0, 0, 4, 3, 3, 0xCF, 0x21]
                let hash = suite.suiteHash

                var transcript = TranscriptHash(suite: suite, provider: provider)
                transcript.update(clientHello1)
                transcript.restartForHelloRetryRequest()
                transcript.update(helloRetryRequest)

                let messageHash = [254, 0, 0, UInt8(hash.length)] + hash.hash(clientHello1)
                XCTAssertEqual(transcript.digest(), hash.hash(messageHash + helloRetryRequest))
                XCTAssertNotEqual(transcript.digest(), hash.hash(clientHello1 + helloRetryRequest))
            }
        }
    }
}
