import Foundation
import PostgresNIO
import PostgresStorage

/// The PostgreSQL database being filled: migrated to the current schema, with `bk_store_copy`
/// recording, per table, how far the copy got (written in each chunk's own transaction, so a
/// resumed copy starts exactly after the last committed row).
final class PostgresTarget {
    let database: PostgresStorage.PostgresDatabase
    let url: PostgresURL

    /// One table's progress as `bk_store_copy` records it.
    struct State {
        var source: String
        var sourcePath: String
        var lastKey: [KeyPart]?
        var rows: Int64
        var finished: Bool
        /// The table's rows and digest before the copy wrote any (zero for an empty table).
        var base: TableDigest
    }

    init(url text: String, passwordFile: String?, environment: [String: String]) throws {
        let url: PostgresURL
        let password: String?
        do {
            url = try PostgresURL(text)
            password = try PostgresPassword.resolve(url: url, passwordFile: passwordFile, environment: environment)
        } catch {
            throw StoreCopyError(.target, "--to: \(error)")
        }
        self.url = url
        do {
            database = try PostgresStorage.PostgresDatabase(url: url, password: password, maxConnections: 1)
            try PostgresMigrations.apply(to: database)
            try database.execute("""
                CREATE TABLE IF NOT EXISTS bk_store_copy (
                    table_name text PRIMARY KEY,
                    source text NOT NULL,
                    source_path text NOT NULL,
                    last_key text,
                    rows bigint NOT NULL,
                    finished boolean NOT NULL,
                    base_rows bigint NOT NULL,
                    base_digest text NOT NULL,
                    updated_at timestamptz NOT NULL DEFAULT now()
                )
                """)
        } catch let error as PostgresStoreError {
            throw StoreCopyError(.target, "the PostgreSQL store \(url): \(error.message)")
        }
    }

    func close() { database.close() }

    func states() throws -> [String: State] {
        var states: [String: State] = [:]
        for row in try guarded({ try database.query("""
            SELECT table_name, source, source_path, last_key, rows, finished, base_rows, base_digest FROM bk_store_copy
            """) }) {
            let (name, source, path, lastKey, rows, finished, baseRows, baseDigest) = try decoded {
                try row.decode((String, String, String, String?, Int64, Bool, Int64, String).self)
            }
            states[name] = State(source: source, sourcePath: path, lastKey: lastKey.flatMap(KeyPart.decode), rows: rows,
                                 finished: finished, base: TableDigest(rows: baseRows, hex: baseDigest) ?? TableDigest())
        }
        return states
    }

    /// Records that the copy of `table` begins, with what the table held before.
    func begin(_ table: CopyTable, state: State) throws {
        try guarded {
            try database.execute("""
                INSERT INTO bk_store_copy (table_name, source, source_path, last_key, rows, finished, base_rows, base_digest)
                VALUES ($1, $2, $3, NULL, 0, false, $4, $5)
                """, [.text(table.name), .text(state.source), .text(state.sourcePath), .int(state.base.rows),
                      .text(state.base.hex)])
        }
    }

    /// The gateway tables holding rows, with their counts.
    func nonEmptyTables() throws -> [(String, Int64)] {
        try CopyTable.all.compactMap { table in
            let count = try guarded { try database.query("SELECT count(*) FROM \(table.name)").first }
                .map { row in try decoded { try row.decode(Int64.self) } } ?? 0
            return count > 0 ? (table.name, count) : nil
        }
    }

    /// Writes `rows` and the new resume point in one transaction: either both are there or neither.
    func insert(_ table: CopyTable, _ rows: [[CopyValue]], lastKey: [KeyPart], copied: Int64) throws {
        let columns = table.columns.map(\.name).joined(separator: ", ")
        // PostgreSQL takes at most 65,535 parameters per statement.
        let perStatement = max(1, 60_000 / table.columns.count)
        try guarded {
            try database.transaction { session in
                var start = 0
                while start < rows.count {
                    let slice = rows[start..<min(rows.count, start + perStatement)]
                    var binds: [PostgresValue] = []
                    binds.reserveCapacity(slice.count * table.columns.count)
                    var tuples: [String] = []
                    tuples.reserveCapacity(slice.count)
                    for row in slice {
                        let first = binds.count
                        for (index, column) in table.columns.enumerated() { binds.append(row[index].bind(column.kind)) }
                        tuples.append("(" + (1...table.columns.count).map { "$\(first + $0)" }.joined(separator: ",") + ")")
                    }
                    try session.execute("INSERT INTO \(table.name) (\(columns)) VALUES " + tuples.joined(separator: ","),
                                        binds)
                    start += slice.count
                }
                try session.execute("""
                    UPDATE bk_store_copy SET last_key = $2, rows = $3, updated_at = now() WHERE table_name = $1
                    """, [.text(table.name), .text(KeyPart.encode(lastKey)), .int(copied)])
            }
        }
    }

