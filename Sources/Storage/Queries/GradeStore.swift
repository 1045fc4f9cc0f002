import GRDB
import KitchenModel
import StorageModel

extension Store {
    public func alarmTallies(since: EpochMillis, until: EpochMillis) throws -> [AlarmTally] {
        try pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT site, kind, class, card, count(*) AS n FROM alarm WHERE raised_ms >= ? AND raised_ms < ?
                GROUP BY site, kind, class, card
                """, arguments: [since, until]).compactMap { row in
                guard let site = SiteID(row["site"] as String), let card = Card(rawValue: row["card"]) else { return nil }
                let riskClass = (row["class"] as Int?).flatMap(RiskClass.init(rawValue:))
                return AlarmTally(site: site, kind: row["kind"], riskClass: riskClass, card: card, count: row["n"])
            }
        }
    }

    public func saveGrades(_ grades: [StoredGrade]) throws {
        guard !grades.isEmpty else { return }
        try pool.write { db in
            let statement = try db.cachedStatement(sql: """
                INSERT INTO site_grade (site, day, region, score, smiley, risk, body, computed_ms)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (site, day) DO UPDATE SET region = excluded.region, score = excluded.score,
                  smiley = excluded.smiley, risk = excluded.risk, body = excluded.body, computed_ms = excluded.computed_ms
                """)
            for g in grades {
                try statement.execute(arguments: [g.site.rawValue, g.day, g.region, g.score, g.smiley, g.risk, g.body, g.computedAt])
            }
        }
    }

    private static let gradeColumns = "site, day, region, score, smiley, risk, body, computed_ms"

    public func grades(fromDay: String, toDay: String, regionPrefix: String?) throws -> [StoredGrade] {
        try pool.read { db in
            // substr, not LIKE: a prefix is digits and '-', but LIKE would read '_' in it as a wildcard.
            try Row.fetchAll(db, sql: """
                SELECT \(Self.gradeColumns) FROM site_grade WHERE day >= ? AND day <= ?
                  AND (? IS NULL OR substr(region, 1, length(?)) = ?) ORDER BY day, site
                """, arguments: [fromDay, toDay, regionPrefix, regionPrefix, regionPrefix]).compactMap(Self.storedGrade)
        }
    }

    public func grades(site: SiteID, fromDay: String, toDay: String) throws -> [StoredGrade] {
        try pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT \(Self.gradeColumns) FROM site_grade WHERE site = ? AND day >= ? AND day <= ? ORDER BY day
                """, arguments: [site.rawValue, fromDay, toDay]).compactMap(Self.storedGrade)
        }
    }

    public func latestGradeDay() throws -> String? {
        try pool.read { db in try String.fetchOne(db, sql: "SELECT max(day) FROM site_grade") }
    }

    private static func storedGrade(_ row: Row) -> StoredGrade? {
        guard let site = SiteID(row["site"] as String) else { return nil }
        return StoredGrade(site: site, day: row["day"], region: row["region"], score: row["score"], smiley: row["smiley"],
                           risk: row["risk"], body: row["body"], computedAt: row["computed_ms"])
    }
}
