import Foundation
import FuzzSupport
@_spi(Fuzzing) import TLSKit

/// Redeeming a session ticket as a server does when a client offers one. Byte 0 chooses how:
/// 0, arbitrary ticket bytes against the real key ring; 1, arbitrary session state sealed
/// under the ring (so it authenticates); 2, arbitrary session state in a stateful store, looked
/// up by a 32-byte identifier. Bytes 1–4 move the clock by up to 2^32 seconds. A state that
/// redeems must be exactly the bytes that were sealed or stored: the encoding is canonical.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    var input = FuzzInput(data, size)
    let mode = input.byte() % 3
    let offset = Double(input.uint16() << 16 | input.uint16())
    let now = Fixtures.now.addingTimeInterval(offset)
    switch mode {
    case 0:
        let ticket = Array(input.rest())
        _ = FuzzEntryPoints.redeemTicket(ticket, protection: .stateless(Fixtures.ticketKeys), now: now)
    case 1:
        let state = Array(input.rest())
        let ticket = FuzzEntryPoints.sealTicket(state, ring: Fixtures.ticketKeys)
        if let redeemed = FuzzEntryPoints.redeemTicket(ticket, protection: .stateless(Fixtures.ticketKeys), now: now) {
            precondition(redeemed == state, "a sealed state redeemed as different bytes")
        }
    default:
        let store = InMemoryServerSessionStore(capacity: 4, time: Fixtures.time)
        let identifier = Array(input.bytes(32))
        let state = Array(input.rest())
        store.store(id: identifier, session: state, expiresAt: now.addingTimeInterval(3600))
        if let redeemed = FuzzEntryPoints.redeemTicket(identifier, protection: .stateful(store, singleUse: true), now: now) {
            precondition(redeemed == state, "a stored state redeemed as different bytes")
            precondition(
                FuzzEntryPoints.redeemTicket(identifier, protection: .stateful(store, singleUse: true), now: now) == nil,
                "a single-use session redeemed twice")
        }
    }
    return 0
}
