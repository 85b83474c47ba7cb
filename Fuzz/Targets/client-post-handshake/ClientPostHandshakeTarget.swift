import FuzzSupport

/// A client after a complete handshake with a server that sent no tickets: the input plays the
/// server (NewSessionTicket, KeyUpdate, CertificateRequest, application data, alerts) mixed
/// with the client application's calls. See `ConnectionFuzzing.afterHandshake(_:_:)`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    var input = FuzzInput(data, size)
    ConnectionFuzzing.afterHandshake(.client, &input)
    return 0
}
