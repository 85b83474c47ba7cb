import NIOCore
import NIOSSL
import TLSKit
import TLSKitNIO

/// Both libraries configured as these tests run them: the PKI's chains and roots, and ALPN
/// offers that have exactly one protocol in common.
extension InteropPKI {
    static let clientProtocols = ["h2", "http/1.1"]
    static let serverProtocols = ["http/1.1"]

    func tlskitServerConfiguration() throws -> ServerConfiguration {
        var configuration = ServerConfiguration(certificate: try tlskitServerKey)
        configuration.applicationProtocols = Self.serverProtocols
        return configuration
    }

    /// With a session store of its own, so that no test resumes another's session.
    func tlskitClientConfiguration() -> ClientConfiguration {
        var configuration = ClientConfiguration()
        configuration.trustRoots = tlskitRoots
        configuration.applicationProtocols = Self.clientProtocols
        configuration.sessionStore = InMemoryClientSessionStore()
        return configuration
    }

    func niosslServerConfiguration() throws -> TLSConfiguration {
        var configuration = TLSConfiguration.makeServerConfiguration(certificateChain: try niosslServerChain, privateKey: try niosslServerKey)
        configuration.applicationProtocols = Self.serverProtocols
        return configuration
    }

    func niosslClientConfiguration() throws -> TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        configuration.trustRoots = .certificates([try niosslRoot])
        configuration.certificateVerification = .fullVerification
        configuration.applicationProtocols = Self.clientProtocols
        return configuration
    }
}

extension NIOTLSCurve {
    /// swift-nio-ssl names groups by their TLS code point too.
    init(_ group: NamedGroup) { self.init(rawValue: group.rawValue) }
}

/// Handler factories for both libraries. A swift-nio-ssl factory makes its context once, so
/// that every connection it serves shares the context's session ticket keys.
enum Handlers {
    static func tlskitServer(_ configuration: ServerConfiguration) -> TLSHandlerFactory {
        { try TLSHandler(serverConfiguration: configuration) }
    }

    static func tlskitClient(_ configuration: ClientConfiguration) -> TLSHandlerFactory {
        { try TLSHandler(clientConfiguration: configuration, serverName: InteropPKI.serverName) }
    }

    static func niosslServer(_ configuration: TLSConfiguration) throws -> TLSHandlerFactory {
        let context = try NIOSSLContext(configuration: configuration)
        return { NIOSSLServerHandler(context: context) }
    }

    static func niosslClient(_ configuration: TLSConfiguration) throws -> TLSHandlerFactory {
        let context = try NIOSSLContext(configuration: configuration)
        return { try NIOSSLClientHandler(context: context, serverHostname: InteropPKI.serverName) }
    }
}

/// The groups a swift-nio-ssl end is configured with (its `curves`).
enum NIOSSLGroups {
    /// Only the group the case expects to be negotiated.
    case expected
    /// These, in this order.
    case these([NIOTLSCurve])
    /// swift-nio-ssl's own defaults (`curves = nil`).
    case defaults

    func curves(expecting group: NamedGroup) -> [NIOTLSCurve]? {
        switch self {
        case .expected: return [NIOTLSCurve(group)]
        case .these(let curves): return curves
        case .defaults: return nil
        }
    }
}

/// The groups a TLSKit end is configured with (`groups`, and on a client `keyShareGroups` too).
enum TLSKitGroups {
    /// Only the group the case expects to be negotiated.
    case expected
    /// These, in this order (a client sends a key share for the first only).
    case these([NamedGroup])
    /// The configuration's own defaults.
    case defaults

    func apply(expecting group: NamedGroup, to configuration: inout ServerConfiguration) {
        if let groups = groups(expecting: group) { configuration.groups = groups }
    }

    func apply(expecting group: NamedGroup, to configuration: inout ClientConfiguration) {
        guard let groups = groups(expecting: group) else { return }
        configuration.groups = groups
        configuration.keyShareGroups = Array(groups.prefix(1))
    }

    private func groups(expecting group: NamedGroup) -> [NamedGroup]? {
        switch self {
        case .expected: return [group]
        case .these(let groups): return groups
        case .defaults: return nil
        }
    }
}
