import Foundation

/// Decrypted application data not yet read, oldest first: large records as slices of what the
/// AEAD returned, anything else copied together.
///
/// Sharing the AEAD's buffer saves a copy for full records, but that buffer holds the record's
/// padding too: a peer sending one content byte and 16 KiB of padding per record would make the
/// memory held grow 16,000 times faster than ``count``, which is what
/// ``ConnectionLimits/maximumBufferedPlaintext`` is checked against. So only large, barely
/// padded records are shared; the rest is copied, small records gathered together, and what is
/// held stays within a few percent of the count.
struct PlaintextQueue {
    /// A record's content at least this long, with at most ``maximumSharedWaste`` bytes of
    /// padding, is kept in the buffer the AEAD returned; shorter or padded content is copied.
    static let minimumSharedPiece = 4_096
    static let maximumSharedWaste = 256
    /// Copied content is gathered into pieces of up to this many bytes.
    static let gatheredPieceSize = 16_384

    private var pieces: [Data] = []
    private var lastPieceIsCopy = false
    /// The number of bytes held.
    private(set) var count = 0

    /// How many pieces the bytes are held in (for tests).
    var pieceCount: Int { pieces.count }

    /// Adds a record's `content`, which the AEAD opened from `decryptedLength` bytes of
    /// content and padding.
    mutating func append(_ content: Data, decryptedLength: Int) {
        defer { count += content.count }
        if content.count >= Self.minimumSharedPiece && decryptedLength - content.count <= Self.maximumSharedWaste {
            pieces.append(content)
            lastPieceIsCopy = false
        } else if lastPieceIsCopy, pieces[pieces.count - 1].count + content.count <= Self.gatheredPieceSize {
            pieces[pieces.count - 1].append(content)
        } else {
            // Data(UnsafeRawBufferPointer) copies exactly these bytes; Data(content) could share
            // the record's buffer.
            pieces.append(content.withUnsafeBytes { Data($0) })
            lastPieceIsCopy = true
        }
    }

    /// Empties the queue, calling `body` with each piece in order; returns the number of bytes
    /// handed over.
    mutating func removeAll(_ body: (UnsafeRawBufferPointer) -> Void) -> Int {
        let count = self.count
        // Idle connections hold no plaintext buffers.
        let taken = pieces
        self = PlaintextQueue()
        for piece in taken { piece.withUnsafeBytes(body) }
        return count
    }
}
