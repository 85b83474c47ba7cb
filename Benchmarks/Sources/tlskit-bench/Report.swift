import Foundation

/// One measured number: printed as `NAME VALUE UNIT`.
struct Figure {
    let name: String
    let value: Double
    let unit: String

    var line: String {
        let digits = unit == "bytes" ? 0 : 1
        return "\(name) \(String(format: "%.\(digits)f", value)) \(unit)"
    }
}

/// Writes figures and comments to stdout as they are measured, so a long run shows progress.
enum Report {
    static func figure(_ figure: Figure) {
        print(figure.line)
        fflush(stdout)
    }

    /// A line scripts skip: it starts with `#`.
    static func comment(_ text: String) {
        print("# \(text)")
        fflush(stdout)
    }

    /// Diagnostics go to stderr, never to stdout.
    static func error(_ text: String) {
        FileHandle.standardError.write(Data("tlskit-bench: \(text)\n".utf8))
    }
}
