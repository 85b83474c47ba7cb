import ArgumentParser
import TLSKit

struct TicketKeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ticket-keys",
        abstract: "Print a new session ticket key file for `tlskit server --ticket-keys` (keep it secret).",
        discussion: """
            Format, one key a line: `tlskit-ticket-key-v1 <name: 32 hex> <key: 64 hex> <created: Unix seconds>`.
            The newest key seals new tickets; every key younger than 24 hours opens them. Rotate by
            appending a fresh line (`tlskit ticket-keys >> FILE`) on every server of a fleet.
            """)

    @Option(parsing: .unconditional, help: "How many keys to write.")
    var count = 1

    func validate() throws {
        try FlagRange.check(count, in: 1...1_000, "--count")
    }

    func run() throws {
        print(SessionTicketKeyRing.generateKeyFile(keyCount: count), terminator: "")
    }
}
