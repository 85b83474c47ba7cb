import Foundation

/// Converts IP addresses between text and the 4 or 16 network-order bytes
/// certificates carry (RFC 5280 §4.2.1.6, iPAddress).
enum IPAddressText {
    /// The bytes of an IPv4 or IPv6 address in text form, or nil if `text` is not one.
    static func parse(_ text: String) -> [UInt8]? {
        var v4 = [UInt8](repeating: 0, count: 4)
        if inet_pton(AF_INET, text, &v4) == 1 { return v4 }
        var v6 = [UInt8](repeating: 0, count: 16)
        if inet_pton(AF_INET6, text, &v6) == 1 { return v6 }
        return nil
    }

    /// The conventional text form of a 4- or 16-byte address, or nil for other lengths.
    static func format(_ bytes: [UInt8]) -> String? {
        let family: Int32
        switch bytes.count {
        case 4: family = AF_INET
        case 16: family = AF_INET6
        default: return nil
        }
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let result = bytes.withUnsafeBytes { source in
            inet_ntop(family, source.baseAddress, &buffer, socklen_t(buffer.count))
        }
        guard result != nil else { return nil }
        // The text ends at the first NUL inet_ntop wrote.
        let text = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return String(decoding: text, as: UTF8.self)
    }
}
