import PostgresNIO

/// One connection lent to a caller for the length of a `PostgresDatabase.transaction` or
/// `withSession` closure. Blocking: each call waits, on the calling thread, for the server's
/// answer. Must not escape the closure, and must not be used from a NIO event loop thread.
public struct PostgresSession {
    let connection: PostgresConnection
    let logger: Logger

    /// Runs one statement (a single statement: the extended protocol takes no `;`-separated lists)
    /// and returns all its rows. Decode them with `row.decode((Int64, String?).self)` or
    /// `row.makeRandomAccess()["column"].decode(Int64.self)`.
    @discardableResult
    public func query(_ sql: String, _ binds: [PostgresValue] = []) throws -> [PostgresRow] {
        try run(sql, binds).rows
    }

    /// Runs one statement and returns how many rows it inserted, updated or deleted
    /// (0 for an `INSERT ... ON CONFLICT DO NOTHING` that met its conflict).
    @discardableResult
    public func execute(_ sql: String, _ binds: [PostgresValue] = []) throws -> Int {
        try run(sql, binds).metadata.rows ?? 0
    }

    /// The statement's command tag too (e.g. `COMMIT` answered by `ROLLBACK`).
    func run(_ sql: String, _ binds: [PostgresValue]) throws -> PostgresQueryResult {
        do {
            return try connection.query(PostgresValue.query(sql, binds), logger: logger).wait()
        } catch {
            throw PostgresStoreError.from(error)
        }
    }
}
