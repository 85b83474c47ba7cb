/// RFC 8446 §4.4.4
///
///     struct {
///         opaque verify_data[Hash.length];
///     } Finished;
///
/// The body is all verify_data; its length depends on the negotiated hash, so the
/// state machine checks it.
struct Finished: Hashable, Sendable {
    var verifyData: [UInt8]
}

extension Finished {
    init(from reader: inout ByteReader) throws {
        verifyData = reader.readRest()
    }

    func encode(into writer: inout ByteWriter) {
        writer.writeBytes(verifyData)
    }
}
