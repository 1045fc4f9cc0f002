/// What is wrong with a keyring or its file.
public enum TicketKeyringError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A secret is shorter than ``TicketKey/minimumByteCount`` bytes.
    case keyTooShort(TicketKeyID, byteCount: Int)
    /// Two keys share an id.
    case duplicateKeyID(TicketKeyID)
    /// All 32 key ids are in use, so there is none to rotate to.
    case noFreeKeyID
    /// The active key cannot be removed; rotate first.
    case cannotRemoveActiveKey(TicketKeyID)
    /// No key with this id is held.
    case unknownKeyID(TicketKeyID)
    /// The file has no `active` line.
    case noActiveLine
    /// The file's `active` line names a key id that has no `key` line.
    case activeKeyMissing(TicketKeyID)
    /// A second `active` line (1-based line number).
    case repeatedActiveLine(line: Int)
    /// A line starts with a word other than `active` or `key`.
    case unknownDirective(line: Int, word: String)
    /// A line has the wrong number of fields for its directive.
    case wrongFieldCount(line: Int, expected: String)
    /// A key id is not one base32 symbol (`0-9 A-Z` without `I L O U`).
    case malformedKeyID(line: Int, text: String)
    /// A secret is not an even number of hex digits (the secret itself is not echoed).
    case invalidHex(line: Int)

    public var description: String {
        switch self {
        case let .keyTooShort(id, count):
            "key \(id) has \(count) bytes; at least \(TicketKey.minimumByteCount) are required"
        case let .duplicateKeyID(id): "key id \(id) is used twice"
        case .noFreeKeyID: "all \(TicketKeyID.count) key ids are in use; remove a retired key first"
        case let .cannotRemoveActiveKey(id): "key \(id) is the active key; rotate before removing it"
        case let .unknownKeyID(id): "there is no key with id \(id)"
        case .noActiveLine: "the keyring has no 'active <id>' line"
        case let .activeKeyMissing(id): "the active key id \(id) has no 'key \(id) <hex>' line"
        case let .repeatedActiveLine(line): "line \(line): a second 'active' line"
        case let .unknownDirective(line, word):
            "line \(line): unknown directive '\(Self.excerpt(word))', expected 'active' or 'key'"
        case let .wrongFieldCount(line, expected): "line \(line): expected '\(expected)'"
        case let .malformedKeyID(line, text):
            "line \(line): '\(Self.excerpt(text))' is not a key id (one of 0-9 A-Z without I L O U)"
        case let .invalidHex(line): "line \(line): the secret is not an even number of hex digits"
        }
    }

    /// A misplaced field may be a secret (`key <hex> <id>`, a line holding only the hex): quote
    /// no more than a few characters of it.
    private static func excerpt(_ text: String) -> String {
        text.count <= 6 ? text : text.prefix(4) + "… (\(text.count) characters)"
    }
}
