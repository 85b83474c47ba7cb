import FuzzSupport

/// A server after a complete handshake: the input plays the client (application data, alerts,
/// KeyUpdate, answers to post-handshake CertificateRequests) mixed with the server
/// application's calls. See `ConnectionFuzzing.afterHandshake(_:_:)`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    var input = FuzzInput(data, size)
    ConnectionFuzzing.afterHandshake(.server, &input)
    return 0
}
