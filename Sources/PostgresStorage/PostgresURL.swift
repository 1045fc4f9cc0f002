import Foundation

/// A parsed `postgres://user[:pass]@host[:port][,host2[:port2]...]/db[?param=value&...]` (or
/// `postgresql://`). Several hosts are tried in order for a writable one (libpq's
/// `target_session_attrs=read-write`), which is how the gateway finds a promoted standby.
public struct PostgresURL: Sendable, Equatable, CustomStringConvertible {
    public struct Host: Sendable, Equatable {
        public var name: String
        public var port: Int

        public init(name: String, port: Int = PostgresURL.defaultPort) {
            self.name = name
            self.port = port
        }
    }

    public enum SSLMode: String, Sendable, CaseIterable {
        /// Plain TCP.
        case disable
        /// TLS when the server offers it, without checking its certificate (libpq's default).
        case prefer
        /// TLS or no connection, without checking the certificate (libpq's meaning of `require`).
        case require
        /// TLS with the certificate checked against the system's trust roots and the host name.
        case verifyFull = "verify-full"
    }

    public enum SessionAttributes: String, Sendable, CaseIterable {
        /// Only a server that is not in recovery (a primary) is used.
        case readWrite = "read-write"
        /// The first server that answers, primary or standby (read-only tools).
        case any
    }

    public var user: String
    /// The password written in the URL, if any: discouraged, since a URL ends up in shell history,
    /// `ps` output and logs. Prefer a password file or `BK_DATABASE_PASSWORD`.
    public var password: String?
    public var hosts: [Host]
    public var database: String
    public var sslMode: SSLMode
    public var sessionAttributes: SessionAttributes
    /// Per host, how long a connection attempt may take.
    public var connectTimeoutSeconds: Int
    public var applicationName: String?

    public static let defaultPort = 5432
    /// The query parameters understood, libpq's names.
    public static let knownParameters = ["sslmode", "target_session_attrs", "connect_timeout", "application_name"]

    /// Whether `string` asks for PostgreSQL at all (as opposed to a SQLite path).
    public static func isPostgres(_ string: String) -> Bool {
        string.hasPrefix("postgres://") || string.hasPrefix("postgresql://")
    }

    public init(_ string: String) throws(PostgresURLError) {
        let rest: Substring
        if string.hasPrefix("postgresql://") {
            rest = string.dropFirst("postgresql://".count)
        } else if string.hasPrefix("postgres://") {
            rest = string.dropFirst("postgres://".count)
        } else {
            throw .init("must start with postgres:// or postgresql://")
        }
        // The authority ends at the first '/', '?' or '#': a password holding one of them must be
        // percent-encoded, as in any URL.
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" || $0 == "#" } ?? rest.endIndex
        let authority = rest[..<authorityEnd]
        var tail = rest[authorityEnd...]
        if tail.contains("#") { throw .init("a fragment ('#...') has no meaning in a database URL") }

        // user[:password]@hosts: the last '@' separates them, so an unencoded '@' in a password still parses.
        guard let at = authority.lastIndex(of: "@") else {
            throw .init("no user name (postgres://USER@host/db)")
        }
        let userInfo = authority[..<at]
        let hostList = authority[authority.index(after: at)...]
        let userPart: Substring
        if let colon = userInfo.firstIndex(of: ":") {
            userPart = userInfo[..<colon]
            password = try Self.decode(userInfo[userInfo.index(after: colon)...], "password")
        } else {
            userPart = userInfo
            password = nil
        }
        user = try Self.decode(userPart, "user name")
        if user.isEmpty { throw .init("no user name (postgres://USER@host/db)") }
        hosts = try Self.parseHosts(hostList)

        guard tail.first == "/" else { throw .init("no database name (postgres://user@host/DATABASE)") }
        tail = tail.dropFirst()
        let pathEnd = tail.firstIndex(of: "?") ?? tail.endIndex
        database = try Self.decode(tail[..<pathEnd], "database name")
        if database.isEmpty { throw .init("no database name (postgres://user@host/DATABASE)") }
        if database.contains("/") { throw .init("database name '\(database)' contains '/'") }

        sslMode = .prefer
        sessionAttributes = .readWrite
        connectTimeoutSeconds = 10
        applicationName = nil
        if pathEnd < tail.endIndex {
            try parseParameters(tail[tail.index(after: pathEnd)...])
        }
    }

