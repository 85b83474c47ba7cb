import FuzzSupport

/// A server during its handshake: the input plays the client (ClientHello flights, then its
/// Certificate, CertificateVerify and Finished under its handshake keys). See
/// `ConnectionFuzzing.duringHandshake(_:_:)`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    var input = FuzzInput(data, size)
    ConnectionFuzzing.duringHandshake(.server, &input)
    return 0
}
