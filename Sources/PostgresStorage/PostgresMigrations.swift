import PostgresNIO

/// Named, append-only migrations for PostgreSQL, recorded in `bk_migration`: a shipped migration is
/// never edited, a change is a new migration appended to `all`. Each runs in its own transaction,
/// under an advisory lock so two gateways starting together cannot both apply it.
public enum PostgresMigrations {
    public struct Migration: Sendable {
        public let name: String
        /// One statement per element: the extended query protocol runs a single statement at a time.
        public let statements: [String]

        public init(name: String, statements: [String]) {
            self.name = name
            self.statements = statements
        }
    }

    /// In the order they are applied.
    public static let all: [Migration] = [
        Migration(name: "v1-schema", statements: PostgresSchemaV1.statements),
        Migration(name: "v2-ledgers", statements: PostgresSchemaLedgers.statements),
        Migration(name: "v5-complaints", statements: PostgresSchemaFeedback.statements),
        Migration(name: "v7-shard-leases", statements: PostgresSchemaShardLeases.statements),
        Migration(name: "v8-grades", statements: PostgresSchemaGrades.statements),
        Migration(name: "v9-markets", statements: PostgresSchemaGrades.markets),
        Migration(name: "v10-change-notify", statements: PostgresSchemaChangeNotify.statements),
        Migration(name: "v11-vision-leases", statements: PostgresSchemaVisionLeases.statements),
        Migration(name: "v12-row-changes", statements: PostgresSchemaRowChanges.statements),
    ]

    /// pg_advisory_xact_lock key: "bkmigrat" as an integer, any constant unlikely to collide.
    static let lockKey: Int64 = 0x626B_6D69_6772_6174

    /// Applies the migrations this database lacks and returns their names (empty when up to date).
    /// Refuses a database holding a migration this binary does not know: its schema is newer.
    @discardableResult
    public static func apply(to database: PostgresDatabase, migrations: [Migration] = all) throws -> [String] {
        try database.execute("""
            CREATE TABLE IF NOT EXISTS bk_migration (
                name text PRIMARY KEY,
                applied_at timestamptz NOT NULL DEFAULT now()
            )
            """)
        var applied: [String] = []
        for migration in migrations {
            let ran = try database.transaction { session -> Bool in
                try session.execute("SELECT pg_advisory_xact_lock($1)", [.int(lockKey)])
                let done = try appliedNames(session)
                try refuseUnknown(done, known: migrations.map(\.name))
                guard !done.contains(migration.name) else { return false }
                for statement in migration.statements { try session.execute(statement) }
                try session.execute("INSERT INTO bk_migration (name) VALUES ($1)", [.text(migration.name)])
                return true
            }
            if ran { applied.append(migration.name) }
        }
        if migrations.isEmpty {
            try database.transaction { session in try refuseUnknown(try appliedNames(session), known: []) }
        }
        return applied
    }

    /// The names recorded in `bk_migration`, oldest first.
    public static func appliedNames(_ session: PostgresSession) throws -> [String] {
        try session.query("SELECT name FROM bk_migration ORDER BY applied_at, name").map { try $0.decode(String.self) }
    }

    static func refuseUnknown(_ applied: [String], known: [String]) throws {
        let unknown = applied.filter { !known.contains($0) }
        guard unknown.isEmpty else {
            throw PostgresStoreError(.schema, "the database schema is newer than this binary: it has migration(s) "
                + unknown.joined(separator: ", ") + " that this build of brightkitchen does not know. Run the "
                + "brightkitchen release that migrated it (or a newer one), or restore a backup taken before that "
                + "upgrade; do not remove rows from bk_migration.")
        }
    }
}
