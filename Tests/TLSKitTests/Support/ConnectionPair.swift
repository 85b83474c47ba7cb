import Crypto
import _CryptoExtras
import X509

@testable import TLSKit

/// A client and a server connected in memory: what one sends, the other receives.
final class ConnectionPair {
    let client: ClientConnection
    let server: ServerConnection
    /// Every record the server sent, in order.
    private(set) var serverBytes: [UInt8] = []
    private(set) var clientBytes: [UInt8] = []

    init(client: ClientConnection, server: ServerConnection) {
        self.client = client
        self.server = server
    }

    /// A client and server on the test certificate and default settings, their handshake done.
    static func established() throws -> ConnectionPair {
        let certified = TestPKI.certifiedKey()
        let pair = try ConnectionPair(
            clientConfiguration: TestPKI.clientConfiguration(trusting: certified), serverConfiguration: TestPKI.serverConfiguration(certified))
        try pair.exchange()
        return pair
    }

    convenience init(clientConfiguration: ClientConfiguration, serverConfiguration: ServerConfiguration, serverName: String? = "localhost") throws {
        self.init(
            client: try ClientConnection(configuration: clientConfiguration, serverName: serverName),
            server: try ServerConnection(configuration: serverConfiguration))
    }

    /// Moves bytes both ways until neither side has anything to send.
    /// Errors are thrown from whichever side failed first, after its alert reached the peer.
    func exchange(maximumRounds: Int = 20) throws {
        for _ in 0..<maximumRounds {
            let fromClient = client.takeOutput()
            clientBytes += fromClient
            if !fromClient.isEmpty {
                do { try server.receive(fromClient) } catch {
                    deliverAlert(from: server, to: client)
                    throw error
                }
            }
            let fromServer = server.takeOutput()
            serverBytes += fromServer
            if !fromServer.isEmpty {
                do { try client.receive(fromServer) } catch {
                    deliverAlert(from: client, to: server)
                    throw error
                }
            }
            if fromClient.isEmpty && fromServer.isEmpty && !client.hasPendingOutput && !server.hasPendingOutput { return }
        }
    }

    private func deliverAlert(from failed: TLSConnection, to peer: TLSConnection) {
        let alert = failed.takeOutput()
        if !alert.isEmpty { try? peer.receive(alert) }
    }
}

/// Certificates and configurations for tests.
enum TestPKI {
    static func certifiedKey(_ key: SigningKey = .generateP256(), names: [String] = ["localhost", "127.0.0.1"]) -> CertifiedKey {
        try! CertifiedKey.selfSigned(names: names, key: key)
    }

    static func clientConfiguration(trusting certified: CertifiedKey) -> ClientConfiguration {
        var configuration = ClientConfiguration()
        configuration.trustRoots = .certificates([certified.chain[0]])
        return configuration
    }

    static func serverConfiguration(_ certified: CertifiedKey) -> ServerConfiguration {
        ServerConfiguration(certificate: certified)
    }

    /// Signing keys of each kind TLSKit supports, made once per test run.
    static let p256 = SigningKey.generateP256()
    static let p384 = SigningKey(P384.Signing.PrivateKey())
    static let ed25519 = SigningKey(Curve25519.Signing.PrivateKey())
    static let rsa = try! SigningKey(_RSA.Signing.PrivateKey(keySize: .bits2048))
}
