import Foundation
import SwiftASN1

extension ClientSession {
    /// The PEM type of a serialized session.
    static let pemDiscriminator = "TLSKIT SESSION"
    static let currentVersion: UInt8 = 1
    /// The latest `received_at` a session may carry: 9999-12-31T23:59:59.999Z. A `Date` holds
    /// milliseconds exactly only up to about 2^51 of them, so a later time would not read
    /// back as the value written; no real clock gets near it.
    static let latestReceivedAt: UInt64 = 253_402_300_799_999

    /// The session as PEM text (`-----BEGIN TLSKIT SESSION-----`), like `PEM_write_bio_SSL_SESSION`.
    ///
    /// Inside is TLSKit's versioned binary encoding:
    ///
    ///     struct {
    ///         uint8 version = 1;
    ///         opaque server_name<0..2^16-1>;            // UTF-8
    ///         CipherSuite cipher_suite;
    ///         opaque psk<32..48>;
    ///         opaque ticket<1..2^16-1>;
    ///         uint32 lifetime;
    ///         uint32 age_add;
    ///         uint64 received_at;                       // milliseconds since 1970, at most 9999-12-31
    ///         uint32 max_early_data_size;
    ///         Optional<opaque application_protocol<1..2^8-1>>; // uint8 present flag, then the vector
    ///     } ClientSessionEncoding;
    ///
    /// The text contains the resumption secret: store it as carefully as a private key.
    public var pemEncoded: String {
        var writer = ByteWriter()
        writer.writeUInt8(Self.currentVersion)
        encodeBody(into: &writer)
        return PEMDocument(type: Self.pemDiscriminator, derBytes: writer.bytes).pemString + "\n"
    }

    /// Reads a session written by ``pemEncoded``, like `PEM_read_bio_SSL_SESSION`.
    ///
    /// - Throws: ``TLSError`` with code ``TLSError/Code/invalidConfiguration`` and a reason:
    ///   not a TLSKit session, an unsupported version, or damaged session data.
    public init(pemEncoded: String) throws {
        guard pemEncoded.contains("-----BEGIN ") else {
            throw TLSError.configuration("not a TLSKit session: no PEM block found")
        }
        let document: PEMDocument
        do {
            document = try PEMDocument(pemString: pemEncoded)
        } catch {
            throw TLSError.configuration("damaged session data: \(error)")
        }
        guard document.discriminator == Self.pemDiscriminator else {
            throw TLSError.configuration(
                "not a TLSKit session: the PEM type is \"\(document.discriminator)\", not \"\(Self.pemDiscriminator)\""
            )
        }
        var reader = ByteReader(document.derBytes)
        guard let version = try? reader.readUInt8() else { throw TLSError.configuration("damaged session data: empty") }
        guard version == Self.currentVersion else {
            throw TLSError.configuration("unsupported session version \(version)")
        }
        do {
            self = try ClientSession(body: &reader)
            try reader.expectEnd()
        } catch {
            throw TLSError.configuration("damaged session data: \(error)")
        }
    }

    private func encodeBody(into writer: inout ByteWriter) {
        writer.writeVector16(Array(serverName.utf8))
        writer.writeUInt16(cipherSuite.rawValue)
        writer.writeVector8(psk)
        writer.writeVector16(ticket)
        writer.writeUInt32(lifetime)
        writer.writeUInt32(ageAdd)
        writer.writeUInt64(receivedAt.millisecondsSince1970)
        writer.writeUInt32(maximumEarlyDataSize)
        writer.writeOptionalString(applicationProtocol) { $0.writeVector8($1) }
    }

    private init(body reader: inout ByteReader) throws {
        let serverName = try reader.readString { try $0.readVector16() }
        let cipherSuite = CipherSuite(rawValue: try reader.readUInt16())
        let psk = try reader.readVector8()
        guard ServerSessionState.pskLengths.contains(psk.count) else { throw DecodeFailure.invalidLength }
        self.init(
            serverName: serverName,
            cipherSuite: cipherSuite,
            psk: psk,
            ticket: try reader.readVector16(minimum: 1),
            lifetime: try reader.readUInt32(),
            ageAdd: try reader.readUInt32(),
            receivedAt: Date(millisecondsSince1970: try reader.readReceivedAt()),
            maximumEarlyDataSize: try reader.readUInt32(),
            applicationProtocol: try reader.readOptionalString { try $0.readVector8(minimum: 1) }
        )
    }
}

extension ByteReader {
    /// Reads a session's `received_at`, which must be no later than ``ClientSession/latestReceivedAt``.
    fileprivate mutating func readReceivedAt() throws -> UInt64 {
        let milliseconds = try readUInt64()
        guard milliseconds <= ClientSession.latestReceivedAt else { throw DecodeFailure.invalidValue }
        return milliseconds
    }
}
