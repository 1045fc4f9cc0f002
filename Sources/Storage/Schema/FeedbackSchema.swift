import GRDB

/// Migration "v13-complaints": ratings, complaints with their photos and trail (docs/web.md,
/// "Ratings and complaints"). The twins of PostgreSQL's "v5-complaints".
enum FeedbackSchema {
    static func create(_ db: Database) throws {
        try db.execute(sql: """
            CREATE TABLE feedback_rating (
                site TEXT NOT NULL,
                day TEXT NOT NULL,
                client TEXT NOT NULL,
                at_ms INTEGER NOT NULL,
                food INTEGER NOT NULL,
                hygiene INTEGER NOT NULL,
                source TEXT NOT NULL,
                PRIMARY KEY (site, day, client)
            ) WITHOUT ROWID
            """)
        try db.execute(sql: "CREATE INDEX feedback_rating_by_time ON feedback_rating (at_ms)")
        try db.execute(sql: """
            CREATE TABLE complaint (
                id TEXT PRIMARY KEY NOT NULL,
                receipt TEXT NOT NULL UNIQUE,
                site TEXT NOT NULL,
                region TEXT NOT NULL,
                kind TEXT NOT NULL,
                text TEXT NOT NULL,
                contact TEXT,
                source TEXT NOT NULL,
                ticket TEXT,
                state TEXT NOT NULL,
                received_ms INTEGER NOT NULL,
                decide_by_ms INTEGER,
                close_by_ms INTEGER,
                escalated TEXT,
                upheld INTEGER,
                reply TEXT,
                closed_ms INTEGER,
                photo_count INTEGER NOT NULL,
                fingerprint TEXT NOT NULL,
                version INTEGER NOT NULL,
                updated_ms INTEGER NOT NULL
            ) WITHOUT ROWID
            """)
        try db.execute(sql: "CREATE INDEX complaint_by_site ON complaint (site, received_ms)")
        try db.execute(sql: "CREATE INDEX complaint_by_region ON complaint (region, received_ms)")
        try db.execute(sql: "CREATE INDEX complaint_by_fingerprint ON complaint (fingerprint, received_ms)")
        try db.execute(sql: "CREATE INDEX complaint_by_state ON complaint (state, received_ms)")
        try db.execute(sql: "CREATE INDEX complaint_by_closed ON complaint (closed_ms)")
        try db.execute(sql: """
            CREATE TABLE complaint_photo (
                complaint_id TEXT NOT NULL,
                idx INTEGER NOT NULL,
                jpeg BLOB NOT NULL,
                width INTEGER NOT NULL,
                height INTEGER NOT NULL,
                PRIMARY KEY (complaint_id, idx)
            ) WITHOUT ROWID
            """)
        try db.execute(sql: """
            CREATE TABLE complaint_step (
                id INTEGER PRIMARY KEY AUTOINCREMENT,
                complaint_id TEXT NOT NULL,
                at_ms INTEGER NOT NULL,
                kind TEXT NOT NULL,
                actor TEXT,
                note TEXT
            )
            """)
        try db.execute(sql: "CREATE INDEX complaint_step_by_complaint ON complaint_step (complaint_id, id)")
        // The trail is the record of what was done and when: never rewritten.
        try db.execute(sql: """
            CREATE TRIGGER complaint_step_no_update BEFORE UPDATE ON complaint_step
            BEGIN SELECT RAISE(ABORT, 'complaint steps are kept as recorded'); END
            """)
        try db.execute(sql: """
            CREATE TRIGGER complaint_step_no_delete BEFORE DELETE ON complaint_step
            BEGIN SELECT RAISE(ABORT, 'complaint steps are kept as recorded'); END
            """)
    }
}
