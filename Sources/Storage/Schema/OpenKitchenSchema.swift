import GRDB

/// Migrations "v15-grades" and "v16-markets", the twins of PostgreSQL's "v8-grades" and "v9-markets".
enum OpenKitchenSchema {
    /// Nightly grades (docs/rules.md, "Grades"): one row per site and day, replaced when a night is
    /// graded again; the whole grade and its facts as JSON.
    static func createGrades(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE site_grade (
                site TEXT NOT NULL,
                day TEXT NOT NULL,
                region TEXT NOT NULL,
                score INTEGER NOT NULL,
                smiley TEXT NOT NULL,
                risk TEXT NOT NULL,
                body TEXT NOT NULL,
                computed_ms INTEGER NOT NULL,
                PRIMARY KEY (site, day)
            ) WITHOUT ROWID
            """)
        try db.execute(sql: "CREATE INDEX site_grade_by_day ON site_grade (day, region)")
    }

    /// A market's stall-holder files and rapid-test plans (docs/markets.md), never deleted.
    static func createMarketRecords(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE market_record (
                site TEXT NOT NULL,
                kind TEXT NOT NULL,
                key TEXT NOT NULL,
                body TEXT NOT NULL,
                updated_ms INTEGER NOT NULL,
                PRIMARY KEY (site, kind, key)
            ) WITHOUT ROWID
            """)
    }
}
