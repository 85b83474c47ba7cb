@testable import TLSKit

extension RecordDeframer {
    /// Every record `bytes` completes, each copied out of the view the deframer lends.
    mutating func records<Bytes: Collection>(_ bytes: Bytes) throws -> [OwnedRecord] where Bytes.Element == UInt8 {
        var records: [OwnedRecord] = []
        try Array(bytes).withUnsafeBytes { input in
            try receive(input) { record in
                records.append(OwnedRecord(record))
                return true
            }
        }
        return records
    }
}
