import FuzzSupport
@_spi(Fuzzing) import TLSKit

/// A server during its handshake. Byte 0 chooses the ``Scenario``; when bit 0 of byte 1 is set,
/// a real client's ClientHello (and second ClientHello after a HelloRetryRequest) comes first,
/// and the chunks that follow are protected under the client's handshake keys, standing in
/// for its Certificate, CertificateVerify and Finished. Otherwise the chunks start the
/// handshake themselves.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    var input = FuzzInput(data, size)
    let scenario = Scenario(input.byte())
    let validStart = input.byte() & 1 != 0
    let keyLog = KeyLog()
    let server = scenario.makeServer(keyLog: keyLog)
    if validStart {
        let client = scenario.makeClient(keyLog: nil)
        expect("the start of the handshake") { try Exchange.startServer(server, keyLog: keyLog, with: client) }
    }
    var feeder = Feeder(server, keyLog: keyLog, label: "CLIENT_HANDSHAKE_TRAFFIC_SECRET", suite: scenario.suite)
    feeder.feedAll(&input) { try Calls.server(server, $0) }
    return 0
}
