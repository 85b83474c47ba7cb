import Foundation

extension Date {
    /// Milliseconds since 1970, the unit tickets and serialized sessions store times in.
    /// Times before 1970 clamp to zero.
    var millisecondsSince1970: UInt64 {
        let milliseconds = (timeIntervalSince1970 * 1000).rounded()
        guard milliseconds > 0 else { return 0 }
        guard milliseconds < Double(UInt64.max) else { return .max }
        return UInt64(milliseconds)
    }

    init(millisecondsSince1970 milliseconds: UInt64) {
        self.init(timeIntervalSince1970: Double(milliseconds) / 1000)
    }
}
