import Foundation
import GRDB
import KitchenModel
import StorageModel

/// Thermometer rollups (`t`, `rh`) of hours still open are not written reading by reading: two
/// upserts per reading were a third of the writer's SQLite work, for cells that change with every
/// reading of the hour. Instead raw readings are the rollups' only source until their hour has
/// closed; then one set-based statement per metric folds the hour into `rollup_hourly`.
///
/// The watermark `W` (in `gateway_meta`) is the first hour not yet folded:
/// - a thermo reading of an hour ≥ W adds nothing to `rollup_hourly` when it is stored;
/// - one of an hour < W (a device replaying its buffer, a late clock) is upserted at once, as
///   every other kind's metrics always are;
/// - folding hours [W, H) and moving W to H happen in one transaction, inside the writer's, so
///   a crash in between leaves nothing to repair: the raw readings are still there.
/// Readers answer hours ≥ W from raw readings (`ReadingQueries.rollups`), so a rollup is
/// complete the moment its reading is committed, as before.
public enum RollupMaterializer {
    public static let metaKey = RollupFoldPolicy.metaKey
    public static let grace = RollupFoldPolicy.grace
    static let metrics = RollupFoldPolicy.metrics

    /// The first hour not yet folded, or nil for a store no writer of this version has touched
    /// (every rollup it has was written at once).
    static func watermark(_ db: Database) throws -> Int64? {
        // Cached: the writer asks once per batch.
        try String.fetchOne(db.cachedStatement(sql: "SELECT value FROM gateway_meta WHERE key = ?"), arguments: [metaKey])
            .flatMap { Int64($0) }
    }

    /// Folds every hour that closed (plus `grace`) before `now` and returns the new watermark.
    /// A store without a watermark starts at the current hour: its earlier thermo rollups were
    /// written reading by reading, and the current hour's cells are replaced by the fold whole.
    static func advance(_ db: Database, now: EpochMillis) throws -> Int64 {
        let closed = (now - grace) / 3_600_000
        guard let from = try watermark(db) else {
            try save(now / 3_600_000, db)
            return now / 3_600_000
        }
        guard closed > from else { return from }
        try fold(db, from: from, to: closed)
        return closed
    }

    /// Folds hours [from, to) and moves the watermark to `to`.
    static func fold(_ db: Database, from: Int64, to: Int64) throws {
        for metric in metrics {
            // Through `device` so each device's slice walks `reading_by_time`, not the whole table.
            try db.execute(sql: """
                INSERT OR REPLACE INTO rollup_hourly (device_id, metric, hour, min, max, sum, count)
                SELECT r.device_id, ?, r.ts_ms / 3600000, min(r.\(metric)), max(r.\(metric)), sum(r.\(metric)),
                       count(r.\(metric))
                FROM device d JOIN reading r ON r.device_id = d.id AND r.ts_ms >= ? AND r.ts_ms < ?
                WHERE r.\(metric) IS NOT NULL
                GROUP BY r.device_id, r.ts_ms / 3600000
                """, arguments: [metric, from * 3_600_000, to * 3_600_000])
        }
        try save(to, db)
    }

    private static func save(_ hour: Int64, _ db: Database) throws {
        try db.execute(sql: "INSERT OR REPLACE INTO gateway_meta (key, value) VALUES (?, ?)",
                       arguments: [metaKey, String(hour)])
    }

    /// Whether a stored reading's rollups are left to the fold.
    static func isFolded(_ readings: Readings, hour: Int64, watermark: Int64) -> Bool {
        guard case .thermo = readings else { return false }
        return hour >= watermark
    }

    /// `rollup_hourly` as readers must see it: the folded rows, and for folded metrics the hours
    /// from the watermark on computed from raw readings (through `device`, so each device's slice
    /// walks `reading_by_time`). Columns: device_id, metric, hour, min, max, sum, count; no
    /// parameters. `store copy` reads the table through this.
    public static let completeRowsSQL: String = {
        let w = "(SELECT CAST(value AS INTEGER) FROM gateway_meta WHERE key = '\(metaKey)')"
        let folded = metrics.map { "'\($0)'" }.joined(separator: ", ")
        let open = metrics.map { m in
            """
            SELECT r.device_id, '\(m)', r.ts_ms / 3600000, min(r.\(m)), max(r.\(m)), sum(r.\(m)), count(r.\(m))
            FROM device d JOIN reading r ON r.device_id = d.id AND r.ts_ms >= 3600000 * \(w)
            WHERE r.\(m) IS NOT NULL
            GROUP BY r.device_id, r.ts_ms / 3600000
            """
        }
        return (["""
            SELECT device_id, metric, hour, min, max, sum, count FROM rollup_hourly
            WHERE metric NOT IN (\(folded)) OR hour < coalesce(\(w), 9223372036854775807)
            """] + open).joined(separator: "\nUNION ALL\n")
    }()
}
