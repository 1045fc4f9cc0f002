import GRDB
import KitchenModel
import StorageModel

extension Store {
    /// Deletes what has outlived its policy, device by device so that each delete walks
    /// the (device, time) index and no transaction holds the writer for long.
    public func applyRetention(_ policy: RetentionPolicy, now: EpochMillis) throws -> RetentionResult {
        let day: Int64 = 86_400_000
        let readingCutoff = now - Int64(policy.rawReadingDays) * day
        let eventCutoff = now - Int64(policy.eventDays) * day
        let rollupCutoffHour = (now - Int64(policy.rollupDays) * day) / 3_600_000
        var result = RetentionResult(readingsDeleted: 0, eventsDeleted: 0, rollupsDeleted: 0)
        // Closed hours are folded into rollups before any of their raw readings can go.
        _ = try pool.write { db in try RollupMaterializer.advance(db, now: now) }
        let deviceIDs = try pool.read { db in try Int64.fetchAll(db, sql: "SELECT id FROM device") }
        for chunk in stride(from: 0, to: deviceIDs.count, by: 500) {
            let ids = deviceIDs[chunk..<min(chunk + 500, deviceIDs.count)]
            try pool.write { db in
                for id in ids {
                    try db.execute(sql: "DELETE FROM reading WHERE device_id = ? AND ts_ms < ?",
                                   arguments: [id, readingCutoff])
                    result.readingsDeleted += db.changesCount
                    try db.execute(sql: "DELETE FROM event WHERE device_id = ? AND ts_ms < ?",
                                   arguments: [id, eventCutoff])
                    result.eventsDeleted += db.changesCount
                }
            }
        }
        try pool.write { db in
            try db.execute(sql: "DELETE FROM rollup_hourly WHERE hour < ?", arguments: [rollupCutoffHour])
            result.rollupsDeleted = db.changesCount
        }
        let traceCutoff = now - Int64(policy.traceabilityDays) * day
        try pool.write { db in
            try db.execute(sql: "DELETE FROM ticket WHERE issued_ms < ?", arguments: [traceCutoff])
            result.ticketsDeleted = db.changesCount
            // A batch goes once it is old and no kept ticket still points at it.
            try db.execute(sql: """
                DELETE FROM batch WHERE updated_ms < ? AND NOT EXISTS (SELECT 1 FROM ticket WHERE ticket.batch = batch.id)
                """, arguments: [traceCutoff])
            result.batchesDeleted = db.changesCount
            try db.execute(sql: "DELETE FROM batch_history WHERE batch NOT IN (SELECT id FROM batch)")
        }
        try pool.write { db in
            try db.execute(sql: "DELETE FROM evidence WHERE alarm_id NOT IN (SELECT id FROM alarm)")
            result.evidenceDeleted = db.changesCount
            if let days = policy.evidenceDaysAfterClose {
                try db.execute(sql: """
                    DELETE FROM evidence WHERE alarm_id IN (SELECT id FROM alarm WHERE state = 'closed' AND updated_ms < ?)
                    """, arguments: [now - Int64(days) * day])
                result.evidenceDeleted += db.changesCount
            }
        }
        return result
    }
}
