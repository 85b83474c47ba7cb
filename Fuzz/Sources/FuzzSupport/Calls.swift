@_spi(Fuzzing) import TLSKit

/// The application calls a connection target can make between chunks, by number.
public enum Calls {
    /// Calls either role makes; returns false for a number it does not know.
    static func common(_ connection: TLSConnection, _ number: UInt8) throws -> Bool {
        switch number {
        case 1: try connection.updateKeys(requestPeerUpdate: false)
        case 2: try connection.updateKeys(requestPeerUpdate: true)
        case 3: try connection.write(Array("GET / HTTP/1.0\r\n\r\n".utf8))
        case 4: connection.close()
        case 5: try connection.driveHandshake()
        case 8: _ = try connection.exportKeyingMaterial(label: "EXPORTER-fuzz", length: 32)
        default: return false
        }
        return true
    }

    public static func server(_ server: ServerConnection, _ number: UInt8) throws {
        if try common(server, number) { return }
        let roots = TrustRoots.certificates([Fixtures.clientCertificate.chain[0]])
        switch number {
        case 0: try server.requestSessionTicket()
        case 6: try server.requestClientCertificate(trustRoots: roots, required: false)
        case 7: try server.requestClientCertificate(trustRoots: roots, required: true)
        case 9: try server.setTicketCount(0)
        default: break
        }
    }

    public static func client(_ client: ClientConnection, _ number: UInt8) throws {
        _ = try common(client, number)
    }
}
