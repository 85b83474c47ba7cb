import Dispatch
import Foundation
import NIOCore
import TLSKit

/// Reloads the server's certificate files on SIGHUP and when they change, and says so on
/// stderr: one `certificates-reloaded:` line, or one `error:` line when the replacement is
/// refused (the certificates in service stay).
final class CertificateReloading: Sendable {
    private let certificates: ReloadableCertificates

    init(certificates: ReloadableCertificates) {
        self.certificates = certificates
    }

    func start(on eventLoop: any EventLoop) {
        // SIGHUP's default action ends the process: ignore it, then watch for it.
        signal(SIGHUP, SIG_IGN)
        let source = DispatchSource.makeSignalSource(signal: SIGHUP, queue: .global())
        source.setEventHandler { [self] in
            eventLoop.execute { self.report { try self.certificates.reload(); return true } }
        }
        source.resume()
        Self.signalSources.append(source)
        eventLoop.scheduleRepeatedTask(initialDelay: .seconds(1), delay: .seconds(1)) { [self] _ in
            report { try certificates.reloadIfChanged() }
        }
    }

    private func report(_ reload: () throws -> Bool) {
        do {
            guard try reload() else { return }
            Console.error("certificates-reloaded: serial \(serial)")
        } catch {
            Console.error("error: certificate reload refused, still serving serial \(serial): \(Console.describe(error))")
        }
    }

    /// The default leaf's serial number in hexadecimal, as `openssl x509 -serial` prints it.
    private var serial: String {
        guard let leaf = certificates.certificates.first?.chain.first else { return "none" }
        let bytes = leaf.serialNumber.bytes.drop { $0 == 0 }
        return bytes.isEmpty ? "00" : bytes.map { String(format: "%02X", $0) }.joined()
    }

    /// Dispatch stops a signal source that is released; these live as long as the process.
    /// Only `start`, called once from the main thread, touches it.
    nonisolated(unsafe) private static var signalSources: [any DispatchSourceSignal] = []
}
