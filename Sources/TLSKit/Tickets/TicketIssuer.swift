import Foundation
import X509

/// Issues and redeems tickets under either ``SessionTicketProtection``.
///
/// Redeeming never throws: a ticket that does not yield a live session is a
/// ``TicketRejection``, and the handshake falls back to a full one.
struct TicketIssuer {
    /// The size of a stateful ticket, a random identifier.
    static let identifierLength = 32

    let protection: SessionTicketProtection
    let random: RandomSource
    /// Whose AEAD seals and opens stateless tickets; the tickets are the same either way.
    let provider: CryptoProvider

    init(protection: SessionTicketProtection, random: RandomSource, provider: CryptoProvider = .default) {
        self.protection = protection
        self.random = random
        self.provider = provider
    }

    /// The ticket to send in a NewSessionTicket for `state`.
    ///
    /// Stateful protection stores `state.encoded()` until the session expires
    /// (`createdAt` plus `lifetime`) and returns a fresh random identifier.
    func issue(_ state: ServerSessionState) -> [UInt8] {
        switch protection {
        case .stateless(let ring):
            return ring.seal(state.encoded(), provider: provider)
        case .stateful(let store, _):
            let id = random.bytes(Self.identifierLength)
            store.store(id: id, session: state.encoded(), expiresAt: Date(millisecondsSince1970: state.expiresAt))
            return id
        }
    }

    /// Opens or looks up `ticket`, decodes the session and checks it has not expired at `now`.
    func redeem(_ ticket: [UInt8], now: Date) -> Result<ServerSessionState, TicketRejection> {
        let encoded: [UInt8]
        switch protection {
        case .stateless(let ring):
            switch ring.open(ticket, provider: provider) {
            case .success(let plaintext): encoded = plaintext
            case .failure(let rejection): return .failure(rejection)
            }
        case .stateful(let store, let singleUse):
            guard ticket.count == Self.identifierLength else { return .failure(.malformed) }
            guard let session = store.retrieve(id: ticket, remove: singleUse) else { return .failure(.unknownKey) }
            encoded = session
        }
        guard let state = try? ServerSessionState(encoded: encoded) else { return .failure(.malformed) }
        guard now.millisecondsSince1970 <= state.expiresAt else { return .failure(.expired) }
        return .success(state)
    }
}

extension TicketIssuer {
    /// A ticket for one resumable session of the connection (RFC 8446 §4.6.1): the session's
    /// state under the ticket protection, a fresh ticket_age_add, and what the new-session
    /// handler is told of it.
    struct Minted {
        let message: NewSessionTicket
        let issued: IssuedSessionTicket
    }

    /// Mints a ticket whose PSK (derived by the caller from the resumption master secret and
    /// `nonce`) resumes a session of `suite`, bound to the server name, protocol and client
    /// identity the connection has now. A non-zero `maximumEarlyDataSize` goes into the
    /// message's `early_data` extension (RFC 8446 §4.6.1) and into the sealed state.
    func mint(
        psk: [UInt8], nonce: [UInt8], suite: CipherSuite, lifetime: UInt32, now: Date, serverName: String?,
        applicationProtocol: String?, clientCertificateChain: [[UInt8]], clientCertificates: [Certificate],
        maximumEarlyDataSize: UInt32
    ) -> Minted {
        let ageAdd = random.uint32()
        let state = ServerSessionState(
            cipherSuite: suite, psk: psk, createdAt: now.millisecondsSince1970, lifetime: lifetime, ageAdd: ageAdd,
            serverName: serverName, applicationProtocol: applicationProtocol, clientCertificateChain: clientCertificateChain,
            clientCertificateVerified: !clientCertificateChain.isEmpty, maximumEarlyDataSize: maximumEarlyDataSize)
        let ticket = issue(state)
        return Minted(
            message: NewSessionTicket(
                lifetime: lifetime, ageAdd: ageAdd, nonce: nonce, ticket: ticket,
                maxEarlyDataSize: maximumEarlyDataSize == 0 ? nil : maximumEarlyDataSize),
            issued: IssuedSessionTicket(
                ticket: ticket, lifetime: lifetime, cipherSuite: suite, serverName: serverName,
                applicationProtocol: applicationProtocol, clientCertificates: clientCertificates,
                maximumEarlyDataSize: maximumEarlyDataSize))
    }
}
