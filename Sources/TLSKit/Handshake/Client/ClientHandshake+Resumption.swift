import Crypto
import Foundation

extension ClientHandshake {
    /// The client's offer to resume one stored session (RFC 8446 §4.2.11).
    struct ResumptionOffer {
        let session: ClientSession
        /// The Early Secret of the session's PSK, made once for the binders (two after a
        /// HelloRetryRequest) and the handshake.
        private let early: KeySchedule.Early
        /// Whose hashes the binder transcript runs on.
        private let provider: CryptoProvider

        init(session: ClientSession, provider: CryptoProvider) {
            self.session = session
            self.provider = provider
            early = KeySchedule.Early(suite: session.cipherSuite, psk: SymmetricKey(data: session.psk), provider: provider)
        }

        /// The session to offer to `serverName`, if there is a usable one: the explicit session,
        /// else one taken from the configuration's store.
        static func choose(
            explicit: ClientSession?, serverName: String?, configuration: ClientConfiguration, suites: [CipherSuite], now: Date
        ) -> ResumptionOffer? {
            guard !configuration.resumptionModes.isEmpty else { return nil }
            let candidate = explicit ?? serverName.flatMap { configuration.sessionStore?.take(serverName: $0, now: now) }
            guard let session = candidate, !session.isExpired(at: now), session.cipherSuite.isSupported,
                suites.contains(where: { $0.hashLength == session.cipherSuite.hashLength })
            else { return nil }
            return ResumptionOffer(session: session, provider: configuration.cryptoProvider)
        }

        /// The early secret for the suite the server chose (same hash as the session's).
        func earlySecret(suite: CipherSuite) -> KeySchedule.Early {
            early.forSuite(suite)
        }

        /// Adds `pre_shared_key` to `hello` with its binder, computed over `prefix` (the
        /// transcript before this hello, after a HelloRetryRequest) and the truncated hello
        /// (RFC 8446 §4.2.11.2).
        ///
        /// Returns the encoded ClientHello, binder included: the message is encoded once, with a
        /// placeholder binder of the right length, and the binder written over it. Also returns
        /// the transcript through the whole hello under the session's hash, carried on from the
        /// binder's: a server that resumes chooses a suite of that hash, and the hello is then
        /// not hashed a second time.
        func attach(to hello: inout ClientHello, prefix: TranscriptHash?, now: Date) -> (message: [UInt8], transcript: TranscriptHash) {
            let suite = session.cipherSuite
            hello.extensions.preSharedKey = OfferedPSKs(
                identities: [PSKIdentity(identity: session.ticket, obfuscatedTicketAge: session.obfuscatedTicketAge(now: now))],
                binders: [[UInt8](zeroedCount: suite.hashLength)])
            var (message, bindersOffset) = hello.encodedWithBindersOffset()
            var transcript = prefix ?? TranscriptHash(suite: suite, provider: provider)
            transcript.update(message[..<bindersOffset])
            let binder = earlySecret(suite: suite).resumptionBinder(transcriptHash: transcript.digest())
            hello.extensions.preSharedKey?.binders = [binder]
            // The one binder is the last field of the last extension (RFC 8446 §4.2.11).
            message.replaceSubrange((message.count - binder.count)..., with: binder)
            transcript.update(message[bindersOffset...])
            return (message, transcript)
        }
    }
}
