import Crypto
import Foundation
import XCTest

@testable import TLSKit

/// A resuming ClientHello that offers early data, made from a real client's with its binder
/// computed again (RFC 8446 §4.2.11.2), and the early records a client would send after it,
/// for a server to answer.
struct EarlyDataHello {
    let hello: ClientHello
    /// The encoded ClientHello message.
    let message: [UInt8]
    /// The ClientHello in one plaintext record.
    let bytes: [UInt8]
    let session: ClientSession
    /// client_early_traffic_secret, derived here as RFC 8446 §7.1 says, independently of the server.
    let earlySecret: SymmetricKey
    /// Seals records under `earlySecret`, from sequence number 0.
    var cipher: TestCipher

    /// - Parameters:
    ///   - identities: PSK identities to offer before the session's (their binders are zeros).
    init(
        session: ClientSession, configuration: ClientConfiguration, now: Date = Date(), identities before: [[UInt8]] = [],
        change: (inout ClientHello) -> Void = { _ in }
    ) throws {
        let client = try ClientConnection(configuration: configuration, serverName: session.serverName, session: session)
        var hello = try BadInput.clientHello(from: client)
        XCTAssertNotNil(hello.extensions.preSharedKey, "the ClientHello resumes the session")
        hello.extensions.earlyData = true
        change(&hello)
        let suite = session.cipherSuite
        let early = KeySchedule.Early(suite: suite, psk: SymmetricKey(data: session.psk), provider: configuration.cryptoProvider)
        let own = PSKIdentity(identity: session.ticket, obfuscatedTicketAge: session.obfuscatedTicketAge(now: now))
        let placeholder = [UInt8](repeating: 0, count: suite.hashLength)
        hello.extensions.preSharedKey = OfferedPSKs(
            identities: before.map { PSKIdentity(identity: $0, obfuscatedTicketAge: 0) } + [own],
            binders: Array(repeating: placeholder, count: before.count + 1))
        let (truncated, offset) = hello.encodedWithBindersOffset()
        var binderTranscript = TranscriptHash(suite: suite, provider: .default)
        binderTranscript.update(truncated[..<offset])
        let binder = early.resumptionBinderKey().finishedVerifyData(transcriptHash: binderTranscript.digest())
        hello.extensions.preSharedKey?.binders[before.count] = binder
        let message = HandshakeMessage.clientHello(hello).encoded()
        var transcript = TranscriptHash(suite: suite, provider: .default)
        transcript.update(message)
        var log = HandshakeOutput(logsSecrets: true)
        _ = early.clientEarlyTrafficSecret(transcriptHash: transcript.digest(), clientRandom: hello.random, log: &log)
        guard case .keyLog(let label, _, let secret) = log.actions.first, label == "CLIENT_EARLY_TRAFFIC_SECRET" else {
            throw FixtureError("no early traffic secret")
        }
        self.hello = hello
        self.message = message
        self.bytes = WireRecords.record(.handshake, message)
        self.session = session
        self.earlySecret = secret
        self.cipher = TestCipher(suite: suite, secret: secret)
    }

    /// Early application data records of `sizes` bytes each (filled with "0").
    mutating func records(_ sizes: Int...) throws -> [UInt8] {
        try sizes.flatMap { try cipher.seal(.applicationData, Array(repeating: 0x30, count: $0)) }
    }

    /// `data` in one early record.
    mutating func record(_ data: [UInt8]) throws -> [UInt8] { try cipher.seal(.applicationData, data) }

    /// EndOfEarlyData under the early key (RFC 8446 §4.5).
    mutating func endOfEarlyData() throws -> [UInt8] { try cipher.seal(.handshake, HandshakeMessage.endOfEarlyData.encoded()) }
}

/// A replay guard for tests: answers `verdict` and remembers what it was asked.
final class RecordingReplayGuard: EarlyDataReplayGuard, @unchecked Sendable {
    private let lock = NSLock()
    private var verdict: EarlyDataReplayVerdict
    private var asked: [EarlyDataAttempt] = []

    init(_ verdict: EarlyDataReplayVerdict = .accept) { self.verdict = verdict }

    var attempts: [EarlyDataAttempt] { lock.withLock { asked } }

    func checkAndRecord(_ attempt: EarlyDataAttempt) -> EarlyDataReplayVerdict {
        lock.withLock {
            asked.append(attempt)
            return verdict
        }
    }
}
