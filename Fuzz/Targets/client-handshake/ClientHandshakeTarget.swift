import FuzzSupport
@_spi(Fuzzing) import TLSKit

/// A client during its handshake. Byte 0 chooses the ``Scenario``; when bit 0 of byte 1 is set,
/// a real server's ServerHello (and HelloRetryRequest) comes first, and the chunks that follow
/// are protected under the server's handshake keys, standing in for its EncryptedExtensions,
/// CertificateRequest, Certificate, CertificateVerify and Finished. Otherwise the chunks are
/// the server's whole answer, ServerHello included.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    var input = FuzzInput(data, size)
    let scenario = Scenario(input.byte())
    let validStart = input.byte() & 1 != 0
    let keyLog = KeyLog()
    let client = scenario.makeClient(keyLog: keyLog)
    if validStart {
        let server = scenario.makeServer(keyLog: nil)
        expect("the start of the handshake") { try Exchange.startClient(client, keyLog: keyLog, with: server) }
    }
    var feeder = Feeder(client, keyLog: keyLog, label: "SERVER_HANDSHAKE_TRAFFIC_SECRET", suite: scenario.suite)
    feeder.feedAll(&input) { try Calls.client(client, $0) }
    return 0
}
