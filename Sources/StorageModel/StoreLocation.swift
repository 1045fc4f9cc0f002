import Foundation

/// Where the gateway keeps its data, as given by `--database` / `BK_DATABASE`: a SQLite file (a
/// path, or `sqlite:PATH`) or a PostgreSQL server (`postgres://` or `postgresql://` URL).
public enum StoreLocation: Sendable, Hashable, CustomStringConvertible {
    case sqlite(path: String)
    case postgres(url: String)

    public struct Invalid: Error, CustomStringConvertible {
        public let description: String
    }

    public init(_ text: String) throws {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let lower = trimmed.lowercased()
        if lower.hasPrefix("postgres://") || lower.hasPrefix("postgresql://") {
            self = .postgres(url: trimmed)
        } else if lower.hasPrefix("sqlite:") {
            let path = String(trimmed.dropFirst("sqlite:".count))
            let bare = path.hasPrefix("//") ? String(path.dropFirst(2)) : path
            guard !bare.isEmpty else { throw Invalid(description: "'\(text)' names no SQLite file (sqlite:PATH)") }
            self = .sqlite(path: bare)
        } else if trimmed.isEmpty {
            throw Invalid(description: "the database is empty: give a SQLite file path or a postgres:// URL")
        } else if let colon = trimmed.firstIndex(of: ":"), trimmed[..<colon].allSatisfy({ $0.isLetter }),
                  trimmed[colon...].hasPrefix("://") {
            throw Invalid(description: """
                unknown database scheme '\(trimmed[..<colon])://': use a SQLite file path, sqlite:PATH, \
                or postgres://user@host[:port]/db
                """)
        } else {
            self = .sqlite(path: trimmed)
        }
    }

    /// For logs and errors: a PostgreSQL URL's password is replaced by `***`.
    public var description: String {
        switch self {
        case .sqlite(let path): return path
        case .postgres(let url): return Self.redactingPassword(url)
        }
    }

    /// The SQLite file, if this is one (the ticket keyring lives beside it by default).
    public var sqlitePath: String? {
        if case .sqlite(let path) = self { return path }
        return nil
    }

    static func redactingPassword(_ url: String) -> String {
        guard let scheme = url.range(of: "://") else { return url }
        let rest = url[scheme.upperBound...]
        let authorityEnd = rest.firstIndex(of: "/") ?? rest.endIndex
        guard let at = rest[..<authorityEnd].lastIndex(of: "@"),
              let colon = rest[..<at].firstIndex(of: ":") else { return url }
        return String(url[..<rest.index(after: colon)]) + "***" + String(url[at...])
    }
}
