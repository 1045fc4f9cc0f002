import GRDB
import KitchenModel
import StorageModel

/// Read-side aggregates for region summaries and reports.
extension Store {
    /// Tickets issued per site since `since` (inclusive), for sites that issued any.
    public func ticketCountsBySite(since: EpochMillis) throws -> [SiteID: Int] {
        try pool.read { db in
            var counts: [SiteID: Int] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT site, count(*) AS n FROM ticket WHERE issued_ms >= ? GROUP BY site",
                                        arguments: [since]) {
                if let site = SiteID(row["site"]) { counts[site] = row["n"] }
            }
            return counts
        }
    }

    /// Alarms of a region (division-code prefix) raised in `[since, until)`, oldest first,
    /// or, with `openOnly`, every alarm of the region not closed whenever it was raised.
    public func alarms(regionPrefix: String, since: EpochMillis = 0, until: EpochMillis = .max,
                       openOnly: Bool = false) throws -> [AlarmRow] {
        let pattern = regionPrefix.replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_") + "%"
        let openFilter = openOnly ? "AND state <> 'closed'" : ""
        return try pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT * FROM alarm WHERE region LIKE ? ESCAPE '\\' AND raised_ms >= ? AND raised_ms < ? \(openFilter)
                ORDER BY raised_ms, id
                """, arguments: [pattern, since, until]).compactMap(Self.alarmRow)
        }
    }

    /// Alarms of one site raised before `until` and not closed before `since`: every alarm
    /// that was open at some time of the period.
    public func alarms(site: SiteID, overlapping since: EpochMillis, until: EpochMillis) throws -> [AlarmRow] {
        try pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT * FROM alarm WHERE site = ? AND raised_ms < ? AND (state <> 'closed' OR updated_ms >= ?)
                ORDER BY raised_ms, id
                """, arguments: [site.rawValue, until, since]).compactMap(Self.alarmRow)
        }
    }
}
