/// Migration "v8-grades": nightly grades, the twin of SQLite's "v15-grades" (docs/rules.md, "Grades").
enum PostgresSchemaGrades {
    static let statements: [String] = [
        """
        CREATE TABLE site_grade (
            site text NOT NULL,
            day text NOT NULL,
            region text NOT NULL,
            score bigint NOT NULL,
            smiley text NOT NULL,
            risk text NOT NULL,
            body text NOT NULL,
            computed_ms bigint NOT NULL,
            PRIMARY KEY (site, day)
        )
        """,
        "CREATE INDEX site_grade_by_day ON site_grade (day, region)",
    ]

    /// Migration "v9-markets": a market's stall-holder files and rapid-test plans, the twin of
    /// SQLite's "v16-markets" (docs/markets.md).
    static let markets: [String] = [
        """
        CREATE TABLE market_record (
            site text NOT NULL,
            kind text NOT NULL,
            key text NOT NULL,
            body text NOT NULL,
            updated_ms bigint NOT NULL,
            PRIMARY KEY (site, kind, key)
        )
        """,
    ]
}
