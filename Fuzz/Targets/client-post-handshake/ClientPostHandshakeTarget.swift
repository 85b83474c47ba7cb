import FuzzSupport
@_spi(Fuzzing) import TLSKit

/// A client after a complete handshake with a real server that sent no tickets (byte 0
/// chooses the ``Scenario``): the chunks are the server's records under its application
/// traffic keys (NewSessionTicket, KeyUpdate, CertificateRequest, application data, alerts)
/// mixed with the client application's calls.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    var input = FuzzInput(data, size)
    let scenario = Scenario(input.byte())
    let keyLog = KeyLog()
    let client = scenario.makeClient(keyLog: keyLog)
    let server = scenario.makeServer(keyLog: nil)
    expect("no tickets") { try server.setTicketCount(0) }
    expect("the handshake") { try Exchange.run(client, server) }
    var feeder = Feeder(client, keyLog: keyLog, label: "SERVER_TRAFFIC_SECRET_0", suite: scenario.suite)
    feeder.feedAll(&input) { try Calls.client(client, $0) }
    return 0
}
