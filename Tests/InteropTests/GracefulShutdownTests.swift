import Foundation
import XCTest

/// `tlskit server` stops cleanly on SIGTERM and SIGINT: it stops accepting, sends close_notify on
/// every live connection, and exits with status 0 within its bound. Python's `ssl` tells a
/// close_notify (recv returns b"") from a transport closed without one (SSLEOFError, with
/// ragged EOFs not suppressed).
final class GracefulShutdownTests: InteropTestCase {
    private static let clients = """
        import socket, ssl, sys
        port, count = int(sys.argv[1]), int(sys.argv[2])
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        context.check_hostname = False
        context.verify_mode = ssl.CERT_NONE
        connections = []
        for index in range(count):
            raw = socket.create_connection(("127.0.0.1", port), timeout=10)
            connection = context.wrap_socket(raw, server_hostname="localhost", suppress_ragged_eofs=False)
            line = b"hello %d\\n" % index
            connection.sendall(line)
            assert connection.recv(100) == line
            connections.append(connection)
        print("connected", count, flush=True)
        clean = 0
        for connection in connections:
            try:
                data = connection.recv(100)
                if data == b"":
                    clean += 1
                else:
                    print("unexpected data", data, flush=True)
            except ssl.SSLEOFError as error:
                print("no close_notify:", error, flush=True)
        print("close_notify", clean, "of", count, flush=True)
        """

    private func checkShutdown(on signal: Int32, _ label: String) throws {
        let python = try Peers.requirePython(importing: ["ssl"])
        let script = try script("graceful_shutdown_clients.py", Self.clients)
        let (server, port) = try startTLSKitServer(["--shutdown-timeout", "5"])
        let clients = try start(python, [script, "\(port)", "10"], name: "python clients")
        try require(clients.waitFor("connected 10", timeout: Self.stepTimeout), "\(label): 10 clients did not connect")
        let started = Date()
        kill(server.processIdentifier, signal)
        let status = server.waitForExit(timeout: 6)
        let elapsed = Date().timeIntervalSince(started)
        XCTAssertEqual(status, 0, "\(label): exit status")
        XCTAssertLessThan(elapsed, 5, "\(label): the server exits within its shutdown bound")
        XCTAssertTrue(server.standardError.contains("shutdown: closed 10 connections"), "\(label):\n\(server.standardError)")
        try require(clients.waitFor("close_notify", timeout: Self.stepTimeout), "\(label): the clients did not finish")
        XCTAssertTrue(clients.standardOutput.contains("close_notify 10 of 10"), "\(label):\n\(clients.standardOutput)")
        XCTAssertEqual(clients.waitForExit(timeout: Self.stepTimeout), 0)
        // The listener is gone: a new connection is refused.
        let refused = try Peers.run(python, ["-c", "import socket; socket.create_connection(('127.0.0.1', \(port)), timeout=5)"])
        XCTAssertNotEqual(refused.status, 0, "\(label): still accepting after shutdown")
    }

    func testSIGTERMSendsCloseNotifyToEveryConnectionAndExitsZero() throws {
        try checkShutdown(on: SIGTERM, "SIGTERM")
    }

    func testSIGINTSendsCloseNotifyToEveryConnectionAndExitsZero() throws {
        try checkShutdown(on: SIGINT, "SIGINT")
    }
}
