import KitchenModel
/// Day partitions of `reading` (UTC days of the device timestamp `ts_ms`), named `reading_pYYYYMMDD`.
/// The maintenance tick creates the coming days ahead of time, so ingest never waits on DDL, and
/// retention drops whole past days instead of deleting rows: no vacuum debt, no index bloat.
public enum PostgresPartitions {
    public static let dayMillis: Int64 = 86_400_000
    static let prefix = "reading_p"
    /// Serialises partition DDL between gateways sharing a database ("bkpartit").
    static let lockKey: Int64 = 0x626B_7061_7274_6974

    /// A day as days since 1970-01-01 UTC.
    public static func day(ofMillis millis: Int64) -> Int64 {
        millis >= 0 ? millis / dayMillis : (millis - dayMillis + 1) / dayMillis
    }

    public static func partitionName(day: Int64) -> String {
        let date = CivilDate(dayNumber: day)
        let (year, month, dayOfMonth) = (date.year, date.month, date.day)
        let digits = String(year) + (month < 10 ? "0" : "") + String(month) + (dayOfMonth < 10 ? "0" : "")
            + String(dayOfMonth)
        return prefix + digits
    }

    /// The day a partition name stands for, or nil for a name that is not one of ours.
    public static func day(ofPartition name: String) -> Int64? {
        let digits = name.dropFirst(prefix.count)
        guard name.hasPrefix(prefix), digits.count == 8, digits.allSatisfy(\.isASCII), let number = Int64(digits)
        else { return nil }
        let year = number / 10_000, month = number / 100 % 100, dayOfMonth = number % 100
        // Rejects 20260231 and the like.
        return CivilDate(year: year, month: month, day: dayOfMonth)?.dayNumber
    }

    /// The day partitions attached to `reading`, oldest first (the default partition not included).
    public static func readingPartitions(_ database: PostgresDatabase) throws -> [(name: String, day: Int64)] {
        try database.query("""
            SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent = 'reading'::regclass
            """).compactMap { row -> (name: String, day: Int64)? in
            let name = try row.decode(String.self)
            return day(ofPartition: name).map { (name, $0) }
        }.sorted { $0.day < $1.day }
    }

    /// Creates the partitions of days `first...last` that do not exist yet, each in its own
    /// transaction; returns the names created. Rows the default partition already holds for such a
    /// day (a device clock that ran ahead) are moved into the new partition in the same transaction.
    @discardableResult
    public static func createReadingPartitions(_ database: PostgresDatabase, days: ClosedRange<Int64>) throws
        -> [String]
    {
        let supported = 0...CivilDate(year: 9999, month: 12, day: 31)!.dayNumber
        guard supported.contains(days.lowerBound), supported.contains(days.upperBound) else {
            throw PostgresStoreError(.schema, "reading partitions are made for days of 1970...9999 only")
        }
        var created: [String] = []
        for day in days {
            let name = partitionName(day: day)
            let lower = day * dayMillis
            let upper = lower + dayMillis
            let made = try database.transaction { session -> Bool in
                try session.execute("SELECT pg_advisory_xact_lock($1)", [.int(lockKey)])
                let exists = try session.query("""
                    SELECT 1 FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
                    WHERE i.inhparent = 'reading'::regclass AND c.relname = $1
                    """, [.text(name)])
                guard exists.isEmpty else { return false }
                // Built apart and attached: CREATE ... PARTITION OF would fail if the default
                // partition held a row of this day. `name` is digits after a fixed prefix.
                try session.execute("CREATE TABLE \(name) (LIKE reading INCLUDING DEFAULTS INCLUDING CONSTRAINTS)")
                try session.execute("""
                    WITH moved AS (DELETE FROM reading_default WHERE ts_ms >= $1 AND ts_ms < $2 RETURNING *)
                    INSERT INTO \(name) SELECT * FROM moved
                    """, [.int(lower), .int(upper)])
                try session.execute("ALTER TABLE reading ATTACH PARTITION \(name) FOR VALUES FROM (\(lower)) TO (\(upper))")
                return true
            }
            if made { created.append(name) }
        }
        return created
    }

    /// The maintenance tick's call: partitions from `behind` days before `now`'s day to `ahead` days after.
    @discardableResult
    public static func ensureReadingPartitions(_ database: PostgresDatabase, now: Int64, behind: Int64 = 1,
                                               ahead: Int64 = 7) throws -> [String] {
        let today = day(ofMillis: now)
        return try createReadingPartitions(database, days: (today - behind)...(today + ahead))
    }

    /// Retention: drops every day partition that ends at or before `cutoff` (whole days only, so up
    /// to a day more than the policy is kept) and deletes the default partition's rows older than
    /// `cutoff`. Returns the dropped partitions' names and how many readings went in all.
    @discardableResult
    public static func dropReadingPartitions(_ database: PostgresDatabase, olderThan cutoff: Int64) throws
        -> (dropped: [String], readingsDeleted: Int)
    {
        var dropped: [String] = []
        var deleted = 0
        for partition in try readingPartitions(database) where (partition.day + 1) * dayMillis <= cutoff {
            // DROP takes a brief exclusive lock on `reading`; DETACH ... CONCURRENTLY would not, but
            // PostgreSQL refuses it on a table with a default partition. Counted first, for the report.
            deleted += try database.transaction { session -> Int in
                try session.execute("SELECT pg_advisory_xact_lock($1)", [.int(lockKey)])
                guard try !session.query("SELECT to_regclass($1)::text", [.text(partition.name)])
                    .compactMap({ try $0.decode(String?.self) }).isEmpty else { return 0 }
                let rows = try session.query("SELECT count(*) FROM \(partition.name)").first?.decode(Int.self) ?? 0
                try session.execute("DROP TABLE \(partition.name)")
                return rows
            }
            dropped.append(partition.name)
        }
        deleted += try database.execute("DELETE FROM reading_default WHERE ts_ms < $1", [.int(cutoff)])
        return (dropped, deleted)
    }
}