    func finish(_ table: CopyTable) throws {
        try guarded {
            try database.execute("UPDATE bk_store_copy SET finished = true, updated_at = now() WHERE table_name = $1",
                                 [.text(table.name)])
        }
    }

    /// The table's digest from its rows read back, `chunk` at a time in key order.
    func digest(_ table: CopyTable, chunk: Int) throws -> TableDigest {
        var digest = TableDigest()
        let columns = table.columns.map(\.name).joined(separator: ", ")
        let keys = table.keyNames.joined(separator: ", ")
        var after: [CopyValue]?
        while true {
            var sql = "SELECT \(columns) FROM \(table.name)"
            var binds: [PostgresValue] = []
            if let after {
                sql += " WHERE (\(keys)) > (" + (1...after.count).map { "$\($0)" }.joined(separator: ", ") + ")"
                binds = after.map { $0.bind(.int) }
            }
            sql += " ORDER BY \(keys) LIMIT \(chunk)"
            let rows = try guarded { try database.query(sql, binds) }
            for row in rows {
                let values = try decoded { try Self.values(row, table) }
                digest.add(values)
                after = table.keyColumns.map { values[$0] }
            }
            if rows.count < chunk { return digest }
        }
    }

    /// Moves the identity sequence past every copied id (and past SQLite's AUTOINCREMENT mark), so
    /// the gateway's next insert neither collides nor reuses the id of a deleted row.
    func advanceSequence(_ table: CopyTable, atLeast floor: Int64?) throws {
        guard let column = table.identityColumn else { return }
        try guarded {
            let highest = try database.query("SELECT max(\(column)) FROM \(table.name)").first
                .flatMap { row in try decoded { try row.decode(Int64?.self) } }
            guard let last = [highest, floor].compactMap({ $0 }).max() else { return }
            try database.query("SELECT setval(pg_get_serial_sequence($1, $2), $3)",
                               [.text(table.name), .text(column), .int(last)])
        }
    }

    /// Creates the day partitions of `reading` the copied readings need.
    func createReadingPartitions(days: [Int64]) throws -> Int {
        let supported = 0...PostgresPartitions.day(ofMillis: 253_402_214_400_000 - 1)
        var created = 0
        for day in days where supported.contains(day) {
            created += try guarded { try PostgresPartitions.createReadingPartitions(database, days: day...day).count }
        }
        return created
    }

    private static func values(_ row: PostgresRow, _ table: CopyTable) throws -> [CopyValue] {
        var values: [CopyValue] = []
        values.reserveCapacity(table.columns.count)
        for (cell, column) in zip(row, table.columns) {
            guard cell.bytes != nil else {
                values.append(.null)
                continue
            }
            switch column.kind {
            case .int: values.append(.int(try cell.decode(Int64.self)))
            case .bool: values.append(.int(try cell.decode(Bool.self) ? 1 : 0))
            case .real: values.append(.real(try cell.decode(Double.self)))
            case .text: values.append(.text(try cell.decode(String.self)))
            case .blob:
                var buffer = try cell.decode(ByteBuffer.self)
                values.append(.blob(buffer.readBytes(length: buffer.readableBytes) ?? []))
            }
        }
        return values
    }

    /// PostgreSQL's failures as the copy's, naming the server.
    private func guarded<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as PostgresStoreError {
            throw StoreCopyError(.target, "the PostgreSQL store \(url): \(error.message)")
        }
    }

    private func decoded<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as StoreCopyError {
            throw error
        } catch {
            throw StoreCopyError(.target, "the PostgreSQL store \(url): \(PostgresStoreError(translating: error).message)")
        }
    }
}
