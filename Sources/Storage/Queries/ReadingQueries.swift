import GRDB
import KitchenModel
import StorageModel

extension Store {
    /// A thermometer's temperatures in `[since, until)` grouped into slices of `width` ms that
    /// start on multiples of `width`; only values in `plausible` and not among `excluding` (a
    /// sensor's sentinels) count, and slices without any are left out. SQLite does the grouping,
    /// so the answer is bounded by the number of slices whatever the report interval.
    public func temperatureBuckets(of key: DeviceKey, since: EpochMillis, until: EpochMillis, width: EpochMillis,
                                   plausible: ClosedRange<Double>, excluding: [Double] = []) throws -> [TemperatureBucket] {
        guard width > 0, since >= 0, until > since else { return [] }
        let excluded = excluding.isEmpty ? "" : "AND r.t NOT IN (\(excluding.map { _ in "?" }.joined(separator: ", ")))"
        let values: [(any DatabaseValueConvertible)?] = [width, key.site.rawValue, key.device.rawValue, since, until,
                                                      plausible.lowerBound, plausible.upperBound]
            + excluding.map { $0 as (any DatabaseValueConvertible)? } + [(until - since) / width + 1]
        let arguments = StatementArguments(values)
        return try pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT r.ts_ms / ? AS slot, min(r.t) AS lo, max(r.t) AS hi, avg(r.t) AS mean, count(*) AS n
                FROM reading r JOIN device d ON d.id = r.device_id
                WHERE d.site = ? AND d.device = ? AND r.ts_ms >= ? AND r.ts_ms < ?
                  AND r.t IS NOT NULL AND r.t BETWEEN ? AND ? \(excluded)
                GROUP BY slot ORDER BY slot LIMIT ?
                """, arguments: arguments).map { row in
                TemperatureBucket(start: (row["slot"] as Int64) * width, min: row["lo"], max: row["hi"],
                                  average: row["mean"], count: row["n"])
            }
        }
    }

    /// Readings of one device in device time order, `since` inclusive, `until` exclusive.
    public func readings(of key: DeviceKey, since: EpochMillis = 0, until: EpochMillis = .max,
                         limit: Int = 10_000) throws -> [ReadingRow] {
        try pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT r.boot, r.seq, r.ts_ms, r.received_ms, r.t, r.rh, r.bat, r.data, d.kind
                FROM reading r JOIN device d ON d.id = r.device_id
                WHERE d.site = ? AND d.device = ? AND r.ts_ms >= ? AND r.ts_ms < ?
                ORDER BY r.ts_ms, r.boot, r.seq LIMIT ?
                """, arguments: [key.site.rawValue, key.device.rawValue, since, until, limit]).compactMap { row in
                guard let readings = ReadingCodec.decode(
                    kind: (row["kind"] as String?).flatMap(DeviceKind.init(rawValue:)),
                    t: row["t"], rh: row["rh"], bat: row["bat"], data: row["data"])
                else { return nil }
                return ReadingRow(boot: row["boot"], seq: row["seq"], deviceTime: row["ts_ms"],
                                  receivedAt: row["received_ms"], readings: readings)
            }
        }
    }

    /// (boot, seq) of every stored reading and event of a device: what exactly-once checks compare.
    public func storedSequenceNumbers(of key: DeviceKey) throws -> [(boot: Int64, seq: Int64)] {
        try pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT boot, seq FROM (
                    SELECT r.boot, r.seq FROM reading r JOIN device d ON d.id = r.device_id
                    WHERE d.site = ? AND d.device = ?
                    UNION ALL
                    SELECT e.boot, e.seq FROM event e JOIN device d ON d.id = e.device_id
                    WHERE d.site = ? AND d.device = ?)
                ORDER BY boot, seq
                """, arguments: [key.site.rawValue, key.device.rawValue, key.site.rawValue, key.device.rawValue])
                .map { (boot: $0["boot"], seq: $0["seq"]) }
        }
    }

    /// Folded hours from `rollup_hourly`; for `t` and `rh` the hours from the fold's watermark on
    /// straight from raw readings (`RollupMaterializer`), in the same read transaction.
    public func rollups(of key: DeviceKey, metric: String, since: EpochMillis, until: EpochMillis = .max)
        throws -> [RollupRow]
    {
        let fromHour = since / 3_600_000
        let toHour = until == .max ? Int64.max : (until + 3_599_999) / 3_600_000
        return try pool.read { db in
            guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM device WHERE site = ? AND device = ?",
                                              arguments: [key.site.rawValue, key.device.rawValue])
            else { return [] }
            let watermark = RollupMaterializer.metrics.contains(metric)
                ? try RollupMaterializer.watermark(db) ?? .max : .max
            var rows = try Row.fetchAll(db, sql: """
                SELECT hour, min, max, sum, count FROM rollup_hourly
                WHERE device_id = ? AND metric = ? AND hour >= ? AND hour < ?
                ORDER BY hour
                """, arguments: [id, metric, fromHour, min(toHour, watermark)])
            if watermark < toHour {
                // `metric` is one of RollupMaterializer.metrics: a column of `reading`.
                rows += try Row.fetchAll(db, sql: """
                    SELECT ts_ms / 3600000 AS hour, min(\(metric)) AS min, max(\(metric)) AS max,
                           sum(\(metric)) AS sum, count(\(metric)) AS count
                    FROM reading WHERE device_id = ? AND ts_ms >= ? AND ts_ms < ? AND \(metric) IS NOT NULL
                    GROUP BY ts_ms / 3600000 ORDER BY hour
                    """, arguments: [id, max(fromHour, watermark) * 3_600_000,
                                     toHour == .max ? Int64.max : toHour * 3_600_000])
            }
            return rows.map { row in
                let count: Int = row["count"]
                let sum: Double = row["sum"]
                return RollupRow(metric: metric, hourStart: (row["hour"] as Int64) * 3_600_000,
                                 min: row["min"], max: row["max"], average: count > 0 ? sum / Double(count) : 0,
                                 count: count)
            }
        }
    }

    /// Row counts for the operations page and tests.
    public func counts() throws -> (devices: Int, readings: Int, events: Int, rollups: Int, rejects: Int) {
        try pool.read { db in
            (try Int.fetchOne(db, sql: "SELECT count(*) FROM device") ?? 0,
             try Int.fetchOne(db, sql: "SELECT count(*) FROM reading") ?? 0,
             try Int.fetchOne(db, sql: "SELECT count(*) FROM event") ?? 0,
             try Int.fetchOne(db, sql: "SELECT count(*) FROM (\(RollupMaterializer.completeRowsSQL))") ?? 0,
             try Int.fetchOne(db, sql: "SELECT count(*) FROM reject") ?? 0)
        }
    }
}
