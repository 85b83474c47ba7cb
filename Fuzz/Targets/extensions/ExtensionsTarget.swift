import FuzzSupport
@_spi(Fuzzing) import TLSKit

/// Extension blocks as each message reads them: the first byte chooses the message, the rest
/// is the block with its length prefix. A block that decodes must encode to bytes that decode
/// to the same block.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    var input = FuzzInput(data, size)
    let contexts = FuzzEntryPoints.ExtensionContext.allCases
    let context = contexts[Int(input.byte()) % contexts.count]
    guard let encoded = FuzzEntryPoints.decodeExtensions(Array(input.rest()), in: context) else { return 0 }
    precondition(FuzzEntryPoints.decodeExtensions(encoded, in: context) == encoded, "a decoded block does not survive encoding")
    return 0
}
