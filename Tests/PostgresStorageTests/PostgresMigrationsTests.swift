import Foundation
import GRDB
import PostgresStorage
import Storage
import TestSupport
import Testing

@Suite struct PostgresMigrationsTests {
    @Test func applyOnAnEmptyDatabaseThenNothingOnTheNextOpen() throws {
        let fixture = try PostgresFixture(migrated: false)
        let names = PostgresMigrations.all.map(\.name)
        #expect(names.first == "v1-schema" && names.contains("v2-ledgers"))
        #expect(try PostgresMigrations.apply(to: fixture.database) == names)
        #expect(try Set(fixture.database.query("SELECT name FROM bk_migration").map { try $0.decode(String.self) })
            == Set(names))
        // `reading` is declaratively partitioned by range, on ts_ms.
        let strategy = try fixture.database.query("""
            SELECT p.partstrat::text, a.attname FROM pg_partitioned_table p
            JOIN pg_attribute a ON a.attrelid = p.partrelid AND a.attnum = p.partattrs[0]
            WHERE p.partrelid = 'reading'::regclass
            """).map { try $0.decode((String, String).self) }
        #expect(strategy.count == 1 && strategy.first?.0 == "r" && strategy.first?.1 == "ts_ms")

        // A second start (another pool, as after a restart) finds nothing to do.
        let again = try fixture.reopen()
        #expect(try PostgresMigrations.apply(to: again) == [])
        #expect(try again.query("SELECT count(*) FROM bk_migration").first?.decode(Int64.self) == Int64(names.count))
    }

    @Test func aSchemaNewerThanTheBinaryIsRefused() throws {
        let fixture = try PostgresFixture()
        try fixture.database.execute("INSERT INTO bk_migration (name) VALUES ($1)", ["v2-from-the-future"])
        let message = thrownDescription { try PostgresMigrations.apply(to: fixture.reopen()) }
        #expect(message?.contains("the database schema is newer than this binary") == true)
        #expect(message?.contains("v2-from-the-future") == true)
        #expect(thrownKind { try PostgresMigrations.apply(to: fixture.reopen()) } == .schema)
    }

    @Test func aFailedMigrationLeavesNothingBehind() throws {
        let fixture = try PostgresFixture()
        let broken = PostgresMigrations.Migration(name: "v2-broken", statements: [
            "CREATE TABLE half_done (x bigint)",
            "CREATE TABLE half_done (x bigint)",
        ])
        #expect(thrownKind { try PostgresMigrations.apply(to: fixture.database,
                                                          migrations: PostgresMigrations.all + [broken]) } == .server)
        #expect(try fixture.database.query("SELECT to_regclass('half_done') IS NULL").first?.decode(Bool.self) == true)
        #expect(try fixture.database.query("SELECT count(*) FROM bk_migration").first?.decode(Int64.self)
            == Int64(PostgresMigrations.all.count))
    }

    /// Every SQLite table and column, after all of SQLite's migrations, exists in PostgreSQL with the
    /// same nullability: a new SQLite migration without its PostgreSQL twin fails here.
    @Test func sameTablesAndColumnsAsSQLite() throws {
        let dir = TemporaryDirectory()
        _ = try Store(path: dir.file("bk.sqlite"))
        let sqlite = try DatabaseQueue(path: dir.file("bk.sqlite"))
        let sqliteColumns: Set<String> = try sqlite.read { db in
            var columns: Set<String> = []
            let tables = try String.fetchAll(db, sql: """
                SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
                AND name NOT LIKE 'grdb_%'
                """)
            for table in tables {
                for row in try Row.fetchAll(db, sql: "SELECT name, \"notnull\", pk FROM pragma_table_info(?)",
                                            arguments: [table]) {
                    let name: String = row["name"]
                    let notNull: Bool = row["notnull"] || (row["pk"] as Int) > 0
                    columns.insert("\(table).\(name) \(notNull ? "not null" : "null")")
                }
            }
            return columns
        }
        let fixture = try PostgresFixture()
        let postgresColumns = Set(try fixture.database.query("""
            SELECT c.table_name, c.column_name, c.is_nullable FROM information_schema.columns c
            JOIN pg_class t ON t.relname = c.table_name
            WHERE c.table_schema = 'public' AND NOT t.relispartition AND c.table_name <> 'bk_migration'
            """).map { row -> String in
            let (table, column, nullable) = try row.decode((String, String, String).self)
            return "\(table).\(column) \(nullable == "YES" ? "null" : "not null")"
        })
        #expect(sqliteColumns.count > 100)
        #expect(sqliteColumns.subtracting(postgresColumns) == [])
        // SQLite's implicit rowid, made explicit where a query orders by it; PostgreSQL-only tables
        // (shard leases: docs/scale-out.md) have no twin, nor the writer's transaction id that web
        // replicas read changes by ("v12-row-changes").
        let postgresOnly: Set<String> = ["shard_leases", "ingest_member", "alarm_action_request", "vision_leases", "vision_member"]
        let unmatched = postgresColumns.subtracting(sqliteColumns).filter { !postgresOnly.contains(String($0.prefix { $0 != "." })) }
        #expect(unmatched == Set(["batch_history.id not null", "device.changed_xid not null", "alarm.changed_xid not null"]))
    }

    @Test func indexesMatchSQLitesByName() throws {
        let dir = TemporaryDirectory()
        _ = try Store(path: dir.file("bk.sqlite"))
        let sqlite = try DatabaseQueue(path: dir.file("bk.sqlite"))
        let sqliteIndexes = Set(try sqlite.read { db in
            try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL")
        })
        let fixture = try PostgresFixture()
        let postgresIndexes = Set(try fixture.database.query("""
            SELECT i.relname FROM pg_class i JOIN pg_index x ON x.indexrelid = i.oid
            JOIN pg_class t ON t.oid = x.indrelid
            WHERE i.relnamespace = 'public'::regnamespace AND NOT t.relispartition
            """).map { try $0.decode(String.self) })
        #expect(sqliteIndexes.count >= 15)
        #expect(sqliteIndexes.subtracting(postgresIndexes) == [])
    }
}
