import NIOCore
import NIOEmbedded
import TLSKit
import TLSKitNIO
import XCTest

final class TLSCommandTests: XCTestCase {
    func testRequestSessionTicketCommandSendsATicketAtOnce() throws {
        let pair = try EmbeddedTLSPair()
        try pair.handshake()
        let before = pair.clientEvents.connectionEvents.count
        let promise = pair.server.eventLoop.makePromise(of: Void.self)
        pair.server.pipeline.triggerUserOutboundEvent(TLSCommand.requestSessionTicket, promise: promise)
        try pair.interact()
        try promise.futureResult.wait()
        let received = pair.clientEvents.connectionEvents.dropFirst(before).filter {
            if case .sessionTicketReceived = $0 { return true }
            return false
        }
        XCTAssertEqual(received.count, 1)
        XCTAssertTrue(pair.serverEvents.connectionEvents.contains {
            if case .sessionTicketIssued = $0 { return true }
            return false
        })
    }

    func testServerOnlyCommandFailsOnAClient() throws {
        let pair = try EmbeddedTLSPair()
        try pair.handshake()
        let promise = pair.client.eventLoop.makePromise(of: Void.self)
        pair.client.pipeline.triggerUserOutboundEvent(TLSCommand.requestSessionTicket, promise: promise)
        XCTAssertThrowsError(try promise.futureResult.wait()) { error in
            XCTAssertEqual(error as? TLSHandlerError, .serverOnlyCommand)
        }
    }

    func testKeyUpdateCommandReachesThePeer() throws {
        let pair = try EmbeddedTLSPair()
        try pair.handshake()
        pair.client.pipeline.triggerUserOutboundEvent(TLSCommand.updateKeys(requestPeerUpdate: true), promise: nil)
        try pair.interact()
        XCTAssertTrue(pair.serverEvents.connectionEvents.contains(.peerKeysUpdated))
        XCTAssertTrue(pair.clientEvents.connectionEvents.contains(.peerKeysUpdated))
    }
}
