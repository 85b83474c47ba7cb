@_spi(Fuzzing) import TLSKit

/// Traffic secrets a connection wrote to its key log, by NSS label, in hex.
public final class KeyLog: @unchecked Sendable {
    // Unchecked: a fuzz target runs on one thread.
    private var secrets: [String: String] = [:]

    public init() {}

    public var callback: KeyLogCallback {
        { [self] line in
            let parts = line.split(separator: " ")
            guard parts.count == 3 else { return }
            secrets[String(parts[0])] = String(parts[2])
        }
    }

    public subscript(label: String) -> String? { secrets[label] }

    public func removeAll() { secrets = [:] }
}
