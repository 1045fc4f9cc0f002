import KitchenModel
import PostgresNIO
import StorageModel

extension PostgresStore: GradeStore {
    public func alarmTallies(since: EpochMillis, until: EpochMillis) throws -> [AlarmTally] {
        try database.query("""
            SELECT site, kind, class, card, count(*) AS n FROM alarm WHERE raised_ms >= $1 AND raised_ms < $2
            GROUP BY site, kind, class, card
            """, [.int(since), .int(until)]).compactMap { row in
            let c = Columns(row)
            guard let site = SiteID(try c("site", String.self)), let card = Card(rawValue: try c("card", String.self)) else {
                return nil
            }
            let riskClass = try c("class", Int64?.self).flatMap { RiskClass(rawValue: Int($0)) }
            return AlarmTally(site: site, kind: try c("kind"), riskClass: riskClass, card: card, count: Int(try c("n", Int64.self)))
        }
    }

    public func saveGrades(_ grades: [StoredGrade]) throws {
        guard !grades.isEmpty else { return }
        // One statement per 1,000 grades over arrays: 14,000 sites are 14 round trips, not 14,000.
        try database.transaction { session in
            for chunk in stride(from: 0, to: grades.count, by: 1_000).map({ grades[$0..<min($0 + 1_000, grades.count)] }) {
                try session.execute("""
                    INSERT INTO site_grade (site, day, region, score, smiley, risk, body, computed_ms)
                    SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::bigint[], $5::text[], $6::text[],
                                         $7::text[], $8::bigint[])
                    ON CONFLICT (site, day) DO UPDATE SET region = excluded.region, score = excluded.score,
                      smiley = excluded.smiley, risk = excluded.risk, body = excluded.body, computed_ms = excluded.computed_ms
                    """, [.texts(chunk.map(\.site.rawValue)), .texts(chunk.map(\.day)), .texts(chunk.map(\.region)),
                          .ints(chunk.map { Int64($0.score) }), .texts(chunk.map(\.smiley)), .texts(chunk.map(\.risk)),
                          .texts(chunk.map(\.body)), .ints(chunk.map(\.computedAt))])
            }
        }
    }

    static let gradeColumns = "site, day, region, score, smiley, risk, body, computed_ms"

    public func grades(fromDay: String, toDay: String, regionPrefix: String?) throws -> [StoredGrade] {
        try database.query("""
            SELECT \(Self.gradeColumns) FROM site_grade WHERE day >= $1 AND day <= $2
              AND ($3::text IS NULL OR starts_with(region, $3)) ORDER BY day, site
            """, [.text(fromDay), .text(toDay), PostgresValue(regionPrefix)]).compactMap(Self.storedGrade)
    }

    public func grades(site: SiteID, fromDay: String, toDay: String) throws -> [StoredGrade] {
        try database.query("""
            SELECT \(Self.gradeColumns) FROM site_grade WHERE site = $1 AND day >= $2 AND day <= $3 ORDER BY day
            """, [.text(site.rawValue), .text(fromDay), .text(toDay)]).compactMap(Self.storedGrade)
    }

    public func latestGradeDay() throws -> String? {
        try database.query("SELECT max(day) AS day FROM site_grade").first.flatMap { try Columns($0)("day", String?.self) }
    }

    static func storedGrade(_ row: PostgresRow) throws -> StoredGrade? {
        let c = Columns(row)
        guard let site = SiteID(try c("site", String.self)) else { return nil }
        return StoredGrade(site: site, day: try c("day"), region: try c("region"), score: Int(try c("score", Int64.self)),
                           smiley: try c("smiley"), risk: try c("risk"), body: try c("body"), computedAt: try c("computed_ms"))
    }
}
