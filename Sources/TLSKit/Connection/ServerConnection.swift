import X509

/// The server end of a TLS 1.3 connection (the equivalent of an OpenSSL `SSL` in server mode).
public final class ServerConnection: TLSConnection {
    /// The configuration this connection was made with.
    public let configuration: ServerConfiguration

    /// A server connection waiting for a ClientHello.
    public init(configuration: ServerConfiguration) throws {
        try configuration.validate()
        self.configuration = configuration
        super.init(
            machine: .server(ServerHandshakeState(configuration: configuration)), isServer: true,
            limits: configuration.limits, keyLog: configuration.keyLog)
        let handler = configuration.newSessionHandler
        let statistics = configuration.statistics
        eventObserver = { event in
            if case .sessionTicketIssued(let ticket) = event { handler?(ticket) }
        }
        handshakeFailureObserver = { _ in statistics.recordHandshakeFailure() }
    }

    /// How many tickets this connection sends after a full handshake and after post-handshake
    /// authentication (`SSL_get_num_tickets`). Starts from ``ServerConfiguration/ticketCount``.
    public var ticketCount: Int { machine.server!.configuration.ticketCount }

    /// Changes ``ticketCount`` for this connection only (`SSL_set_num_tickets`). Set it before the
    /// handshake as usual; a change after it applies to the next post-handshake authentication.
    /// Throws for a negative count or one above ``ServerConfiguration/maximumTicketCount``.
    public func setTicketCount(_ count: Int) throws {
        try ServerConfiguration.validate(ticketCount: count)
        machine.server!.configuration.ticketCount = count
    }

    /// Asks for one more ticket (`SSL_new_session_ticket`). It is queued, and goes out with the
    /// next ``TLSConnection/write(_:)`` (before that data) or at once when ``TLSConnection/driveHandshake()``
    /// is called; output is always whole records, so the connection is at a record boundary then.
    /// Success means the request was taken, not that the ticket was sent.
    /// Throws ``TLSError/Code/invalidState`` before the handshake has completed.
    public func requestSessionTicket() throws {
        try step { machine, _ in
            try machine.server!.withConnected("requestSessionTicket") { $0.requestedTickets += 1 }
        }
        hasRequestedTickets = true
    }

    /// Whether tickets were requested since the last ones went out: checked on every write,
    /// so it is kept here rather than read out of the handshake state (which would copy it).
    private var hasRequestedTickets = false

    /// Asks the client for a certificate now that the handshake is done
    /// (`SSL_verify_client_post_handshake`, RFC 8446 §4.6.2). The CertificateRequest is in
    /// ``TLSConnection/takeOutput()`` at once. When the client's answer verifies, the connection
    /// raises ``TLSEvent/clientAuthenticated(_:)`` and issues ``ticketCount`` new tickets bound to
    /// that identity.
    ///
    /// - Parameters:
    ///   - trustRoots: roots the client's chain must lead to; by default those of
    ///     ``ServerConfiguration/clientAuthentication``.
    ///   - required: whether a client that declines fails with `certificate_required`.
    /// - Throws: ``TLSError/Code/invalidState`` before the handshake completes, if the client did not
    ///   offer `post_handshake_auth`, or while a request is pending; ``TLSError/Code/invalidConfiguration``
    ///   when there are no trust roots.
    public func requestClientCertificate(trustRoots: TrustRoots? = nil, required: Bool = false) throws {
        guard let roots = trustRoots ?? configuration.clientAuthentication.trustRoots else {
            throw TLSError.configuration("post-handshake authentication needs trust roots for client certificates")
        }
        try step { machine, output in
            try machine.server!.withConnected("requestClientCertificate") {
                try $0.requestClientCertificate(trustRoots: roots, required: required, output: &output)
            }
        }
    }

    override func sendQueuedHandshakeMessages() throws {
        guard hasRequestedTickets else { return }
        hasRequestedTickets = false
        try step { machine, output in
            try machine.server!.withConnected("sending tickets") { $0.sendRequestedTickets(output: &output) }
        }
    }
}
