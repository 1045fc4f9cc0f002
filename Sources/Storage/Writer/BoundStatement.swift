import GRDB
import GRDBSQLite

/// A cached GRDB statement bound and stepped through SQLite's C API, for the writer's per-row
/// statements. `StatementArguments` boxes every value as an existential and checks the bindings
/// on each call; for a reading insert that was about a fifth of the commit's instructions
/// (`bench-stages` under callgrind). Use it only inside a transaction the writer owns, for
/// statements that return no rows.
struct BoundStatement {
    private let handle: SQLiteStatement
    private let connection: SQLiteConnection

    init(_ statement: Statement, in db: Database) {
        handle = statement.sqliteStatement
        connection = db.sqliteConnection!
    }

    func bind(_ index: Int32, _ value: Int64?) {
        if let value { sqlite3_bind_int64(handle, index, value) } else { sqlite3_bind_null(handle, index) }
    }

    func bind(_ index: Int32, _ value: Int?) { bind(index, value.map(Int64.init)) }

    func bind(_ index: Int32, _ value: Bool) { sqlite3_bind_int64(handle, index, value ? 1 : 0) }

    func bind(_ index: Int32, _ value: Double?) {
        if let value { sqlite3_bind_double(handle, index, value) } else { sqlite3_bind_null(handle, index) }
    }

    func bind(_ index: Int32, _ value: String?) {
        guard var value else {
            sqlite3_bind_null(handle, index)
            return
        }
        value.withUTF8 { bytes in
            // SQLITE_TRANSIENT: SQLite copies the text before this call returns.
            _ = sqlite3_bind_text(handle, index, bytes.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) },
                                  Int32(bytes.count), unsafeBitCast(-1, to: sqlite3_destructor_type.self))
        }
    }

    /// Runs the statement to completion and returns the number of rows it changed.
    @discardableResult
    func run() throws -> Int {
        let code = sqlite3_step(handle)
        sqlite3_reset(handle)
        guard code == SQLITE_DONE else {
            throw DatabaseError(resultCode: ResultCode(rawValue: code),
                                message: String(cString: sqlite3_errmsg(connection)), sql: String(cString: sqlite3_sql(handle)))
        }
        return Int(sqlite3_changes(connection))
    }
}
