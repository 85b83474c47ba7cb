import Foundation
import XCTest

@testable import TLSKit

final class TicketIssuerTests: XCTestCase {
    private let clock = TicketTestClock()

    private func issuers() throws -> [(String, TicketIssuer)] {
        let ring = try SessionTicketKeyRing(time: clock.source, random: countingRandom())
        let store = InMemoryServerSessionStore(time: clock.source)
        return [
            ("stateless", TicketIssuer(protection: .stateless(ring), random: countingRandom(startingAt: 128))),
            ("stateful", TicketIssuer(protection: .stateful(store, singleUse: false), random: countingRandom())),
        ]
    }

    func testIssuedTicketRedeemsToTheSameStateInBothModes() throws {
        let state = ServerSessionState.sample(createdAt: clock.now)
        for (mode, issuer) in try issuers() {
            let ticket = issuer.issue(state)
            XCTAssertEqual(try issuer.redeem(ticket, now: clock.now).get(), state, mode)
            XCTAssertEqual(try issuer.redeem(ticket, now: clock.now + 7200).get(), state, "\(mode): last valid instant")
        }
    }

    func testExpiredTicketIsRejectedInBothModes() throws {
        let state = ServerSessionState.sample(createdAt: clock.now, lifetime: 60)
        for (mode, issuer) in try issuers() {
            let ticket = issuer.issue(state)
            let result = issuer.redeem(ticket, now: clock.now + 60.001)
            // The store's clock has not moved, so the stateful lookup succeeds and the lifetime check rejects.
            XCTAssertEqual(result, .failure(.expired), mode)
        }
    }

    func testStatefulStoreForgetsExpiredSessions() throws {
        let store = InMemoryServerSessionStore(time: clock.source)
        let issuer = TicketIssuer(protection: .stateful(store, singleUse: false), random: countingRandom())
        let ticket = issuer.issue(ServerSessionState.sample(createdAt: clock.now, lifetime: 60))
        clock.advance(by: 61)
        XCTAssertEqual(issuer.redeem(ticket, now: clock.now), .failure(.unknownKey))
    }

    func testStatefulTicketIsARandomIdentifierStoredUntilExpiry() throws {
        let store = InMemoryServerSessionStore(time: clock.source)
        let issuer = TicketIssuer(protection: .stateful(store, singleUse: false), random: countingRandom())
        let state = ServerSessionState.sample(createdAt: clock.now)
        let ticket = issuer.issue(state)
        XCTAssertEqual(ticket, Array(0..<32))
        XCTAssertEqual(store.retrieve(id: ticket, remove: false), state.encoded())
        clock.advance(by: 7200)
        XCTAssertNotNil(store.retrieve(id: ticket, remove: false))
        clock.advance(by: 0.001)
        XCTAssertNil(store.retrieve(id: ticket, remove: false))
    }

    func testSingleUseStatefulTicketRedeemsOnce() throws {
        let store = InMemoryServerSessionStore(time: clock.source)
        let issuer = TicketIssuer(protection: .stateful(store, singleUse: true), random: countingRandom())
        let ticket = issuer.issue(ServerSessionState.sample(createdAt: clock.now))
        XCTAssertNoThrow(try issuer.redeem(ticket, now: clock.now).get())
        XCTAssertEqual(issuer.redeem(ticket, now: clock.now), .failure(.unknownKey))
    }

    func testGarbageTicketsAreRejectedNotThrown() throws {
        for (mode, issuer) in try issuers() {
            XCTAssertEqual(issuer.redeem([], now: clock.now), .failure(.malformed), mode)
            XCTAssertEqual(issuer.redeem([1, 2, 3], now: clock.now), .failure(.malformed), mode)
        }
        let store = InMemoryServerSessionStore(time: clock.source)
        let issuer = TicketIssuer(protection: .stateful(store, singleUse: false), random: countingRandom())
        XCTAssertEqual(issuer.redeem(Array(repeating: 7, count: 32), now: clock.now), .failure(.unknownKey))
        store.store(id: Array(repeating: 8, count: 32), session: [0xFF], expiresAt: clock.now + 60)
        XCTAssertEqual(issuer.redeem(Array(repeating: 8, count: 32), now: clock.now), .failure(.malformed))
    }

    func testSealedStateThatDoesNotDecodeIsMalformed() throws {
        let ring = try SessionTicketKeyRing(time: clock.source, random: countingRandom())
        let issuer = TicketIssuer(protection: .stateless(ring), random: countingRandom())
        XCTAssertEqual(issuer.redeem(ring.seal([9, 9, 9]), now: clock.now), .failure(.malformed))
    }

    private func mint(_ issuer: TicketIssuer, maximumEarlyDataSize: UInt32) -> TicketIssuer.Minted {
        issuer.mint(
            psk: Array(repeating: 0x42, count: 32), nonce: [0, 1], suite: .TLS_CHACHA20_POLY1305_SHA256, lifetime: 600, now: clock.now,
            serverName: "example.com", applicationProtocol: "h2", clientCertificateChain: [], clientCertificates: [],
            maximumEarlyDataSize: maximumEarlyDataSize)
    }

    /// RFC 8446 §4.6.1: the early_data extension carries max_early_data_size, and the sealed state keeps
    /// what 0-RTT must later match (RFC 8446 §4.2.10): suite, ALPN, SNI and the limit.
    func testTicketAllowingEarlyDataCarriesTheLimitInMessageAndState() throws {
        for (mode, issuer) in try issuers() {
            let minted = mint(issuer, maximumEarlyDataSize: 16_384)
            XCTAssertEqual(minted.message.maxEarlyDataSize, 16_384, mode)
            XCTAssertEqual(minted.issued.maximumEarlyDataSize, 16_384, mode)
            let state = try issuer.redeem(minted.message.ticket, now: clock.now).get()
            XCTAssertEqual(state.maximumEarlyDataSize, 16_384, mode)
            XCTAssertEqual(state.cipherSuite, .TLS_CHACHA20_POLY1305_SHA256, mode)
            XCTAssertEqual(state.applicationProtocol, "h2", mode)
            XCTAssertEqual(state.serverName, "example.com", mode)
            let encoded = HandshakeMessage.newSessionTicket(minted.message).encoded()
            // extensions<0..2^16-2> holding early_data (42) with a four-byte max_early_data_size
            XCTAssertEqual(Array(encoded.suffix(10)), [0, 8, 0, 42, 0, 4, 0, 0, 0x40, 0x00], mode)
        }
    }

    func testTicketWithoutEarlyDataHasNoExtension() throws {
        for (mode, issuer) in try issuers() {
            let minted = mint(issuer, maximumEarlyDataSize: 0)
            XCTAssertNil(minted.message.maxEarlyDataSize, mode)
            XCTAssertEqual(minted.issued.maximumEarlyDataSize, 0, mode)
            XCTAssertEqual(try issuer.redeem(minted.message.ticket, now: clock.now).get().maximumEarlyDataSize, 0, mode)
            XCTAssertEqual(Array(HandshakeMessage.newSessionTicket(minted.message).encoded().suffix(2)), [0, 0], mode)
        }
    }
}
