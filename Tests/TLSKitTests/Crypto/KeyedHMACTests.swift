import Crypto
import XCTest

@testable import TLSKit

/// TLSKit's HMAC on precomputed hash states gives what swift-crypto's `HMAC` gives, for keys
/// shorter than, as long as, and longer than the hash's block, and keyed once it can be used
/// again and again.
final class KeyedHMACTests: XCTestCase {
    private let messages: [[UInt8]] = [[], Array("what do ya want for nothing?".utf8), Array(repeating: 0xDD, count: 1_000)]

    private func check<H: HashFunction>(_: H.Type, keyLengths: [Int]) {
        for keyLength in keyLengths {
            let key = SymmetricKey(data: (0..<keyLength).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 1) })
            let keyed = KeyedHMAC<H>(key: key)
            for message in messages {
                let ours = message.withUnsafeBytes { Array(copying: keyed.authenticationCode(for: $0)) }
                let theirs = Array(copying: HMAC<H>.authenticationCode(for: message, using: key))
                XCTAssertEqual(ours, theirs, "\(H.self), \(keyLength)-byte key, \(message.count)-byte message")
            }
        }
    }

    func testMatchesSwiftCryptoForSHA256() {
        check(SHA256.self, keyLengths: [0, 1, 32, 63, 64, 65, 131])
    }

    func testMatchesSwiftCryptoForSHA384() {
        check(SHA384.self, keyLengths: [0, 1, 48, 127, 128, 129, 200])
    }

    /// RFC 4231 §4.3, test case 2: key "Jefe".
    func testRFC4231TestCase2() {
        let keyed = KeyedHMAC<SHA256>(key: SymmetricKey(data: Array("Jefe".utf8)))
        let code = Array("what do ya want for nothing?".utf8).withUnsafeBytes { Array(copying: keyed.authenticationCode(for: $0)) }
        XCTAssertEqual(Hex.encode(code), "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843")
    }
}
