import XCTest

@testable import TLSKit

final class HandshakeReassemblerTests: XCTestCase {
    func testMessageSplitOverThreeFragmentsIsReassembled() throws {
        let message = RFC8448.clientHello
        var reassembler = HandshakeReassembler()
        XCTAssertTrue(reassembler.isEmpty)

        reassembler.append(Array(message.prefix(2)))  // inside the header
        XCTAssertNil(try reassembler.next())
        XCTAssertFalse(reassembler.isEmpty)

        reassembler.append(Array(message.dropFirst(2).prefix(100)))  // inside the body
        XCTAssertNil(try reassembler.next())
        XCTAssertFalse(reassembler.isEmpty)

        reassembler.append(Array(message.dropFirst(102)))
        let next = try XCTUnwrap(try reassembler.next())
        XCTAssertEqual(next.type, .clientHello)
        XCTAssertEqual(next.raw, message)
        XCTAssertEqual(next.body, Array(message.dropFirst(4)))
        XCTAssertTrue(reassembler.isEmpty)
        XCTAssertNil(try reassembler.next())
    }

    func testThreeMessagesInOneFragmentComeOutInOrder() throws {
        let finished = HandshakeMessage.finished(Finished(verifyData: Array(repeating: 3, count: 32))).encoded()
        let messages: [(HandshakeType, [UInt8])] = [
            (.serverHello, RFC8448.serverHello), (.encryptedExtensions, RFC8448.encryptedExtensions), (.finished, finished),
        ]
        var reassembler = HandshakeReassembler()
        reassembler.append(messages.flatMap { $0.1 })
        for (type, expected) in messages {
            let next = try XCTUnwrap(try reassembler.next())
            XCTAssertEqual(next.type, type)
            XCTAssertEqual(next.raw, expected)
            XCTAssertEqual(next.body, Array(expected.dropFirst(4)))
            XCTAssertNoThrow(try HandshakeMessage.decode(type: next.type, body: next.body))
        }
        XCTAssertNil(try reassembler.next())
        XCTAssertTrue(reassembler.isEmpty)
    }

    func testPartialMessageAfterACompleteOneKeepsReassemblerNonEmpty() throws {
        var reassembler = HandshakeReassembler()
        reassembler.append(RFC8448.encryptedExtensions + RFC8448.serverHello.prefix(10))
        XCTAssertEqual(try reassembler.next()?.raw, RFC8448.encryptedExtensions)
        XCTAssertNil(try reassembler.next())
        XCTAssertFalse(reassembler.isEmpty)
        reassembler.append(Array(RFC8448.serverHello.dropFirst(10)))
        XCTAssertEqual(try reassembler.next()?.raw, RFC8448.serverHello)
        XCTAssertTrue(reassembler.isEmpty)
    }

    func testEmptyBodyMessageIsComplete() throws {
        var reassembler = HandshakeReassembler()
        reassembler.append([5, 0, 0, 0])
        let next = try XCTUnwrap(try reassembler.next())
        XCTAssertEqual(next.type, .endOfEarlyData)
        XCTAssertEqual(next.body, [])
        XCTAssertTrue(reassembler.isEmpty)
    }

    func testDeclaredLengthOverTheLimitFailsBeforeTheBodyArrives() {
        var reassembler = HandshakeReassembler(maximumMessageSize: 1000)
        reassembler.append([11, 0, 0x03, 0xE9])  // 1001 bytes declared, none sent
        XCTAssertThrowsError(try reassembler.next()) { error in
            XCTAssertEqual((error as? TLSError)?.reason, .limitExceeded("handshake message of 1001 bytes", alert: .decodeError))
        }
        var atLimit = HandshakeReassembler(maximumMessageSize: 1000)
        atLimit.append([11, 0, 0x03, 0xE8])
        XCTAssertNil(try atLimit.next())
    }
}
