/// How a resumed handshake establishes its keys (RFC 8446 §4.2.9).
public enum ResumptionMode: Sendable, Hashable {
    /// `psk_dhe_ke`: the PSK plus a fresh (EC)DHE exchange, keeping forward secrecy. The default.
    case pskWithKeyExchange
    /// `psk_ke`: the PSK alone. Cheaper, but traffic is only as safe as the ticket key.
    case pskOnly

    var codePoint: PSKKeyExchangeMode {
        switch self {
        case .pskWithKeyExchange: return .pskDHEKE
        case .pskOnly: return .pskKE
        }
    }
}
