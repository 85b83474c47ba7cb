import ArgumentParser
import Foundation
import Hummingbird
import HummingbirdTLSKit
import Logging
import NIOCore
import ServiceLifecycle
import TLSKit

/// A Hummingbird application served over TLSKit: `GET /` answers `hello`, `GET /stats` the
/// server's handshake counters. HTTP/2 and HTTP/1.1 (ALPN) unless `--http1-only`; session
/// tickets are issued by default, so returning clients resume.
@main
struct HummingbirdExample: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "HummingbirdExample",
        abstract: "Serve a Hummingbird application over TLS 1.3 with TLSKit.")

    @Option(help: "Address to listen on.")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on (0 picks a free one).")
    var port = 8443

    @Option(help: "Certificate chain, PEM (leaf first). Without --cert and --key, an ephemeral self-signed certificate is used.")
    var cert: String?

    @Option(help: "Private key for --cert, PEM.")
    var key: String?

    @Option(name: .customLong("ticket-keys"), help: "Ticket keys shared by several servers (see `tlskit ticket-keys`); re-read every minute.")
    var ticketKeys: String?

    @Option(help: "Roots that client certificates must lead to, PEM (for --verify-client).")
    var ca: String?

    @Option(name: .customLong("verify-client"), help: "Client certificates: none, optional or required (needs --ca).")
    var verifyClient = "none"

    @Flag(name: .customLong("http1-only"), help: "Serve HTTP/1.1 only (ALPN offers http/1.1 alone).")
    var http1Only = false

    func validate() throws {
        guard (0...65_535).contains(port) else { throw ValidationError("--port must be between 0 and 65535") }
        guard (cert == nil) == (key == nil) else { throw ValidationError("--cert and --key go together") }
        guard ["none", "optional", "required"].contains(verifyClient) else {
            throw ValidationError("--verify-client must be none, optional or required")
        }
        guard verifyClient == "none" || ca != nil else { throw ValidationError("--verify-client \(verifyClient) needs --ca") }
    }

    func run() async throws {
        // Logs go to stderr: stdout carries only the `listening:` line scripts wait for.
        var logger = Logger(label: "HummingbirdExample", factory: { StreamLogHandler.standardError(label: $0) })
        logger.logLevel = .info

        // TLSKit's ServerConfiguration: HummingbirdCore has a type of the same name.
        var serverConfiguration = TLSKit.ServerConfiguration(certificate: try certifiedKey(logger: logger))
        var services: [any Service] = []
        if let ticketKeys {
            let ring = try SessionTicketKeyRing(contentsOfFile: ticketKeys)
            serverConfiguration.ticketProtection = .stateless(ring)
            services.append(TicketKeyReloader(ring: ring, logger: logger))
        }
        if verifyClient != "none", let ca {
            let roots = try TrustRoots(pemFile: ca)
            serverConfiguration.clientAuthentication =
                verifyClient == "required" ? .required(trustRoots: roots) : .optional(trustRoots: roots)
        }
        if http1Only {
            // So that clients offering h2 as well are told, not left to fall back.
            serverConfiguration.applicationProtocols = ["http/1.1"]
        }
        // Copies of the configuration share one statistics object: the one the routes read is
        // the one every connection counts in.
        let statistics = serverConfiguration.statistics

        let router = Router()
        router.get("/") { _, _ in "hello" }
        router.get("/stats") { _, _ in
            let counters = statistics.snapshot()
            return """
                full-handshakes: \(counters.fullHandshakes)
                resumptions: \(counters.resumptions)
                tickets-issued: \(counters.ticketsIssued)
                handshake-failures: \(counters.handshakeFailures)

                """
        }

        let host = self.host
        let app = Application(
            router: router,
            // The builders validate the configuration, so a bad one stops here, before serving.
            server: http1Only
                ? try .tls(serverConfiguration: serverConfiguration)
                : try .http2Upgrade(serverConfiguration: serverConfiguration),
            configuration: .init(address: .hostname(host, port: port)),
            services: services,
            onServerRunning: { channel in
                // The bound port, which differs from --port 0; scripts wait for this line.
                let address = "\(channel.localAddress?.ipAddress ?? host):\(channel.localAddress?.port ?? 0)"
                FileHandle.standardOutput.write(Data("listening: \(address)\n".utf8))
            },
            logger: logger
        )
        try await app.runService()
    }

    private func certifiedKey(logger: Logger) throws -> CertifiedKey {
        if let cert, let key {
            return try CertifiedKey(chainPEMFile: cert, privateKeyPEMFile: key)
        }
        let certified = try CertifiedKey.selfSigned()
        logger.notice("no --cert given; using an ephemeral self-signed certificate for \(certified.dnsNames.joined(separator: ", "))")
        return certified
    }
}

/// Re-reads a shared ticket key file every minute, as `tlskit server --ticket-keys` does:
/// operators rotate keys by rewriting the file on every server, and each server picks the new
/// key up without a restart.
struct TicketKeyReloader: Service {
    let ring: SessionTicketKeyRing
    let logger: Logger

    func run() async {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(60))
                guard !Task.isCancelled else { break }
                do {
                    try ring.reload()
                } catch {
                    // The old keys stay in use; a broken file must not stop the server.
                    logger.error("cannot reload ticket keys: \(error)")
                }
            }
        }
    }
}
