import Foundation
import KitchenModel
import StorageModel

/// PostgreSQL's twin of SQLite's `RollupMaterializer`: thermometer rollups (`t`, `rh`) of hours
/// still open are not upserted batch by batch (rows every batch rewrote, and both lanes contended
/// for); readers compute them from raw readings until the hour has closed, and then one
/// set-based statement per metric folds the hour into `rollup_hourly`.
///
/// The watermark `W` (`gateway_meta`, same key as SQLite's) is the first hour not yet folded; a
/// thermo reading of an hour ≥ W adds nothing to `rollup_hourly`, one of an hour < W is upserted
/// at once. Unlike SQLite, two lanes and several gateways commit at once, each in its own
/// transaction, so deciding "defer" and moving W are serialised by an advisory lock: every batch
/// that stores readings holds it shared and reads W after taking it; the fold holds it exclusive
/// in a transaction of its own. In READ COMMITTED the fold's statements, run after the lock was
/// granted, see every batch that decided with the old W; a batch that waited for the fold reads
/// the new W, and upserts at once what the fold can no longer see.
public enum PostgresRollupFold {
    public static let metaKey = RollupFoldPolicy.metaKey
    public static let grace = RollupFoldPolicy.grace
    static let metrics = RollupFoldPolicy.metrics
    static let hour: EpochMillis = 3_600_000
    /// Two-key advisory lock ('ROLL', 1): a key space apart from the one-key locks (evidence).
    static let lockShared = "SELECT pg_advisory_xact_lock_shared(1380928588, 1)"
    static let lockExclusive = "SELECT pg_advisory_xact_lock(1380928588, 1)"

    /// The last hour that has closed (plus `grace`) by `now`, exclusive: folds reach up to it.
    static func closed(_ now: EpochMillis) -> Int64 { (now - grace) / hour }

    /// Folds every hour closed by `now` in its own transaction, under the exclusive lock, and
    /// returns the new watermark. A database without one (new, of an earlier release, or copied)
    /// starts at the current hour: its earlier cells are complete, the current hour's are
    /// replaced by the fold whole, and readers ignore them until then.
    public static func advance(_ database: PostgresDatabase, now: EpochMillis) throws -> Int64 {
        try database.transaction { session in
            try session.execute(lockExclusive)
            guard let from = try watermark(session) else {
                try save(now / hour, session)
                return now / hour
            }
            let to = closed(now)
            guard to > from else { return from }
            for metric in metrics {
                // Replaces, not adds: the raw readings are the whole truth of these hours, and a
                // cell left by an earlier release holds only part of them.
                try session.execute("""
                    INSERT INTO rollup_hourly (device_id, metric, hour, min, max, sum, count)
                    SELECT r.device_id, $1::text, r.ts_ms / 3600000, min(r.\(metric)), max(r.\(metric)),
                           sum(r.\(metric)), count(r.\(metric))
                    FROM reading r WHERE r.ts_ms >= $2 AND r.ts_ms < $3 AND r.\(metric) IS NOT NULL
                    GROUP BY r.device_id, r.ts_ms / 3600000
                    ON CONFLICT (device_id, metric, hour) DO UPDATE SET
                        min = excluded.min, max = excluded.max, sum = excluded.sum, count = excluded.count
                    """, [.text(metric), .int(from * hour), .int(to * hour)])
            }
            try save(to, session)
            return to
        }
    }

    static func watermark(_ session: PostgresSession) throws -> Int64? {
        try session.query("SELECT value FROM gateway_meta WHERE key = $1", [.text(metaKey)]).first
            .map { try $0.decode(String.self) }.flatMap { Int64($0) }
    }

    private static func save(_ hour: Int64, _ session: PostgresSession) throws {
        try session.execute("""
            INSERT INTO gateway_meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value
            """, [.text(metaKey), .text(String(hour))])
    }

    /// Whether a stored reading's rollups are left to the fold.
    static func isFolded(_ readings: Readings, hour: Int64, watermark: Int64) -> Bool {
        guard case .thermo = readings else { return false }
        return hour >= watermark
    }
}
