import Foundation

/// A session the client can resume: one ticket and its PSK. The equivalent of an
/// OpenSSL `SSL_SESSION` on the client.
///
/// Sessions are values: keep them in a ``ClientSessionStore``, or save them with
/// ``pemEncoded`` and load them with ``init(pemEncoded:)`` (like `PEM_write_bio_SSL_SESSION`
/// and `PEM_read_bio_SSL_SESSION`). The PEM text contains the resumption secret:
/// anyone who reads it can resume the session as this client.
public struct ClientSession: Sendable, Hashable {
    /// RFC 8446 §4.6.1: "Servers MUST NOT use any value greater than 604800 seconds
    /// (7 days)", and clients must not cache a ticket for longer.
    static let maximumLifetime: UInt32 = 604_800

    /// The server name the session was made with; it is offered only to that name.
    public let serverName: String
    /// The cipher suite of the original connection; resumption needs a suite with the same hash.
    public let cipherSuite: CipherSuite
    let psk: [UInt8]
    /// The opaque ticket, sent back as the PSK identity.
    public let ticket: [UInt8]
    /// The ticket's lifetime in seconds as the server sent it, capped at 7 days (604,800 s) when
    /// the ticket arrives (RFC 8446 §4.6.1).
    public let lifetime: UInt32
    let ageAdd: UInt32
    /// When the client received the ticket, at millisecond precision.
    public let receivedAt: Date
    /// The most early data (0-RTT), in bytes, the server said it accepts with this ticket: the
    /// `max_early_data_size` of the ticket's `early_data` extension (RFC 8446 §4.6.1), or 0 when
    /// the ticket had none. Like OpenSSL's `SSL_SESSION_get_max_early_data`. TLSKit's client
    /// does not send early data yet; this says what a later connection could send.
    public let maximumEarlyDataSize: UInt32
    /// The application protocol (ALPN) negotiated on the original connection, if any.
    public let applicationProtocol: String?

    /// Makes a session. `receivedAt` is rounded to the millisecond so that a session
    /// survives serialization unchanged.
    init(
        serverName: String, cipherSuite: CipherSuite, psk: [UInt8], ticket: [UInt8], lifetime: UInt32,
        ageAdd: UInt32, receivedAt: Date, maximumEarlyDataSize: UInt32, applicationProtocol: String?
    ) {
        self.serverName = serverName
        self.cipherSuite = cipherSuite
        self.psk = psk
        self.ticket = ticket
        self.lifetime = lifetime
        self.ageAdd = ageAdd
        self.receivedAt = Date(millisecondsSince1970: receivedAt.millisecondsSince1970)
        self.maximumEarlyDataSize = maximumEarlyDataSize
        self.applicationProtocol = applicationProtocol
    }

    /// The former name of ``maximumEarlyDataSize``.
    @available(*, deprecated, renamed: "maximumEarlyDataSize")
    public var maxEarlyDataSize: UInt32 { maximumEarlyDataSize }

    /// Milliseconds since the ticket arrived; zero if the clock moved backwards.
    func ageMilliseconds(at now: Date) -> UInt64 {
        let now = now.millisecondsSince1970
        let received = receivedAt.millisecondsSince1970
        return now > received ? now - received : 0
    }

    /// The ticket age obfuscated for the pre_shared_key extension.
    ///
    /// RFC 8446 §4.2.11.1: "The 'obfuscated_ticket_age' field of each PskIdentity contains
    /// an obfuscated version of the ticket age formed by taking the age in milliseconds and
    /// adding the 'ticket_age_add' value that was included with the ticket, modulo 2^32."
    func obfuscatedTicketAge(now: Date) -> UInt32 {
        UInt32(truncatingIfNeeded: ageMilliseconds(at: now)) &+ ageAdd
    }

    /// Whether the ticket has outlived its lifetime at `now`. The lifetime counts as at
    /// most 7 days whatever the server sent (RFC 8446 §4.6.1), and a lifetime of zero
    /// means the ticket is never usable.
    public func isExpired(at now: Date) -> Bool {
        ageMilliseconds(at: now) >= UInt64(min(lifetime, Self.maximumLifetime)) * 1000
    }
}

extension ClientSession: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// Names the session without its secret: the PSK never appears in descriptions or dumps.
    public var description: String {
        "ClientSession(serverName: \(serverName), cipherSuite: \(cipherSuite), lifetime: \(lifetime)s, ticket: \(ticket.count) bytes)"
    }

    public var debugDescription: String { description }

    public var customMirror: Mirror {
        Mirror(self, children: ["serverName": serverName, "cipherSuite": cipherSuite, "lifetime": lifetime, "ticketLength": ticket.count])
    }
}
