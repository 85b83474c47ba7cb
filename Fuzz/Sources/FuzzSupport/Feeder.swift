@_spi(Fuzzing) import TLSKit

/// Plays the peer of a connection under test: feeds it chunks from the input, protecting
/// records under the traffic secret the connection logged under ``label`` as soon as it exists,
/// and checks after every step that the connection keeps its error contract.
public struct Feeder {
    public let connection: TLSConnection
    private let keyLog: KeyLog
    private let label: String
    private let suite: CipherSuite
    private var sealer: FuzzEntryPoints.RecordSealer?
    /// Protected handshake content sent so far that is not yet a whole message.
    private var handshakeContent: [UInt8] = []

    /// - Parameters:
    ///   - label: the NSS key log label of the peer's write secret (for a server under test,
    ///     `CLIENT_HANDSHAKE_TRAFFIC_SECRET` or `CLIENT_TRAFFIC_SECRET_0`).
    ///   - suite: the suite the connection negotiates (the scenario allows only one).
    public init(_ connection: TLSConnection, keyLog: KeyLog, label: String, suite: CipherSuite) {
        self.connection = connection
        self.keyLog = keyLog
        self.label = label
        self.suite = suite
    }

    /// Feeds every chunk of `input` until the connection fails; `call` performs the numbered
    /// application calls.
    public mutating func feedAll(_ input: inout FuzzInput, call: (UInt8) throws -> Void) {
        drain()
        while let chunk = input.nextChunk() {
            guard feed(chunk, call: call) else { return }
        }
    }

    /// Feeds one chunk. Returns false once the connection has failed.
    mutating func feed(_ chunk: Chunk, call: (UInt8) throws -> Void) -> Bool {
        if sealer == nil, let secret = keyLog[label] {
            sealer = FuzzEntryPoints.RecordSealer(suite: suite, secretHex: secret)
        }
        var bytes: [UInt8]
        var protectedHandshake: ArraySlice<UInt8> = []
        switch chunk {
        case .record(let type, let content, let padded):
            if sealer != nil {
                bytes = sealer!.seal(contentType: type, content: content, padding: padded ? 17 : 0)
                if type == 22 { protectedHandshake = content.prefix(16_384) }
            } else {
                bytes = Exchange.recordHeader(type: type, length: content.count) + content
            }
        case .raw(let content):
            bytes = Array(content)
        case .call(let number):
            do {
                try call(number)
            } catch let error as TLSError {
                if connection.error != nil { checkFailure(error) }
            } catch {
                fatalError("a call threw something other than TLSError: \(error)")
            }
            drain()
            return connection.error == nil
        }
        do {
            try connection.receive(bytes)
        } catch {
            checkFailure(error)
            return false
        }
        followKeyUpdates(protectedHandshake)
        drain()
        return true
    }

    /// RFC 8446 §4.6.3: after a KeyUpdate the sender moves to its next traffic secret. The
    /// connection accepted the content, so every KeyUpdate in it took effect.
    private mutating func followKeyUpdates(_ content: ArraySlice<UInt8>) {
        handshakeContent += content
        while handshakeContent.count >= 4 {
            let length = Int(handshakeContent[1]) << 16 | Int(handshakeContent[2]) << 8 | Int(handshakeContent[3])
            guard handshakeContent.count >= 4 + length else { return }
            if handshakeContent[0] == 24 { sealer?.moveToNextSecret() }
            handshakeContent.removeFirst(4 + length)
        }
    }

    /// A failed call: the error is a TLSError, it is the connection's error from now on, its
    /// alert is already in the output, and every later call throws it again.
    private func checkFailure(_ thrown: Error) {
        guard let error = thrown as? TLSError else { fatalError("receive threw something other than TLSError: \(thrown)") }
        precondition(connection.error == error, "the connection kept \(String(describing: connection.error)), not \(error)")
        let output = connection.takeOutput()
        if error.alertSent != nil {
            precondition(output.count >= 5 + 2, "\(error) but no alert in the output")
        }
        do {
            try connection.receive([21, 3, 3, 0, 2, 1, 0])
            fatalError("a failed connection accepted more bytes")
        } catch let again as TLSError {
            precondition(again == error, "a failed connection threw \(again), then \(error)")
        } catch {
            fatalError("receive threw something other than TLSError: \(error)")
        }
        _ = error.description
    }

    /// Takes everything the connection produced, as an application would.
    private func drain() {
        _ = connection.takeOutput()
        _ = connection.readApplicationData()
        while connection.nextEvent() != nil {}
    }
}
