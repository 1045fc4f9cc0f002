/// Why `store copy` stopped, in words that say what to do. Nothing here is a crash: every bad
/// input (missing file, not a BrightKitchen store, wrong password, unreachable server, a target
/// that holds data) ends the command with one of these.
public struct StoreCopyError: Error, CustomStringConvertible, Sendable {
    public enum Kind: Sendable, Equatable {
        /// The SQLite file is missing, unreadable or not a BrightKitchen store.
        case source
        /// The PostgreSQL URL, password or server.
        case target
        /// The target holds rows, or a copy of another store.
        case notEmpty
        /// Counts or checksums differ after a table was copied.
        case verification
        /// A row SQLite holds cannot be written as PostgreSQL's column type.
        case value
        /// Stopped on purpose (a test's hook, Ctrl-C): re-run to continue.
        case interrupted
    }

    public let kind: Kind
    public let message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}
