import Foundation
import TLSKit

/// TLSKit configurations for the common set-up: TLS 1.3, one group (X25519 unless a figure
/// says otherwise), one suite, the client verifying the chain against the bench root and the
/// name `localhost`.
struct TLSKitSetup {
    let pki: PKI
    let certifiedKey: CertifiedKey
    /// The record layer's crypto provider: swift-crypto's public API unless a figure says otherwise.
    var provider = CryptoProvider.swiftCrypto
    /// The only group either side offers, so the client sends exactly one key share.
    var group = NamedGroup.x25519

    init(pki: PKI) throws {
        self.pki = pki
        certifiedKey = try CertifiedKey(chain: [pki.leaf], privateKey: SigningKey(pki.leafKey))
    }

    func serverConfiguration(suite: CipherSuite = .TLS_AES_128_GCM_SHA256, ticketCount: Int = 2) -> ServerConfiguration {
        var configuration = ServerConfiguration(certificate: certifiedKey)
        configuration.cipherSuites = [suite]
        configuration.groups = [group]
        configuration.ticketCount = ticketCount
        configuration.cryptoProvider = provider
        return configuration
    }

    /// - Parameter sessionStore: where received tickets go; nil keeps none.
    func clientConfiguration(suite: CipherSuite = .TLS_AES_128_GCM_SHA256, sessionStore: ClientSessionStore?) -> ClientConfiguration {
        var configuration = ClientConfiguration()
        configuration.trustRoots = .certificates([pki.root])
        configuration.certificateVerification = .fullVerification
        configuration.cipherSuites = [suite]
        configuration.groups = [group]
        configuration.keyShareGroups = [group]
        configuration.sessionStore = sessionStore
        configuration.cryptoProvider = provider
        return configuration
    }
}

/// A client session store that keeps every ticket it is given (in a real
/// ``InMemoryClientSessionStore``) but never offers one, so that each connection made with it
/// does a full handshake while still paying for receiving and storing tickets.
final class StoreOnlySessionStore: ClientSessionStore {
    private let inner = InMemoryClientSessionStore()

    func store(_ session: ClientSession) { inner.store(session) }

    func take(serverName: String, now: Date) -> ClientSession? { nil }
}
