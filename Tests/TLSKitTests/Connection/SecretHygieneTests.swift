import XCTest

@testable import TLSKit

final class SecretHygieneTests: XCTestCase {
    func testConnectionsNeverShowTheirSecrets() throws {
        let secrets = LockedLines()
        let certified = TestPKI.certifiedKey()
        var client = TestPKI.clientConfiguration(trusting: certified)
        client.keyLog = { secrets.append($0) }
        let pair = try ConnectionPair(clientConfiguration: client, serverConfiguration: TestPKI.serverConfiguration(certified))
        try pair.exchange()
        let hexSecrets = secrets.all.map { String($0.split(separator: " ")[2]) }
        XCTAssertEqual(hexSecrets.count, 5)
        for connection in [pair.client as TLSConnection, pair.server] {
            var dumped = ""
            dump(connection, to: &dumped)
            let texts = [dumped, connection.description, String(reflecting: connection), "\(connection)"]
            for text in texts {
                for secret in hexSecrets { XCTAssertFalse(text.contains(secret), "secret in \(text)") }
                XCTAssertFalse(text.contains("SymmetricKey"), text)
            }
            XCTAssertTrue(connection.description.contains("established"))
        }
    }

    func testErrorsNeverCarryKeyMaterial() throws {
        let certified = TestPKI.certifiedKey()
        let secrets = LockedLines()
        var client = TestPKI.clientConfiguration(trusting: TestPKI.certifiedKey())
        client.keyLog = { secrets.append($0) }
        let pair = try ConnectionPair(clientConfiguration: client, serverConfiguration: TestPKI.serverConfiguration(certified))
        XCTAssertThrowsError(try pair.exchange()) { error in
            let text = "\(error)" + String(reflecting: error)
            for line in secrets.all { XCTAssertFalse(text.contains(String(line.split(separator: " ")[2]))) }
        }
    }
}
