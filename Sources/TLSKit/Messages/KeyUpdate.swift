/// RFC 8446 §4.6.3
///
///     enum {
///         update_not_requested(0), update_requested(1), (255)
///     } KeyUpdateRequest;
enum KeyUpdateRequest: UInt8, Sendable {
    case notRequested = 0
    case requested = 1
}

/// RFC 8446 §4.6.3
///
///     struct {
///         KeyUpdateRequest request_update;
///     } KeyUpdate;
///
/// "If an implementation receives any other value, it MUST terminate the
/// connection with an "illegal_parameter" alert."
struct KeyUpdate: Hashable, Sendable {
    var request: KeyUpdateRequest
}

extension KeyUpdate {
    init(from reader: inout ByteReader) throws {
        guard let request = KeyUpdateRequest(rawValue: try reader.readUInt8()) else {
            throw TLSError(.illegalParameter("KeyUpdate request_update"))
        }
        self.request = request
    }

    func encode(into writer: inout ByteWriter) {
        writer.writeUInt8(request.rawValue)
    }
}
