import FuzzSupport
@_spi(Fuzzing) import TLSKit

/// A server after a complete handshake with a real client (byte 0 chooses the ``Scenario``):
/// the chunks are the client's records under its application traffic keys (application
/// data, alerts, KeyUpdate, answers to post-handshake CertificateRequests) mixed with the
/// server application's calls.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    var input = FuzzInput(data, size)
    let scenario = Scenario(input.byte())
    let keyLog = KeyLog()
    let server = scenario.makeServer(keyLog: keyLog)
    let client = scenario.makeClient(keyLog: nil)
    expect("the handshake") { try Exchange.run(client, server) }
    var feeder = Feeder(server, keyLog: keyLog, label: "CLIENT_TRAFFIC_SECRET_0", suite: scenario.suite)
    feeder.feedAll(&input) { try Calls.server(server, $0) }
    return 0
}
