import Foundation

extension ServerHandshake {
    /// What the server's first flight is made from, once the ClientHello has been answered in
    /// every way but early data: kept while the replay guard is asked.
    struct FlightPlan {
        let hello: OfferedHello
        let suite: CipherSuite
        let share: KeyShareEntry?
        let resumed: ResumedSession?
        /// The transcript up to and including the ClientHello.
        let transcript: TranscriptHash
        let applicationProtocol: String?
    }

    /// What of the ClientHello the server's flight and the connection after it use: the
    /// whole ClientHello would be copied, a dozen arrays and strings retained, into every
    /// state the plan passes through.
    struct OfferedHello {
        let random: [UInt8]
        let legacySessionID: [UInt8]
        let serverName: String?
        let signatureAlgorithms: [SignatureScheme]
        let pskKeyExchangeModes: [PSKKeyExchangeMode]
        let postHandshakeAuth: Bool

        init(_ hello: ClientHello) {
            random = hello.random
            legacySessionID = hello.legacySessionID
            serverName = hello.extensions.serverName
            signatureAlgorithms = hello.extensions.signatureAlgorithms ?? []
            pskKeyExchangeModes = hello.extensions.pskKeyExchangeModes ?? []
            postHandshakeAuth = hello.extensions.postHandshakeAuth
        }
    }

    /// Every acceptance condition but the replay check held; the application's
    /// ``EarlyDataReplayGuard`` decides (``ServerConnection/pendingEarlyDataReplayCheck``).
    /// Nothing has been sent: whether EncryptedExtensions carries `early_data` depends on it.
    struct AwaitEarlyDataReplayCheck {
        let answering: ExpectClientHello
        let plan: FlightPlan

        /// An acceptance sends the flight accepting early data; a rejection (or a guard that
        /// failed) sends it declining, and the early records are skipped.
        func resolve(_ verdict: EarlyDataReplayVerdict, output: inout HandshakeOutput) throws -> ServerHandshakeState {
            guard verdict == .accept else {
                answering.declineEarlyData(.replay, mode: .undecryptable, output: &output)
                return try answering.sendFlight(plan, acceptingEarlyData: false, output: &output)
            }
            answering.configuration.statistics.recordEarlyDataAccepted()
            output.raise(.earlyDataAccepted)
            return try answering.sendFlight(plan, acceptingEarlyData: true, output: &output)
        }
    }

    /// Early data was accepted: its records are read under client_early_traffic_secret until the
    /// client's EndOfEarlyData (RFC 8446 §4.5), after which the client's handshake key applies.
    struct ExpectEndOfEarlyData {
        var flight: Flight

        func handle(raw: [UInt8], output: inout HandshakeOutput) -> ServerHandshakeState {
            var flight = flight
            // RFC 8446 §4.4.1: EndOfEarlyData is part of the transcript the client's Finished covers.
            flight.transcript.update(raw)
            output.installReadKeys(flight.suite, flight.clientHandshakeSecret)
            return .expectFinished(ExpectFinished(flight: flight))
        }
    }
}

extension ServerHandshake.ExpectClientHello {
    /// Decides on the early data a first ClientHello offers (RFC 8446 §4.2.10). It is accepted
    /// only when all of these hold, checked in this order, each failure counted under its reason:
    ///
    /// - the server accepts early data at all (``ServerConfiguration/maximumEarlyDataSize`` > 0)
    ///   and resumes the first PSK identity (``EarlyDataRejection/notAllowed``; when the first
    ///   ticket was refused for its suite hash, server name or client identity, that reason:
    ///   ``EarlyDataRejection/suiteMismatch``, ``EarlyDataRejection/serverNameMismatch``,
    ///   ``EarlyDataRejection/clientAuthenticationPolicy``);
    /// - the ticket allows early data (`max_early_data_size` > 0, ``EarlyDataRejection/notAllowed``)
    ///   and no more than the server accepts now (``EarlyDataRejection/tooLarge``);
    /// - the cipher suite, the application protocol and the server name are those of the ticket's
    ///   connection (``EarlyDataRejection/suiteMismatch``, ``EarlyDataRejection/applicationProtocolMismatch``,
    ///   ``EarlyDataRejection/serverNameMismatch``);
    /// - the ticket age the client reports is within ``ServerConfiguration/ticketAgeTolerance``
    ///   of the server's (RFC 8446 §8.3, ``EarlyDataRejection/tooOld``);
    /// - the replay guard accepts the attempt (asked afterwards, ``EarlyDataRejection/replay``).
    ///
    /// The client-authentication policy is the resumption's: a session that does not meet the
    /// server's current policy is not resumed, so its early data is not accepted either.
    ///
    /// Returns the attempt to put to the replay guard, or why the early data is declined.
    func examineEarlyData(
        _ hello: ClientHello, suite: CipherSuite, decision: ServerHandshake.ResumptionDecision?, applicationProtocol: String?
    ) -> Result<EarlyDataAttempt, EarlyDataRejection> {
        guard configuration.maximumEarlyDataSize > 0 else { return .failure(.notAllowed) }
        guard let resumed = decision?.resumed, resumed.identityIndex == 0, let offered = hello.extensions.preSharedKey else {
            switch decision?.rejections.first {
            case .suiteMismatch: return .failure(.suiteMismatch)
            case .serverNameMismatch: return .failure(.serverNameMismatch)
            case .clientAuthenticationMismatch: return .failure(.clientAuthenticationPolicy)
            default: return .failure(.notAllowed)
            }
        }
        let state = resumed.state
        guard state.maximumEarlyDataSize > 0 else { return .failure(.notAllowed) }
        guard state.maximumEarlyDataSize <= configuration.maximumEarlyDataSize else { return .failure(.tooLarge) }
        guard state.cipherSuite == suite else { return .failure(.suiteMismatch) }
        guard state.applicationProtocol == applicationProtocol else { return .failure(.applicationProtocolMismatch) }
        guard state.serverName == hello.extensions.serverName else { return .failure(.serverNameMismatch) }
        guard resumed.isTicketAgeFresh else { return .failure(.tooOld) }
        // RFC 8446 §8.3: the expected arrival time is the ticket's creation time plus the age the
        // client reports; a replay carries the same one.
        let (arrival, overflow) = state.createdAt.addingReportingOverflow(UInt64(resumed.clientTicketAge))
        return .success(
            EarlyDataAttempt(
                clientHelloKey: offered.binders[0], ticket: offered.identities[0].identity,
                time: Date(millisecondsSince1970: overflow ? .max : arrival),
                ticketIssuedAt: Date(millisecondsSince1970: state.createdAt), ticketExpiresAt: Date(millisecondsSince1970: state.expiresAt)))
    }

    /// Counts early data as declined for `reason`, tells the application, and has the connection
    /// skip its records in `mode` (RFC 8446 §4.2.10).
    func declineEarlyData(_ reason: EarlyDataRejection, mode: SkippedEarlyData.Mode, output: inout HandshakeOutput) {
        configuration.statistics.recordEarlyDataRejected(reason)
        output.raise(.earlyDataRejected(reason))
        output.skipEarlyData(mode)
    }
}