    private mutating func parseParameters(_ query: Substring) throws(PostgresURLError) {
        var seen: Set<String> = []
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            guard let equals = pair.firstIndex(of: "=") else {
                throw .init("parameter '\(pair)' has no value (name=value)")
            }
            let name = try Self.decode(pair[..<equals], "parameter name")
            let value = try Self.decode(pair[pair.index(after: equals)...], "value of \(name)")
            guard seen.insert(name).inserted else { throw .init("parameter '\(name)' given twice") }
            switch name {
            case "sslmode":
                guard let mode = SSLMode(rawValue: value) else {
                    throw .init("sslmode '\(value)' is not supported (one of: "
                        + SSLMode.allCases.map(\.rawValue).joined(separator: ", ") + ")")
                }
                sslMode = mode
            case "target_session_attrs":
                guard let attributes = SessionAttributes(rawValue: value) else {
                    throw .init("target_session_attrs '\(value)' is not supported (read-write or any)")
                }
                sessionAttributes = attributes
            case "connect_timeout":
                guard let seconds = Int(value), seconds > 0, seconds <= 3600 else {
                    throw .init("connect_timeout '\(value)' is not a number of seconds from 1 to 3600")
                }
                connectTimeoutSeconds = seconds
            case "application_name":
                applicationName = value
            default:
                throw .init("unknown parameter '\(name)' (known: \(Self.knownParameters.joined(separator: ", ")))")
            }
        }
    }

    private static func parseHosts(_ list: Substring) throws(PostgresURLError) -> [Host] {
        if list.isEmpty { throw .init("no host (postgres://user@HOST[:port]/db)") }
        var hosts: [Host] = []
        for entry in list.split(separator: ",", omittingEmptySubsequences: false) {
            if entry.isEmpty { throw .init("an empty host in the host list '\(list)'") }
            let name: Substring
            var portText: Substring?
            if entry.first == "[" {
                // [IPv6]:port
                guard let close = entry.firstIndex(of: "]") else { throw .init("host '\(entry)' lacks its ']'") }
                name = entry[entry.index(after: entry.startIndex)..<close]
                let after = entry[entry.index(after: close)...]
                if !after.isEmpty {
                    guard after.first == ":" else { throw .init("unexpected '\(after)' after host '[\(name)]'") }
                    portText = after.dropFirst()
                }
            } else if let colon = entry.firstIndex(of: ":") {
                name = entry[..<colon]
                portText = entry[entry.index(after: colon)...]
            } else {
                name = entry
            }
            if name.isEmpty { throw .init("host '\(entry)' has no name") }
            var port = defaultPort
            if let portText {
                guard let value = Int(portText), value >= 1, value <= 65535 else {
                    throw .init("bad port '\(portText)' for host \(name) (a number from 1 to 65535)")
                }
                port = value
            }
            hosts.append(Host(name: try decode(name, "host"), port: port))
        }
        return hosts
    }

    private static func decode(_ text: Substring, _ what: String) throws(PostgresURLError) -> String {
        guard let decoded = String(text).removingPercentEncoding else {
            throw .init("\(what) has a bad percent-encoding")
        }
        return decoded
    }

    /// The URL with the password masked: safe for logs, errors and `/healthz`.
    public var description: String {
        let credentials = password == nil ? user : "\(user):***"
        let hostList = hosts.map { host in
            let name = host.name.contains(":") ? "[\(host.name)]" : host.name
            return host.port == Self.defaultPort ? name : "\(name):\(host.port)"
        }.joined(separator: ",")
        return "postgres://\(credentials)@\(hostList)/\(database)"
    }
}

/// What is wrong with a database URL, in words an operator can act on.
public struct PostgresURLError: Error, Equatable, CustomStringConvertible {
    public let reason: String
    init(_ reason: String) { self.reason = reason }
    public var description: String { "bad PostgreSQL URL: \(reason)" }
}
