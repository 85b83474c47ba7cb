import XCTest

@testable import TLSKit

extension Array where Element == UInt8 {
    /// Bytes from hex text; whitespace is ignored so RFC dumps paste verbatim.
    init(hex: String) {
        let digits = hex.compactMap { $0.hexDigitValue }
        precondition(digits.count == hex.filter { !$0.isWhitespace }.count && digits.count % 2 == 0, "bad hex")
        self = stride(from: 0, to: digits.count, by: 2).map { UInt8(digits[$0] << 4 | digits[$0 + 1]) }
    }
}

/// Asserts that `body` throws a `TLSError` whose fatal alert is `alert`.
func XCTAssertThrowsAlert<T>(
    _ alert: AlertDescription, _ body: @autoclosure () throws -> T, _ message: String = "",
    file: StaticString = #filePath, line: UInt = #line
) {
    XCTAssertThrowsError(try body(), message, file: file, line: line) { error in
        guard let error = error as? TLSError else {
            return XCTFail("expected a TLSError, got \(error) \(message)", file: file, line: line)
        }
        XCTAssertEqual(error.alertSent, alert, "\(error) \(message)", file: file, line: line)
    }
}

/// Splits a full handshake message into its type and body, checking the header.
func splitMessage(_ bytes: [UInt8], file: StaticString = #filePath, line: UInt = #line) throws -> (HandshakeType, [UInt8]) {
    var reader = ByteReader(bytes)
    let type = HandshakeType(rawValue: try reader.readUInt8())
    let body = try reader.readVector24()
    try reader.expectEnd()
    return (type, body)
}

/// Encodes `message`, decodes it back and returns the decoded message, after checking
/// that the decoded message re-encodes to the same bytes.
func roundTrip(_ message: HandshakeMessage, file: StaticString = #filePath, line: UInt = #line) throws -> HandshakeMessage {
    let encoded = message.encoded()
    let (type, body) = try splitMessage(encoded)
    XCTAssertEqual(type, message.type, file: file, line: line)
    let decoded = try HandshakeMessage.decode(type: type, body: body)
    XCTAssertEqual(decoded.encoded(), encoded, "re-encoding changed the bytes", file: file, line: line)
    return decoded
}

extension HandshakeMessage {
    /// The message without the wire order that decoding records, for comparing with
    /// a message built in code.
    var clearingReceivedTypes: HandshakeMessage {
        switch self {
        case .clientHello(var hello):
            hello.extensions.receivedTypes = []
            return .clientHello(hello)
        case .serverHello(var hello):
            hello.extensions.receivedTypes = []
            return .serverHello(hello)
        case .encryptedExtensions(var extensions):
            extensions.receivedTypes = []
            return .encryptedExtensions(extensions)
        default:
            return self
        }
    }
}

/// Asserts that `message` survives encoding and decoding unchanged.
func XCTAssertRoundTrips(_ message: HandshakeMessage, file: StaticString = #filePath, line: UInt = #line) {
    XCTAssertNoThrow(
        try {
            let decoded = try roundTrip(message, file: file, line: line)
            XCTAssertEqual(decoded.clearingReceivedTypes, message.clearingReceivedTypes, file: file, line: line)
        }(), file: file, line: line)
}

enum RFC8448 {
    /// RFC 8448 §3 "Simple 1-RTT Handshake": the client's ClientHello (192-byte body).
    static let clientHello = [UInt8](
        hex: """
            01 00 00 c0 03 03 cb 34 ec b1 e7 81 63 ba 1c 38 c6 da cb 19 6a 6d ff a2 1a 8d 99 12 ec 18 a2 ef 62 83
            02 4d ec e7 00 00 06 13 01 13 03 13 02 01 00 00 91 00 00 00 0b 00 09 00 00 06 73 65 72 76 65 72 ff 01
            00 01 00 00 0a 00 14 00 12 00 1d 00 17 00 18 00 19 01 00 01 01 01 02 01 03 01 04 00 23 00 00 00 33 00
            26 00 24 00 1d 00 20 99 38 1d e5 60 e4 bd 43 d2 3d 8e 43 5a 7d ba fe b3 c0 6e 51 c1 3c ae 4d 54 13 69
            1e 52 9a af 2c 00 2b 00 03 02 03 04 00 0d 00 20 00 1e 04 03 05 03 06 03 02 03 08 04 08 05 08 06 04 01
            05 01 06 01 02 01 04 02 05 02 06 02 02 02 00 2d 00 02 01 01 00 1c 00 02 40 01
            """)

    /// RFC 8448 §3: the server's ServerHello.
    static let serverHello = [UInt8](
        hex: """
            02 00 00 56 03 03 a6 af 06 a4 12 18 60 dc 5e 6e 60 24 9c d3 4c 95 93 0c 8a c5 cb 14 34 da c1 55 77 2e
            d3 e2 69 28 00 13 01 00 00 2e 00 33 00 24 00 1d 00 20 c9 82 88 76 11 20 95 fe 66 76 2b db f7 c6 72 e1
            56 d6 cc 25 3b 83 3d f1 dd 69 b1 b0 4e 75 1f 0f 00 2b 00 02 03 04
            """)

    /// RFC 8448 §3: the server's EncryptedExtensions.
    static let encryptedExtensions = [UInt8](
        hex: """
            08 00 00 24 00 22 00 0a 00 14 00 12 00 1d 00 17 00 18 00 19 01 00 01 01 01 02 01 03 01 04 00 1c 00 02
            40 01 00 00 00 00
            """)
}
