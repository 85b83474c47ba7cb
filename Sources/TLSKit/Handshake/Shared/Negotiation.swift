/// Choices both roles make the same way.
enum Negotiation {
    /// The ALPN protocol a server picks: its most preferred protocol the client also offers
    /// (RFC 7301 §3.2). No overlap is a `no_application_protocol` failure.
    static func applicationProtocol(server: [String], client: [[UInt8]]?) throws -> String? {
        guard let client, !server.isEmpty else { return nil }
        let offered = Set(client)
        guard let chosen = server.first(where: { offered.contains(Array($0.utf8)) }) else {
            throw TLSError(.noApplicationProtocol)
        }
        return chosen
    }

    /// Rejects duplicate entries in a list the peer sent, where RFC 8446 forbids them.
    static func requireDistinct<T: Hashable>(_ values: [T], _ what: String) throws {
        guard Set(values).count == values.count else { throw TLSError(.illegalParameter("duplicate \(what)")) }
    }
}
