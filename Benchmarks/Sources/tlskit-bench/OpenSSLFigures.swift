import COpenSSLReference

/// OpenSSL (the system's libssl) measured with the same set-up as TLSKit's core figures, in
/// the same run: the reference the targets for full and resumed handshakes are set against.
enum OpenSSLFigures {
    /// libssl's version, for the header comment.
    static var version: String { String(cString: osslref_version()) }

    /// Contexts for both sides over the bench's certificates.
    final class Reference {
        let pointer: OpaquePointer

        init(pki: PKI, ticketCount: Int) throws {
            let leaf = try PKI.der(pki.leaf)
            let root = try PKI.der(pki.root)
            var error = [CChar](repeating: 0, count: 512)
            guard let pointer = osslref_create(
                leaf, leaf.count, pki.leafKey.pemRepresentation, root, root.count, Int32(ticketCount), &error, error.count)
            else {
                throw TLSKitPair.Failure(description: "OpenSSL set-up failed: \(String(cString: error))")
            }
            self.pointer = pointer
        }

        deinit { osslref_free(pointer) }
    }

    /// New connections each time, full handshake; the client reads `ticketCount` tickets.
    static func fullHandshakes(_ context: BenchContext, ticketCount: Int) throws -> Rounds {
        let reference = try Reference(pki: context.pki, ticketCount: ticketCount)
        return Rounds.rate { nanoseconds in
            try Budget.iterationsPerSecond(for: nanoseconds) {
                let tickets = osslref_full_handshake(reference.pointer)
                guard tickets == ticketCount else {
                    throw TLSKitPair.Failure(description: "OpenSSL: expected \(ticketCount) tickets, got \(tickets)")
                }
            }
        }
    }

    /// Each connection resumes (psk_dhe_ke, OpenSSL's default) with the newest ticket and
    /// receives one new ticket.
    static func resumedHandshakes(_ context: BenchContext) throws -> Rounds {
        let reference = try Reference(pki: context.pki, ticketCount: 2)
        guard osslref_full_handshake(reference.pointer) == 2 else {
            throw TLSKitPair.Failure(description: "OpenSSL: the first full handshake failed")
        }
        return Rounds.rate { nanoseconds in
            try Budget.iterationsPerSecond(for: nanoseconds) {
                let tickets = osslref_resumed_handshake(reference.pointer)
                guard tickets == 1 else {
                    throw TLSKitPair.Failure(description: "OpenSSL: expected a resumption and one new ticket, got \(tickets)")
                }
            }
        }
    }

    /// MB/s of the client writing 64 × 16 KiB and the server reading them, on one connection.
    static func bulk(_ context: BenchContext) throws -> Rounds {
        let reference = try Reference(pki: context.pki, ticketCount: 0)
        guard let connection = osslref_connect(reference.pointer) else {
            throw TLSKitPair.Failure(description: "OpenSSL: the bulk connection failed")
        }
        return Rounds.rate(finish: { osslref_close(connection) }) { nanoseconds in
            try Budget.iterationsPerSecond(for: nanoseconds) {
                guard osslref_transfer(connection, Bulk.chunk, Bulk.chunk.count, Int32(Bulk.recordsPerIteration)) == 0 else {
                    throw TLSKitPair.Failure(description: "OpenSSL: the transfer failed")
                }
            }
        }.map { Bulk.megabytesPerSecond(iterations: $0) }
    }
}
