import Crypto
import Foundation
import GRDB

/// The SQLite store being copied, opened read-only: `store copy` never changes it (no migration,
/// no checkpoint). Stop the gateway that writes it first, or rows written meanwhile fail the
/// verification.
final class SQLiteSource {
    let path: String
    private let queue: DatabaseQueue

    init(path: String) throws {
        self.path = path
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw StoreCopyError(.source, "the SQLite store \(path) does not exist (--from names the gateway's "
                + "database file, e.g. /var/lib/brightkitchen/brightkitchen.sqlite)")
        }
        guard !isDirectory.boolValue else {
            throw StoreCopyError(.source, "\(path) is a directory: --from names the database file in it "
                + "(brightkitchen.sqlite)")
        }
        var configuration = Configuration()
        configuration.readonly = true
        configuration.busyMode = .timeout(10)
        do {
            queue = try DatabaseQueue(path: path, configuration: configuration)
            try queue.read { db in _ = try Row.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master") }
        } catch {
            throw StoreCopyError(.source, "\(path) is not a readable SQLite database: \(Self.describe(error))")
        }
        try checkSchema()
    }

    /// A BrightKitchen store has GRDB's migration record and every table and column `CopyTable`
    /// names; an older one lacks some (open it once with this brightkitchen to migrate it).
    private func checkSchema() throws {
        let (migrations, columns) = try read { db -> ([String], [String: Set<String>]) in
            let hasMigrations = try Bool.fetchOne(db, sql: """
                SELECT count(*) > 0 FROM sqlite_master WHERE type = 'table' AND name = 'grdb_migrations'
                """) ?? false
            let migrations = hasMigrations ? try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations") : []
            var columns: [String: Set<String>] = [:]
            for table in CopyTable.all {
                let names = try Row.fetchAll(db, sql: "PRAGMA table_info(\(table.name))").map { $0["name"] as String }
                if !names.isEmpty { columns[table.name] = Set(names) }
            }
            return (migrations, columns)
        }
        guard migrations.contains("v1-core") else {
            throw StoreCopyError(.source, "\(path) is not a BrightKitchen database (it has no BrightKitchen schema "
                + "migrations); --from names the file a gateway wrote (`serve --database`)")
        }
        var missing: [String] = []
        for table in CopyTable.all {
            guard let present = columns[table.name] else {
                missing.append(table.name)
                continue
            }
            for column in table.columns where column.sqliteExpression == nil && !present.contains(column.name) {
                missing.append("\(table.name).\(column.name)")
            }
        }
        guard missing.isEmpty else {
            throw StoreCopyError(.source, "the SQLite store \(path) has an older schema (no \(missing.joined(separator: ", "))): "
                + "start this brightkitchen release on it once (e.g. `brightkitchen rejects --database \(path)`) "
                + "to migrate it, stop it, then copy")
        }
    }

    func rowCount(_ table: CopyTable) throws -> Int64 {
        try read { db in try Int64.fetchOne(db, sql: "SELECT count(*) FROM \(table.sqliteSource)") ?? 0 }
    }

    /// Up to `limit` rows after `after` (nil: from the start), in key order.
    func rows(_ table: CopyTable, after: [CopyValue]?, limit: Int) throws -> [[CopyValue]] {
        let select = table.columns.map { $0.sqliteExpression ?? $0.name }.joined(separator: ", ")
        let keys = table.keyColumns.map { table.columns[$0].sqliteExpression ?? table.columns[$0].name }
        var sql = "SELECT \(select) FROM \(table.sqliteSource)"
        var arguments: [(any DatabaseValueConvertible)?] = []
        if let after {
            sql += " WHERE (\(keys.joined(separator: ", "))) > (\(keys.map { _ in "?" }.joined(separator: ", ")))"
            for value in after {
                switch value {
                case .int(let number): arguments.append(number)
                case .text(let text): arguments.append(text)
                default: arguments.append(nil)
                }
            }
        }
        sql += " ORDER BY \(keys.joined(separator: ", ")) LIMIT \(limit)"
        return try read { db in
            let cursor = try Row.fetchCursor(db, sql: sql, arguments: StatementArguments(arguments))
            var rows: [[CopyValue]] = []
            while let row = try cursor.next() {
                var values: [CopyValue] = []
                values.reserveCapacity(table.columns.count)
                for (index, column) in table.columns.enumerated() {
                    values.append(try Self.value(row[index] as DatabaseValue, column, table))
                }
                rows.append(values)
            }
            return rows
        }
    }

    /// The distinct UTC days of `reading.ts_ms`, for the partitions to create first.
    func readingDays() throws -> [Int64] {
        try read { db in
            try Int64.fetchAll(db, sql: """
                SELECT DISTINCT CASE WHEN ts_ms >= 0 THEN ts_ms / 86400000 ELSE (ts_ms - 86399999) / 86400000 END
                FROM reading ORDER BY 1
                """)
        }
    }

    /// SQLite's AUTOINCREMENT high-water mark of `table` (ids of deleted rows are never reused).
    func autoincrementSequence(_ table: CopyTable) throws -> Int64? {
        guard table.sqliteAutoincrement else { return nil }
        return try read { db in
            try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = ?", arguments: [table.name])
        }
    }

    /// Names this store across runs, so a resumed copy is known to continue the same one: its
    /// oldest rows, which new ones do not change (the first devices, ticket and API token).
    func identity() throws -> String {
        try read { db in
            var hasher = SHA256()
            for sql in [
                "SELECT id || ':' || site || '/' || device FROM device ORDER BY id LIMIT 3",
                "SELECT id || ':' || code FROM ticket ORDER BY id LIMIT 1",
                "SELECT id || ':' || hash FROM api_token ORDER BY id LIMIT 1",
                "SELECT identifier FROM grdb_migrations ORDER BY identifier",
            ] {
                for line in try String.fetchAll(db, sql: sql) { hasher.update(data: Array((line + "\n").utf8)) }
                hasher.update(data: [0])
            }
            return hasher.finalize().prefix(12).map { String(format: "%02x", $0) }.joined()
        }
    }

    private func read<T>(_ body: (Database) throws -> T) throws -> T {
        do {
            return try queue.read(body)
        } catch let error as StoreCopyError {
            throw error
        } catch {
            throw StoreCopyError(.source, "reading the SQLite store \(path): \(Self.describe(error))")
        }
    }

    private static func describe(_ error: any Error) -> String {
        (error as? DatabaseError).map { $0.message ?? $0.description } ?? String(describing: error)
    }

    /// SQLite's value as the column's kind; a value the column cannot hold stops the copy.
    private static func value(_ value: DatabaseValue, _ column: CopyTable.Column, _ table: CopyTable) throws
        -> CopyValue
    {
        switch (value.storage, column.kind) {
        case (.null, _): return .null
        case (.int64(let number), .int), (.int64(let number), .bool): return .int(number)
        case (.int64(let number), .real): return .real(Double(number))
        case (.double(let number), .real): return .real(number)
        case (.double(let number), .int) where number.rounded() == number && abs(number) < 9.0e18:
            return .int(Int64(number))
        case (.string(let text), .text): return .text(text)
        case (.blob(let data), .blob): return .blob(Array(data))
        case (.string(let text), .blob): return .blob(Array(text.utf8))
        default:
            throw StoreCopyError(.value, "\(table.name).\(column.name) holds \(value) in the SQLite store, which "
                + "PostgreSQL's \(column.kind) column cannot take")
        }
    }
}
