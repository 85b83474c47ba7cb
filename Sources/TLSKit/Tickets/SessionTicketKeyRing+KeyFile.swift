import Foundation

extension SessionTicketKeyRing {
    /// The first word of every key line; a new format would get a new word.
    static let keyLineTag = "tlskit-ticket-key-v1"

    /// Text in the key file format, with `keyCount` fresh keys created now; the last line seals.
    ///
    /// Used by the `tlskit` tool to make a file a fleet of servers shares, and by tests.
    public static func generateKeyFile(
        keyCount: Int = 1, time: TimeSource = .system, random: RandomSource = .system
    ) -> String {
        precondition(keyCount >= 1, "a ticket key file needs at least one key")
        let now = time.now
        let created = UInt64(max(0, now.timeIntervalSince1970.rounded(.down)))
        var text = """
            # TLSKit session ticket keys. Secret: whoever reads this file can decrypt resumed sessions.
            # \(keyLineTag) <name: 32 hex digits> <key: 64 hex digits> <created: Unix seconds>
            # The newest key (by created time; on a tie, the later line) seals new tickets.

            """
        for _ in 0..<keyCount {
            let name = random.bytes(SessionTicketKey.nameLength)
            let key = random.bytes(SessionTicketKey.keyLength)
            text += "\(keyLineTag) \(Hex.encode(name)) \(Hex.encode(key)) \(created)\n"
        }
        return text
    }

    /// Reads a key file and returns the keys inside the acceptance window, newest first.
    static func readKeyFile(_ path: String, acceptanceWindow: TimeInterval, now: Date) throws -> [SessionTicketKey] {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw TLSError.configuration("cannot read ticket key file \(path): \(error.localizedDescription)")
        }
        let keys = try parseKeyFile(text, origin: path).filter { $0.age(at: now) < acceptanceWindow }
        guard !keys.isEmpty else {
            throw TLSError.configuration(
                "no key in ticket key file \(path) is younger than the acceptance window; add a new key"
            )
        }
        return keys
    }

    /// Parses key file text into keys, newest first. `origin` names the file in errors.
    static func parseKeyFile(_ text: String, origin: String) throws -> [SessionTicketKey] {
        var numbered: [(line: Int, key: SessionTicketKey)] = []
        // `isNewline` splits LF and CRLF alike ("\r\n" is a single Character in Swift).
        for (index, rawLine) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let line = rawLine.trimmingCharacters(in: .whitespacesAndNewlines)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let key = try parseKeyLine(line, where: "ticket key file \(origin), line \(index + 1)")
            if let earlier = numbered.first(where: { $0.key.name == key.name }) {
                throw TLSError.configuration(
                    "ticket key file \(origin), line \(index + 1): key name repeats line \(earlier.line)"
                )
            }
            numbered.append((index + 1, key))
        }
        guard !numbered.isEmpty else { throw TLSError.configuration("ticket key file \(origin) holds no keys") }
        return numbered.sorted { ($0.key.createdAt, $0.line) > ($1.key.createdAt, $1.line) }.map(\.key)
    }

    private static func parseKeyLine(_ line: String, where location: String) throws -> SessionTicketKey {
        let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
        guard fields.count == 4, fields[0] == keyLineTag else {
            throw TLSError.configuration(
                "\(location): expected \"\(keyLineTag) <name> <key> <created>\", found \(fields.count) fields starting \"\(fields.first ?? "")\""
            )
        }
        guard let name = Hex.decode(fields[1]), name.count == SessionTicketKey.nameLength else {
            throw TLSError.configuration("\(location): the name must be \(2 * SessionTicketKey.nameLength) hex digits")
        }
        guard let key = Hex.decode(fields[2]), key.count == SessionTicketKey.keyLength else {
            throw TLSError.configuration("\(location): the key must be \(2 * SessionTicketKey.keyLength) hex digits")
        }
        guard let created = UInt64(fields[3]) else {
            throw TLSError.configuration("\(location): the created time must be Unix seconds, not \"\(fields[3])\"")
        }
        return try SessionTicketKey(name: name, keyBytes: key, createdAt: Date(timeIntervalSince1970: Double(created)))
    }
}
