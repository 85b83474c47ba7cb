import ArgumentParser
import Foundation

@main
struct TLSKitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tlskit",
        abstract: "TLS 1.3 server and client in the style of openssl s_server / s_client.",
        subcommands: [ServerCommand.self, ClientCommand.self, TicketKeysCommand.self])

    /// Flag errors (a value out of range, an unknown name, a missing argument) are one
    /// `error:` line on stderr and exit status 2, as `openssl` and most tools report them;
    /// `--help` prints as usual, and a failed connection exits with 1 from `run()`.
    static func main() async {
        var command: ParsableCommand
        do {
            command = try parseAsRoot()
        } catch {
            exitForUsage(error)
        }
        do {
            if var asynchronous = command as? AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                try command.run()
            }
        } catch let error as ValidationError {
            exitForUsage(error)
        } catch {
            exit(withError: error)
        }
    }

    static func exitForUsage(_ error: Error) -> Never {
        guard exitCode(for: error) != .success else { exit(withError: error) }
        let message = message(for: error).split(separator: "\n").first.map(String.init) ?? "invalid arguments"
        FileHandle.standardError.write(Data("error: \(message)\n".utf8))
        Foundation.exit(ExitCode.usage.rawValue)
    }
}

extension ExitCode {
    /// The status of a command line that cannot be used (as opposed to a failed connection).
    static let usage = ExitCode(2)
}

/// Ranges a numeric flag must fall in, checked before anything starts.
enum FlagRange {
    static func check<Value: Comparable>(_ value: Value, in range: ClosedRange<Value>, _ flag: String) throws {
        guard range.contains(value) else {
            throw ValidationError("\(flag) must be in \(range.lowerBound)...\(range.upperBound), got \(value)")
        }
    }
}
