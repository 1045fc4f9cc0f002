import PostgresNIO
import StorageModel

/// A PostgreSQL failure in words an operator can act on. postgres-nio's own errors describe
/// themselves as a generic "PSQLError – Generic description..." (to keep bound values out of logs),
/// so every error leaving this module is translated here from the error's code and the server's
/// message, never from the query's bound values.
public struct PostgresStoreError: Error, CustomStringConvertible, Sendable {
    public enum Kind: Sendable, Equatable {
        /// No server could be reached, or none of them was writable.
        case connect
        /// The server refused the user or the password.
        case authentication
        /// The connection died while in use; the next call opens a new one.
        case connectionLost
        /// The server refused the statement (constraint, syntax, ...): `sqlState` says which.
        case server
        /// A column did not have the type the caller decoded it as.
        case decoding
        /// The pool was closed, or no connection came free in time.
        case pool
        /// The database's schema is not one this binary can use.
        case schema
    }

    public let kind: Kind
    public let message: String
    /// The server's SQLSTATE (e.g. `23505` unique violation), when the server raised the error.
    public let sqlState: String?

    public init(_ kind: Kind, _ message: String, sqlState: String? = nil) {
        self.kind = kind
        self.message = message
        self.sqlState = sqlState
    }

    public var description: String { message }

    /// Translates an error of postgres-nio, e.g. from decoding a row (`row.decode(...)` throws
    /// postgres-nio's own `PostgresDecodingError`, whose description says nothing).
    public init(translating error: any Error) {
        self = Self.from(error)
    }

    /// Translates any error thrown by postgres-nio (or NIO underneath it).
    static func from(_ error: any Error, context: String? = nil) -> PostgresStoreError {
        if let error = error as? PostgresStoreError { return error }
        let prefix = context.map { "\($0): " } ?? ""
        if let error = error as? PSQLError {
            let underlying = error.underlying.map { " (\(String(describing: $0)))" } ?? ""
            switch error.code {
            case .server:
                let info = error.serverInfo
                let state = info?[.sqlState]
                var text = "\(info?[.severity] ?? "ERROR"): \(info?[.message] ?? "unknown server error")"
                if let detail = info?[.detail] { text += " — \(detail)" }
                if let hint = info?[.hint] { text += " (hint: \(hint))" }
                if let state { text += " [SQLSTATE \(state)]" }
                // 28xxx: invalid authorization; 57P01..57P03: the server shut down or is starting.
                if let state, state.hasPrefix("28") {
                    return .init(.authentication, prefix + text
                        + "; check the user, the password file or \(PostgresPassword.environmentVariable)",
                        sqlState: state)
                }
                if let state, state.hasPrefix("57P") {
                    return .init(.connectionLost, prefix + text, sqlState: state)
                }
                return .init(.server, prefix + text, sqlState: state)
            case .authMechanismRequiresPassword:
                return .init(.authentication, prefix + "the server asks for a password and none was given: use "
                    + "--database-password-file or \(PostgresPassword.environmentVariable)")
            case .unsupportedAuthMechanism, .saslError:
                return .init(.authentication, prefix + "authentication failed: \(error.code)\(underlying)")
            case .sslUnsupported:
                return .init(.connect, prefix + "the server does not accept TLS, which sslmode=require demands")
            case .serverClosedConnection, .clientClosedConnection, .uncleanShutdown:
                return .init(.connectionLost, prefix + "the connection to the database was lost\(underlying)")
            case .connectionError:
                return .init(.connect, prefix + "cannot connect\(underlying)")
            default:
                return .init(.server, prefix + "\(error.code)\(underlying)")
            }
        }
        if let error = error as? PostgresDecodingError {
            return .init(.decoding, prefix + "column '\(error.columnName)' (\(error.postgresType)) cannot be read as "
                + "\(error.targetType): \(error.code)")
        }
        return .init(.connect, prefix + String(describing: error))
    }
}

extension PostgresStoreError: TransientStoreError {
    /// No server reachable or writable, a connection lost, no connection free; or the server
    /// refusing for a reason that passes: 08 (connection), 40001/40P01 (serialization, deadlock),
    /// 25006 (a read-only transaction: the host was demoted to a standby).
    public var isTransient: Bool {
        switch kind {
        case .connect, .connectionLost, .pool:
            return true
        case .server:
            guard let sqlState else { return false }
            return sqlState.hasPrefix("08") || ["40001", "40P01", "25006"].contains(sqlState)
        case .authentication, .decoding, .schema:
            return false
        }
    }
}
