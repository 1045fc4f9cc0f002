import Foundation
import GRDB
import KitchenModel
import StorageModel

/// Writes one batch inside one transaction. Confined to the writer thread, which is
/// why it may cache device row ids and deferred snapshots without locking.
final class BatchTransaction: BatchCommitter {
    private var deviceIDs: [DeviceKey: Int64] = [:]
    /// The last device looked up: a message's snapshot follows its reading, so most look-ups ask
    /// for the same device twice in a row, and hashing its key (two strings) cost ~700 instructions.
    private var lastDevice: (key: DeviceKey, id: Int64)?
    /// Devices that have rows in `seq_gap` (nil until first read): almost none do, and skipping
    /// their DELETE spares one statement per device per batch.
    private var devicesWithGapRows: Set<Int64>?
    let maxRejects: Int
    /// Device snapshots that only moved a device's progress (last seq, last seen, last reading)
    /// wait up to this long before they are written (`SnapshotDeferral`).
    let snapshotInterval: Duration
    private var deferral = SnapshotDeferral()
    /// Waiting snapshots the transaction in progress took to write, given back if it rolls back.
    /// (Not a copy of the whole deferral: that would copy every device's entry on every batch.)
    private var takenInTransaction: [(id: Int64, snapshot: DeviceSnapshot)] = []

    private let pool: DatabasePool

    init(pool: DatabasePool, maxRejects: Int, snapshotInterval: Duration = .seconds(1)) {
        self.pool = pool
        self.maxRejects = maxRejects
        self.snapshotInterval = snapshotInterval
    }

    /// When the earliest deferred snapshot must be written, if any waits.
    func snapshotsDue() -> ContinuousClock.Instant? { deferral.nextDue() }

    var hasDeferredSnapshots: Bool { !deferral.isEmpty }

    func commit(_ items: [WriteItem], flushSnapshots: Bool) throws -> CommitStats {
        try pool.write { db in try write(items, in: db, flushSnapshots: flushSnapshots) }
    }

