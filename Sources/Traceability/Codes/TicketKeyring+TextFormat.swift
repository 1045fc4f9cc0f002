/// The keyring file: line-oriented text an operator can read, diff and back up.
///
/// ```
/// # comment lines and blank lines are ignored
/// active 1
/// key 1 <64 or more hex digits>
/// key 0 <hex>          (retired: still verifies, no longer signs)
/// ```
///
/// A key id is its base32 symbol, the first character of the codes it signs. Fields are separated
/// by spaces or tabs.
extension TicketKeyring {
    /// Parses a keyring file.
    public init(text: String) throws(TicketKeyringError) {
        var activeID: TicketKeyID?
        var keys: [TicketKey] = []
        for (index, rawLine) in text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).enumerated() {
            let lineNumber = index + 1
            let fields = rawLine.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
            guard let directive = fields.first, !directive.hasPrefix("#") else { continue }
            switch directive {
            case "active":
                guard fields.count == 2 else { throw .wrongFieldCount(line: lineNumber, expected: "active <id>") }
                guard activeID == nil else { throw .repeatedActiveLine(line: lineNumber) }
                activeID = try Self.keyID(fields[1], line: lineNumber)
            case "key":
                guard fields.count == 3 else { throw .wrongFieldCount(line: lineNumber, expected: "key <id> <hex>") }
                let id = try Self.keyID(fields[1], line: lineNumber)
                guard let secret = Hex.decode(fields[2]) else { throw .invalidHex(line: lineNumber) }
                keys.append(try TicketKey(id: id, secret: secret))
            default:
                throw .unknownDirective(line: lineNumber, word: String(directive))
            }
        }
        guard let activeID else { throw .noActiveLine }
        guard let activeIndex = keys.firstIndex(where: { $0.id == activeID }) else {
            throw .activeKeyMissing(activeID)
        }
        let active = keys.remove(at: activeIndex)
        try self.init(active: active, retired: keys)   // a second line with the active id is a duplicate
    }

    /// The keyring as a file ``init(text:)`` reads back.
    public var text: String {
        var lines = [
            "# BrightKitchen ticket keyring: keep secret, anyone holding a key can sign valid codes.",
            "active \(activeKey.id)",
            "key \(activeKey.id) \(activeKey.secretHex)",
        ]
        lines += retiredKeys.map { "key \($0.id) \($0.secretHex)" }
        return lines.joined(separator: "\n") + "\n"
    }

    private static func keyID(_ field: Substring, line: Int) throws(TicketKeyringError) -> TicketKeyID {
        // Only canonical symbols: a file is written by a program or a careful operator, and an
        // alias such as `O` for `0` would let two lines name one key without looking alike.
        guard field.count == 1, let id = TicketKeyID(symbol: String(field)),
              CrockfordBase32.symbols[Int(id.rawValue)] == field.utf8.first else {
            throw .malformedKeyID(line: line, text: String(field))
        }
        return id
    }
}
