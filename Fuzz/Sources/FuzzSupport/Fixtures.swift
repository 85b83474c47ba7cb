import Crypto
import Foundation
@_spi(Fuzzing) import TLSKit

/// Keys, certificates and sources shared by the connection targets, made once per process.
///
/// Protocol randomness is a constant and time stands still at the process's start, so a
/// connection's behaviour depends only on the input. (swift-crypto still draws ephemeral
/// key shares and ECDSA nonces from the system, which changes bytes but never a decision.)
public enum Fixtures {
    /// The instant every connection sees.
    public static let now = Date(timeIntervalSince1970: Date().timeIntervalSince1970.rounded(.down))
    public static let time = TimeSource.fixed(now)
    public static let random = RandomSource { count in [UInt8](repeating: 0xA5, count: count) }

    /// The server's Ed25519 certificate for "localhost".
    public static let serverCertificate = certificate(seed: 1, name: "localhost")
    /// The client's Ed25519 certificate, trusted by servers that ask for one.
    public static let clientCertificate = certificate(seed: 2, name: "client")

    /// The ticket key ring of every server, so a session from one resumes on the next.
    public static let ticketKeys: SessionTicketKeyRing = {
        do {
            return try SessionTicketKeyRing(time: time, random: random)
        } catch {
            fatalError("ticket key ring: \(error)")
        }
    }()

    private static func certificate(seed: UInt8, name: String) -> CertifiedKey {
        do {
            let key = try Curve25519.Signing.PrivateKey(rawRepresentation: [UInt8](repeating: seed, count: 32))
            return try CertifiedKey.selfSigned(names: [name], key: SigningKey(key))
        } catch {
            fatalError("fixture certificate: \(error)")
        }
    }
}
