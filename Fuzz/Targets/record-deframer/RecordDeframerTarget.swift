import FuzzSupport
@_spi(Fuzzing) import TLSKit

/// The record deframer and the handshake reassembler behind it: arbitrary bytes, delivered in
/// pieces whose size the first byte chooses. Whatever the split, the records and messages must
/// be the same as when everything arrives at once.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    var input = FuzzInput(data, size)
    let pieceSize = Int(input.byte()) + 1
    let stream = Array(input.rest())
    let whole = FuzzEntryPoints.deframe([stream[...]])
    let pieces = stride(from: 0, to: stream.count, by: pieceSize).map { stream[$0..<min($0 + pieceSize, stream.count)] }
    let split = FuzzEntryPoints.deframe(pieces)
    precondition(whole?.records == split?.records && whole?.bufferedByteCount == split?.bufferedByteCount, "the split changed the records")
    guard let (records, buffered) = whole else { return 0 }
    precondition(records.reduce(buffered) { $0 + 5 + $1.fragment.count } == stream.count, "bytes lost or invented")

    let fragments = records.filter { $0.contentType == 22 }.map(\.fragment)
    let messages = FuzzEntryPoints.reassemble(fragments, maximumMessageSize: 1024)
    let joined = FuzzEntryPoints.reassemble([fragments.flatMap { $0 }], maximumMessageSize: 1024)
    precondition(messages == joined, "record boundaries changed the handshake messages")
    return 0
}
