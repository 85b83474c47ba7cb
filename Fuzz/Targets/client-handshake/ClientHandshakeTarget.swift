import FuzzSupport

/// A client during its handshake: the input plays the server (ServerHello and HelloRetryRequest,
/// then EncryptedExtensions, CertificateRequest, Certificate, CertificateVerify and Finished
/// under its handshake keys). See `ConnectionFuzzing.duringHandshake(_:_:)`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    var input = FuzzInput(data, size)
    ConnectionFuzzing.duringHandshake(.client, &input)
    return 0
}
