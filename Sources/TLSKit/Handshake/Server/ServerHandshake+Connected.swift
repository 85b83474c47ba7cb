extension ServerHandshake {
    /// The established connection: post-handshake messages from the client.
    struct Connected {
        let configuration: ServerConfiguration
        var traffic: ApplicationTraffic
        let resumption: KeySchedule.Resumption
        let parameters: NegotiatedParameters

        func handle(_ message: HandshakeMessage, raw: [UInt8], output: inout HandshakeOutput) throws -> Connected {
            var next = self
            switch message {
            case .keyUpdate(let update):
                next.traffic.receive(update, output: &output)
            default:
                throw TLSError(.unexpectedMessage("\(message.type) after the handshake"))
            }
            return next
        }
    }
}
