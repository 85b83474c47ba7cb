import NIOCore
import NIOEmbedded
import TLSKit
import TLSKitNIO
import XCTest

/// A TLS client and server on two `EmbeddedChannel`s whose bytes the test moves by hand.
///
/// Each pipeline is `transport` (a pass-through at the head, to close the transport behind
/// the TLS handler's back) → `TLSHandler` → `EventRecorder`.
final class EmbeddedTLSPair {
    static let certified: CertifiedKey = try! CertifiedKey.selfSigned()

    static var trustingClientConfiguration: ClientConfiguration {
        var configuration = ClientConfiguration()
        configuration.trustRoots = .certificates([certified.chain[0]])
        return configuration
    }

    let client = EmbeddedChannel()
    let server = EmbeddedChannel()
    let clientTLS: TLSHandler
    let serverTLS: TLSHandler
    let clientEvents = EventRecorder()
    let serverEvents = EventRecorder()
    let clientTransport = TransportHandler()
    let serverTransport = TransportHandler()

    init(
        clientConfiguration: ClientConfiguration = trustingClientConfiguration,
        serverConfiguration: ServerConfiguration = ServerConfiguration(certificate: certified),
        clientMonitoring: TLSMonitoring = TLSMonitoring(), serverMonitoring: TLSMonitoring = TLSMonitoring(),
        clientEarlyData: [UInt8]? = nil
    ) throws {
        clientTLS = TLSHandler(
            connection: try ClientConnection(configuration: clientConfiguration, serverName: "localhost", earlyData: clientEarlyData),
            monitoring: clientMonitoring)
        serverTLS = try TLSHandler(serverConfiguration: serverConfiguration, monitoring: serverMonitoring)
        let ends = [(client, clientTransport, clientTLS, clientEvents), (server, serverTransport, serverTLS, serverEvents)]
        for (channel, transport, tls, events) in ends {
            try channel.pipeline.syncOperations.addHandler(transport, name: "transport")
            try channel.pipeline.syncOperations.addHandler(tls)
            try channel.pipeline.syncOperations.addHandler(events)
        }
    }

    /// Makes both channels active; the client's ClientHello is then waiting in its outbound.
    func connect() throws {
        let address = try SocketAddress(ipAddress: "127.0.0.1", port: 443)
        try server.connect(to: address).wait()
        try client.connect(to: address).wait()
    }

    /// Connects and runs the handshake to its end.
    func handshake() throws {
        try connect()
        try interact()
        XCTAssertNotNil(clientEvents.negotiatedParameters, "client handshake")
        XCTAssertNotNil(serverEvents.negotiatedParameters, "server handshake")
    }

    /// Moves bytes both ways until neither side has anything more to send. With `coalescing`,
    /// everything one side wrote in a round arrives at the other in a single read.
    func interact(coalescing: Bool = false) throws {
        var moved = true
        while moved {
            let toServer = try transfer(from: client, to: server, coalescing: coalescing)
            let toClient = try transfer(from: server, to: client, coalescing: coalescing)
            moved = toServer || toClient
        }
    }

    /// Takes everything a channel has written so far.
    static func takeOutbound(_ channel: EmbeddedChannel) throws -> [ByteBuffer] {
        var buffers: [ByteBuffer] = []
        while let buffer = try channel.readOutbound(as: ByteBuffer.self) { buffers.append(buffer) }
        return buffers
    }

    private func transfer(from sender: EmbeddedChannel, to receiver: EmbeddedChannel, coalescing: Bool) throws -> Bool {
        var buffers = try Self.takeOutbound(sender)
        guard !buffers.isEmpty else { return false }
        if coalescing, var first = buffers.first {
            for var buffer in buffers.dropFirst() { first.writeBuffer(&buffer) }
            buffers = [first]
        }
        for buffer in buffers where receiver.isActive {
            try receiver.writeInbound(buffer)
        }
        return true
    }
}

/// A pass-through handler below the TLS handler that counts the writes reaching the transport,
/// flushed or not.
final class TransportHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private(set) var writeCount = 0
    private(set) var flushCount = 0

    func write(context: ChannelHandlerContext, data: NIOAny, promise: EventLoopPromise<Void>?) {
        writeCount += 1
        context.write(data, promise: promise)
    }

    func flush(context: ChannelHandlerContext) {
        flushCount += 1
        context.flush()
    }
}

extension ByteBuffer {
    var bytes: [UInt8] { Array(readableBytesView) }
}
