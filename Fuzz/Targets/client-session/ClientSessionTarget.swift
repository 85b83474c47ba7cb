import Foundation
import FuzzSupport
import TLSKit

/// Reading a serialized client session (`ClientSession(pemEncoded:)`). Byte 0 chooses the
/// form: even, the rest is the PEM text itself; odd, the rest is the binary encoding, wrapped
/// in a PEM block here. A session that reads must write back the same binary encoding, and
/// read back as an equal session.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    var input = FuzzInput(data, size)
    let wrapped = input.byte() & 1 != 0
    let rest = Array(input.rest())
    let text: String
    if wrapped {
        let base64 = Data(rest).base64EncodedString(options: [.lineLength64Characters, .endLineWithLineFeed])
        text = "-----BEGIN TLSKIT SESSION-----\n\(base64)\n-----END TLSKIT SESSION-----\n"
    } else {
        text = String(decoding: rest, as: UTF8.self)
    }
    guard let session = try? ClientSession(pemEncoded: text) else { return 0 }
    let written = session.pemEncoded
    guard let again = try? ClientSession(pemEncoded: written) else { preconditionFailure("a written session does not read back") }
    precondition(again == session && again.pemEncoded == written, "a session changed when written and read back")
    if wrapped {
        let body = written.split(separator: "\n").filter { !$0.hasPrefix("-----") }.joined()
        precondition(Data(base64Encoded: body).map(Array.init) == rest, "the session encoding is not canonical")
    }
    _ = session.isExpired(at: Fixtures.now)
    _ = session.description
    return 0
}