    /// Writes `items`, then the device snapshots that are due (all of them when `flushSnapshots`).
    func write(_ items: [WriteItem], in db: Database, flushSnapshots: Bool = false) throws -> CommitStats {
        takenInTransaction = []
        var stats = CommitStats(items: items.count, readingsInserted: 0, eventsInserted: 0, duplicatesIgnored: 0,
                                seconds: 0)
        var rollups = HourlyRollups()
        let foldedFrom = try RollupMaterializer.advance(db, now: EpochMillis(Date().timeIntervalSince1970 * 1000))
        // By device row id (hashing an Int64, not a key's two strings); the newest per device wins.
        var snapshots: [Int64: DeviceSnapshot] = [:]
        // About one snapshot per two items (a reading and its device's snapshot): grown from
        // empty, the dictionary was rehashed six times a batch.
        snapshots.reserveCapacity(min(items.count / 2, 4_096))
        // Devices with an event or ticket here: their snapshot goes in with it, since a restart
        // recovers the last seq from readings only.
        var sequencedOtherwise: Set<DeviceKey> = []
        var rejects = 0

        let insertReading = BoundStatement(try db.cachedStatement(sql: """
            INSERT OR IGNORE INTO reading (device_id, boot, seq, ts_ms, received_ms, t, rh, bat, data)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """), in: db)
        let insertEvent = try db.cachedStatement(sql: """
            INSERT OR IGNORE INTO event (device_id, boot, seq, ts_ms, received_ms, type, data)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """)
        let insertTicket = try db.cachedStatement(sql: """
            INSERT OR IGNORE INTO ticket (id, code, trace_no, key_id, site, device, req, stall, batch, plu, item, grams,
                                          unit_price_fen, total_fen, issued_ms)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)

        for item in items {
            switch item {
            case .reading(let r):
                let id = try deviceID(r.key, db)
                let c = ReadingCodec.columns(r.readings)
                insertReading.bind(1, id)
                insertReading.bind(2, r.boot)
                insertReading.bind(3, r.seq)
                insertReading.bind(4, r.deviceTime)
                insertReading.bind(5, r.receivedAt)
                insertReading.bind(6, c.t)
                insertReading.bind(7, c.rh)
                insertReading.bind(8, c.bat)
                insertReading.bind(9, c.data)
                guard try insertReading.run() == 1 else {
                    stats.duplicatesIgnored += 1
                    continue
                }
                stats.readingsInserted += 1
                if !RollupMaterializer.isFolded(r.readings, hour: r.deviceTime / 3_600_000, watermark: foldedFrom) {
                    rollups.add(r, deviceID: id)
                }
            case .event(let e):
                sequencedOtherwise.insert(e.key)
                let id = try deviceID(e.key, db)
                try insertEvent.execute(arguments: [id, e.boot, e.seq, e.deviceTime, e.receivedAt, e.type, e.json])
                if db.changesCount == 1 { stats.eventsInserted += 1 } else { stats.duplicatesIgnored += 1 }
            case .device(let snapshot):
                snapshots[try deviceID(snapshot.key, db)] = snapshot
            case .reject(let reject):
                try db.execute(sql: """
                    INSERT INTO reject (at_ms, reason, topic, message, payload_size, payload)
                    VALUES (?, ?, ?, ?, ?, ?)
                    """, arguments: [reject.at, reject.reason, reject.topic, reject.message, reject.payloadSize,
                                     Data(reject.payloadPrefix)])
                rejects += 1
            case .ticket(let t):
                sequencedOtherwise.insert(t.scale)
                try insertTicket.execute(arguments: [
                    Int64(bitPattern: t.id), t.code, t.traceNumber, t.keyID, t.scale.site.rawValue,
                    t.scale.device.rawValue, t.req, t.stall, t.batch.rawValue, t.plu, t.item, t.grams, t.unitPriceFen,
                    t.totalFen, t.issuedAt,
                ])
                if db.changesCount == 1 { stats.ticketsInserted += 1 } else { stats.ticketsIgnored.insert(t.id) }
            case .ticketKey(let record):
                try Store.insertTicketKey(record, db)
            }
        }

        let upsertRollup = BoundStatement(try db.cachedStatement(sql: """
            INSERT INTO rollup_hourly (device_id, metric, hour, min, max, sum, count) VALUES (?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (device_id, metric, hour) DO UPDATE SET
                min = min(rollup_hourly.min, excluded.min),
                max = max(rollup_hourly.max, excluded.max),
                sum = rollup_hourly.sum + excluded.sum,
                count = rollup_hourly.count + excluded.count
            """), in: db)
        for (key, cell) in rollups.cells {
            upsertRollup.bind(1, key.deviceID)
            upsertRollup.bind(2, key.metric)
            upsertRollup.bind(3, key.hour)
            upsertRollup.bind(4, cell.min)
            upsertRollup.bind(5, cell.max)
            upsertRollup.bind(6, cell.sum)
            upsertRollup.bind(7, cell.count)
            try upsertRollup.run()
        }
        let plan = deferral.plan(byID: snapshots, mustWrite: sequencedOtherwise, interval: snapshotInterval,
                                 flush: flushSnapshots)
        takenInTransaction = plan.taken
        for (_, snapshot) in plan.write + plan.taken { try writeSnapshot(snapshot, db) }
        if rejects > 0 {
            try db.execute(sql: "DELETE FROM reject WHERE id <= (SELECT max(id) FROM reject) - ?",
                           arguments: [maxRejects])
        }
        return stats
    }

    private func writeSnapshot(_ s: DeviceSnapshot, _ db: Database) throws {
        let id = try deviceID(s.key, db)
        let update = BoundStatement(try db.cachedStatement(sql: """
            UPDATE device SET kind = ?, model = ?, firmware = ?, interval_s = ?, replay_buffer = ?, boot = ?,
                last_seq = ?, online = ?, online_changed_ms = ?, last_seen_ms = ?, last_reading_ts_ms = ?,
                last_reading_received_ms = ?, last_reading = ?, lost_count = ?, previous_boot = ?, previous_last_seq = ?
            WHERE id = ?
            """), in: db)
        let last = s.lastReading
        update.bind(1, s.kind?.rawValue)
        update.bind(2, s.model)
        update.bind(3, s.firmware)
        update.bind(4, s.intervalSeconds)
        update.bind(5, s.replayBuffer)
        update.bind(6, s.boot)
        update.bind(7, s.lastSeq)
        update.bind(8, s.online)
        update.bind(9, s.onlineChangedAt)
        update.bind(10, s.lastSeen)
        update.bind(11, last?.deviceTime)
        update.bind(12, last?.receivedAt)
        update.bind(13, last.map { ReadingCodec.json($0.readings) })
        update.bind(14, s.lostCount)
        update.bind(15, s.previousBoot)
        update.bind(16, s.previousLastSeq)
        update.bind(17, id)
        try update.run()
        if devicesWithGapRows == nil {
            devicesWithGapRows = Set(try Int64.fetchAll(db, sql: "SELECT DISTINCT device_id FROM seq_gap"))
        }
        guard !s.gaps.isEmpty || devicesWithGapRows!.contains(id) else { return }
        try db.cachedStatement(sql: "DELETE FROM seq_gap WHERE device_id = ?").execute(arguments: [id])
        if s.gaps.isEmpty { devicesWithGapRows!.remove(id) } else { devicesWithGapRows!.insert(id) }
        for gap in s.gaps {
            try db.cachedStatement(sql: """
                INSERT OR REPLACE INTO seq_gap (device_id, boot, first_seq, last_seq, opened_ms) VALUES (?, ?, ?, ?, ?)
                """).execute(arguments: [id, gap.boot, gap.first, gap.last, gap.openedAt])
        }
    }

    /// The row id of a device, creating the row on first sight.
    func deviceID(_ key: DeviceKey, _ db: Database) throws -> Int64 {
        if let lastDevice, lastDevice.key == key { return lastDevice.id }
        if let id = deviceIDs[key] {
            lastDevice = (key, id)
            return id
        }
        try db.execute(sql: "INSERT INTO device (site, device) VALUES (?, ?) ON CONFLICT DO NOTHING",
                       arguments: [key.site.rawValue, key.device.rawValue])
        guard let id = try Int64.fetchOne(db, sql: "SELECT id FROM device WHERE site = ? AND device = ?",
                                          arguments: [key.site.rawValue, key.device.rawValue])
        else { throw DatabaseError(message: "device row for \(key) vanished") }
        deviceIDs[key] = id
        lastDevice = (key, id)
        return id
    }

    /// Forgets cached ids after a failed transaction rolled back rows created in it; the batch is
    /// retried whole, and every snapshot it offered is written again as if new.
    func resetAfterFailure() {
        deviceIDs.removeAll()
        lastDevice = nil
        devicesWithGapRows = nil
        deferral.rollBack(untaking: takenInTransaction, now: ContinuousClock.now)
        takenInTransaction = []
    }
}
