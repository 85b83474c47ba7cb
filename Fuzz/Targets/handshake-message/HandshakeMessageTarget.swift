import FuzzSupport
@_spi(Fuzzing) import TLSKit

/// Every handshake message decoder (with the extensions inside them): the first byte is the
/// handshake type, the rest the body. A message that decodes must encode to bytes that decode
/// to the same message.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    var input = FuzzInput(data, size)
    let type = input.byte()
    guard let encoded = FuzzEntryPoints.decodeHandshakeMessage(type: type, body: Array(input.rest())) else { return 0 }
    precondition(encoded[0] == type, "the message changed type")
    let again = FuzzEntryPoints.decodeHandshakeMessage(type: type, body: Array(encoded.dropFirst(4)))
    precondition(again == encoded, "a decoded message does not survive encoding")
    return 0
}
