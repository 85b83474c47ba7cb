import XCTest

@testable import TLSKit

/// What an established connection holds while it waits: no room kept from the handshake for
/// the actions of a step, on either side, before or after it acts again. (Unsent handshake
/// bytes are gathered only within a step.)
final class IdleConnectionTests: XCTestCase {
    private func assertHoldsNoHandshakeRoom(_ core: ConnectionCore, _ side: String, line: UInt = #line) {
        XCTAssertEqual(core.heldHandshakeCapacity, 0, "\(side): room for actions", line: line)
    }

    func testAnEstablishedConnectionHoldsNoRoomFromItsHandshake() throws {
        let pair = try ConnectionPair.established()
        XCTAssertEqual(pair.client.receivedTicketCount, 2, "the default tickets came with the handshake")
        assertHoldsNoHandshakeRoom(pair.server.core, "server")
        assertHoldsNoHandshakeRoom(pair.client.core, "client")
    }

    func testNorAfterATicketOrAKeyUpdate() throws {
        let pair = try ConnectionPair.established()
        try pair.server.requestSessionTicket()
        try pair.server.driveHandshake()
        try pair.client.updateKeys(requestPeerUpdate: true)
        try pair.exchange()
        XCTAssertEqual(pair.client.receivedTicketCount, 3)
        try pair.client.write(Array("after".utf8))
        try pair.exchange()
        XCTAssertEqual(pair.server.readApplicationData(), Array("after".utf8), "the keys moved on both ways")
        assertHoldsNoHandshakeRoom(pair.server.core, "server")
        assertHoldsNoHandshakeRoom(pair.client.core, "client")
    }
}
