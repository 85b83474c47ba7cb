@testable import TLSKit

/// One record with its fragment in an array of its own, for tests: the core reads records in
/// place, as views the deframer lends (`ReceivedRecord`).
struct OwnedRecord: Hashable, Sendable {
    var contentType: ContentType
    var legacyVersion: UInt16
    var fragment: [UInt8]

    init(contentType: ContentType, legacyVersion: UInt16, fragment: [UInt8]) {
        self.contentType = contentType
        self.legacyVersion = legacyVersion
        self.fragment = fragment
    }

    /// An owned copy of a record the deframer handed over.
    init(_ record: ReceivedRecord) {
        self.init(contentType: record.contentType, legacyVersion: record.legacyVersion, fragment: record.fragment)
    }

    /// Calls `body` with a view of this record, as the deframer would hand it over.
    func withReceivedRecord<Result>(_ body: (ReceivedRecord) throws -> Result) rethrows -> Result {
        try fragment.withUnsafeBytes { bytes in
            try body(ReceivedRecord(contentType: contentType, legacyVersion: legacyVersion, body: bytes))
        }
    }
}

extension RecordProtection {
    /// Opens `record` as the connection does, with the content copied out.
    mutating func open(_ record: OwnedRecord) throws -> (contentType: ContentType, content: [UInt8]) {
        let (contentType, content, _) = try record.withReceivedRecord { try openContent($0) }
        return (contentType, Array(content))
    }
}
