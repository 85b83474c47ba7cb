import ArgumentParser

@main
struct TLSKitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tlskit",
        abstract: "TLS 1.3 server and client in the style of openssl s_server / s_client.",
        subcommands: [ServerCommand.self, ClientCommand.self, TicketKeysCommand.self])
}
