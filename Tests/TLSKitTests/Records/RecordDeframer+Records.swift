@testable import TLSKit

extension RecordDeframer {
    /// Every record `bytes` completes, each copied out of the view the deframer lends.
    mutating func records<Bytes: Collection>(_ bytes: Bytes) throws -> [TLSRecord] where Bytes.Element == UInt8 {
        var records: [TLSRecord] = []
        try Array(bytes).withUnsafeBytes { input in
            try receive(input) { record in
                records.append(TLSRecord(record))
                return true
            }
        }
        return records
    }
}
