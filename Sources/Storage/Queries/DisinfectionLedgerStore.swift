import GRDB
import KitchenModel
import StorageModel

extension Store {
    /// Idempotent on (device, start): a replayed run event does not add a second line.
    public func recordLedger(_ row: LedgerRow) throws {
        try pool.write { db in try Self.recordLedger(row, in: db) }
    }

    static func recordLedger(_ row: LedgerRow, in db: Database) throws {
        try db.execute(sql: """
            INSERT OR IGNORE INTO disinfection_ledger (site, device, start_ms, end_ms, mode, passed, scheduled_ms, entry)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [row.key.site.rawValue, row.key.device.rawValue, row.start, row.end, row.mode,
                             row.passed, row.scheduledFor, row.entryJSON])
    }

    public func ledger(site: SiteID, since: EpochMillis = 0, until: EpochMillis = .max) throws -> [LedgerRow] {
        try pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT * FROM disinfection_ledger WHERE site = ? AND start_ms >= ? AND start_ms < ? ORDER BY start_ms
                """, arguments: [site.rawValue, since, until]).compactMap { row in
                guard let site = SiteID(row["site"]), let device = DeviceID(row["device"]) else { return nil }
                return LedgerRow(key: DeviceKey(site: site, device: device), start: row["start_ms"], end: row["end_ms"],
                                 mode: row["mode"], passed: row["passed"], scheduledFor: row["scheduled_ms"],
                                 entryJSON: row["entry"])
            }
        }
    }
}
