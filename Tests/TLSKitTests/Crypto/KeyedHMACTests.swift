import Crypto
import XCTest

@testable import TLSKit

/// TLSKit's HMAC on precomputed hash states gives what swift-crypto's `HMAC` gives, for keys
/// shorter than, as long as, and longer than the hash's block, and keyed once it can be used
/// again and again: on swift-crypto's hash states and, with the BoringSSL provider, on BoringSSL's.
final class KeyedHMACTests: XCTestCase {
    private let messages: [[UInt8]] = [[], Array("what do ya want for nothing?".utf8), Array(repeating: 0xDD, count: 1_000)]

    private func code<State: HMACHashState>(_ keyed: KeyedHMAC<State>, _ message: [UInt8]) -> [UInt8] {
        var output = [UInt8](repeating: 0, count: State.byteCount)
        message.withUnsafeBytes { message in output.withUnsafeMutableBytes { keyed.authenticationCode(for: message, into: $0) } }
        return output
    }

    private func check<State: HMACHashState, H: HashFunction>(_: State.Type, against _: H.Type, keyLengths: [Int]) {
        for keyLength in keyLengths {
            let key = SymmetricKey(data: (0..<keyLength).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 1) })
            let keyed = KeyedHMAC<State>(key: key)
            for message in messages {
                let theirs = Array(copying: HMAC<H>.authenticationCode(for: message, using: key))
                XCTAssertEqual(code(keyed, message), theirs, "\(State.self), \(keyLength)-byte key, \(message.count)-byte message")
            }
        }
    }

    func testMatchesSwiftCryptoForSHA256() {
        check(SHA256.self, against: SHA256.self, keyLengths: [0, 1, 32, 63, 64, 65, 131])
        #if BoringSSLProvider
        check(BoringSSLSHA256.self, against: SHA256.self, keyLengths: [0, 1, 32, 63, 64, 65, 131])
        #endif
    }

    func testMatchesSwiftCryptoForSHA384() {
        check(SHA384.self, against: SHA384.self, keyLengths: [0, 1, 48, 127, 128, 129, 200])
        #if BoringSSLProvider
        check(BoringSSLSHA384.self, against: SHA384.self, keyLengths: [0, 1, 48, 127, 128, 129, 200])
        #endif
    }

    /// RFC 4231 §4.3, test case 2: key "Jefe".
    func testRFC4231TestCase2() {
        let message = Array("what do ya want for nothing?".utf8)
        let key = SymmetricKey(data: Array("Jefe".utf8))
        let expected = "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        XCTAssertEqual(Hex.encode(code(KeyedHMAC<SHA256>(key: key), message)), expected)
        #if BoringSSLProvider
        XCTAssertEqual(Hex.encode(code(KeyedHMAC<BoringSSLSHA256>(key: key), message)), expected)
        #endif
    }
}
