import Foundation
import KitchenModel
import StorageModel

/// Commits one batch of `WriteItem`s in one PostgreSQL transaction, with the SQLite writer's
/// semantics (Sources/Storage/Writer/BatchTransaction.swift): readings and events idempotent on
/// (device, boot, seq), hourly rollups upserted from the readings actually inserted (open hours'
/// thermometer cells left to `PostgresRollupFold`), device
/// snapshots written at once or deferred (`SnapshotDeferral`), rejects kept to the newest
/// `maxRejects`, tickets idempotent on (scale, req) and on their id, ticket keys recorded once.
///
/// Confined to the writer thread, which is why it caches device row ids and deferred snapshots
/// without locking. A failed commit is rolled back whole; the caller calls `resetAfterFailure()`
/// and retries the same batch.
public final class PostgresBatchCommitter: BatchCommitter {
    public let database: PostgresDatabase
    public let maxRejects: Int
    public let snapshotInterval: Duration
    private var deviceIDs: [DeviceKey: Int64] = [:]
    /// Devices with `seq_gap` rows (nil until first read): almost none, so most snapshots skip the DELETE.
    private var devicesWithGapRows: Set<Int64>?
    private var deferral = SnapshotDeferral()
    /// Waiting snapshots the transaction in progress took to write, given back if it rolls back.
    private var takenInTransaction: [(id: Int64, snapshot: DeviceSnapshot)] = []
    /// The rollup fold's watermark as last seen: only a hint of when to fold, never what a batch
    /// decides with (another lane or gateway may have moved it since).
    private var knownWatermark: Int64?

    public init(database: PostgresDatabase, maxRejects: Int, snapshotInterval: Duration = .seconds(1)) {
        self.database = database
        self.maxRejects = maxRejects
        self.snapshotInterval = snapshotInterval
    }

    /// When the earliest deferred snapshot must be written, if any waits.
    public func snapshotsDue() -> ContinuousClock.Instant? { deferral.nextDue() }

    public var hasDeferredSnapshots: Bool { !deferral.isEmpty }

    public var deferredDevices: Set<DeviceKey> { deferral.pendingDevices }

    /// Writes `items`, then the device snapshots that are due (all of them when `flushSnapshots`),
    /// in one transaction. On any error nothing of the batch is kept and the error is thrown.
    public func commit(_ items: [WriteItem], flushSnapshots: Bool = false) throws -> CommitStats {
        // Closed hours are folded first, in a transaction of their own: the batch's takes the
        // fold's lock shared, and a lock is never upgraded inside a transaction.
        if items.contains(where: { if case .reading = $0 { true } else { false } }) {
            let now = EpochMillis(Date().timeIntervalSince1970 * 1000)
            if knownWatermark.map({ PostgresRollupFold.closed(now) > $0 }) ?? true {
                knownWatermark = try PostgresRollupFold.advance(database, now: now)
            }
        }
        return try database.transaction { session in
            try write(items, session, flushSnapshots: flushSnapshots)
        }
    }

    private func write(_ items: [WriteItem], _ session: PostgresSession, flushSnapshots: Bool) throws -> CommitStats {
        takenInTransaction = []
        var stats = CommitStats(items: items.count, readingsInserted: 0, eventsInserted: 0, duplicatesIgnored: 0,
                                seconds: 0)
        var rollups = HourlyRollups()
        var snapshots: [DeviceKey: DeviceSnapshot] = [:]
        // Devices with an event or ticket here: their snapshot goes in with it, since a restart
        // recovers the last seq from readings only.
        var sequencedOtherwise: Set<DeviceKey> = []
        var rejects = 0
        var readings: [(deviceID: Int64, record: ReadingRecord)] = []

        for item in items {
            switch item {
            case .reading(let r):
                // Collected, then written in one statement below (a round trip per reading would
                // bound ingest by network latency).
                readings.append((try deviceID(r.key, session), r))
            case .event(let e):
                sequencedOtherwise.insert(e.key)
                let id = try deviceID(e.key, session)
                let inserted = try session.execute("""
                    INSERT INTO event (device_id, boot, seq, ts_ms, received_ms, type, data)
                    VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING
                    """, [.int(id), .int(e.boot), .int(e.seq), .int(e.deviceTime), .int(e.receivedAt), .text(e.type),
                          .text(e.json)])
                if inserted == 1 { stats.eventsInserted += 1 } else { stats.duplicatesIgnored += 1 }
            case .device(let snapshot):
                snapshots[snapshot.key] = snapshot
            case .reject(let reject):
                try session.execute("""
                    INSERT INTO reject (at_ms, reason, topic, message, payload_size, payload)
                    VALUES ($1, $2, $3, $4, $5, $6)
                    """, [.int(reject.at), .text(reject.reason), .text(reject.topic), .text(reject.message),
                          .int(Int64(reject.payloadSize)), .bytes(reject.payloadPrefix)])
                rejects += 1
            case .ticket(let t):
                sequencedOtherwise.insert(t.scale)
                let inserted = try session.execute("""
                    INSERT INTO ticket (id, code, trace_no, key_id, site, device, req, stall, batch, plu, item, grams,
                                        unit_price_fen, total_fen, issued_ms)
                    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) ON CONFLICT DO NOTHING
                    """, [.int(Int64(bitPattern: t.id)), .text(t.code), .text(t.traceNumber), .text(t.keyID),
                          .text(t.scale.site.rawValue), .text(t.scale.device.rawValue), .text(t.req), .text(t.stall),
                          .text(t.batch.rawValue), .text(t.plu), .text(t.item), .int(Int64(t.grams)),
                          .int(Int64(t.unitPriceFen)), .int(Int64(t.totalFen)), .int(t.issuedAt)])
                if inserted == 1 { stats.ticketsInserted += 1 } else { stats.ticketsIgnored.insert(t.id) }
            case .ticketKey(let record):
                try PostgresBatchCommitter.insertTicketKey(record, session)
            }
        }

        if !readings.isEmpty {
            // Held to commit: no fold moves the watermark between this batch reading it and
            // its readings becoming visible.
            try session.execute(PostgresRollupFold.lockShared)
            let stored = try insertReadings(readings, session)
            var inserted = stored.inserted
            let watermark = stored.watermark
            knownWatermark = watermark ?? knownWatermark
            for (id, r) in readings {
                // The first of several copies in one batch is the one inserted, as row by row.
                guard inserted.remove(ReadingKey(deviceID: id, boot: r.boot, seq: r.seq, ts: r.deviceTime)) != nil
                else {
                    stats.duplicatesIgnored += 1
                    continue
                }
                stats.readingsInserted += 1
                // Without a watermark (not folding yet) every cell is upserted, as before.
                if !PostgresRollupFold.isFolded(r.readings, hour: r.deviceTime / 3_600_000,
                                                watermark: watermark ?? .max) {
                    rollups.add(r, deviceID: id)
                }
            }
        }
        if !rollups.cells.isEmpty { try upsertRollups(rollups.cells, session) }
        let plan = try deferral.plan(snapshots.values, deviceID: { try deviceID($0, session) },
                                     mustWrite: sequencedOtherwise, interval: snapshotInterval, flush: flushSnapshots)
        takenInTransaction = plan.taken
        try writeSnapshots(plan.write + plan.taken, session)
        if rejects > 0 {
            try session.execute("DELETE FROM reject WHERE id <= (SELECT max(id) FROM reject) - $1",
                                [.int(Int64(maxRejects))])
        }
        return stats
    }

    /// Inserts the readings in one statement, skipping those already stored, and returns the keys
    /// of the rows it inserted. Arrays cannot carry NULL through postgres-nio, so a missing value
    /// travels as NaN (number) or "" (JSON text) and becomes NULL again here; SQLite stores a NaN as
    /// NULL too, and JSON is never empty. The same statement reads the rollup fold's watermark
    /// (after the caller took the fold's lock), saving a round trip; nil when nothing was inserted
    /// or there is none.
    private func insertReadings(_ readings: [(deviceID: Int64, record: ReadingRecord)], _ session: PostgresSession)
        throws -> (inserted: Set<ReadingKey>, watermark: Int64?)
    {
        var ids: [Int64] = [], boots: [Int64] = [], seqs: [Int64] = [], times: [Int64] = [], received: [Int64] = []
        var t: [Double] = [], rh: [Double] = [], bat: [Double] = [], data: [String] = []
        for (id, r) in readings {
            let c = ReadingCodec.columns(r.readings)
            ids.append(id)
            boots.append(r.boot)
            seqs.append(r.seq)
            times.append(r.deviceTime)
            received.append(r.receivedAt)
            t.append(c.t ?? .nan)
            rh.append(c.rh ?? .nan)
            bat.append(c.bat ?? .nan)
            data.append(c.data ?? "")
        }
        let rows = try session.query("""
            WITH inserted AS (
                INSERT INTO reading (device_id, boot, seq, ts_ms, received_ms, t, rh, bat, data)
                SELECT d, b, s, ts, rc, NULLIF(t, 'NaN'), NULLIF(rh, 'NaN'), NULLIF(bat, 'NaN'), NULLIF(x, '')
                FROM unnest($1::bigint[], $2::bigint[], $3::bigint[], $4::bigint[], $5::bigint[], $6::float8[],
                            $7::float8[], $8::float8[], $9::text[]) AS u(d, b, s, ts, rc, t, rh, bat, x)
                ON CONFLICT DO NOTHING
                RETURNING device_id, boot, seq, ts_ms
            )
            SELECT device_id, boot, seq, ts_ms, (SELECT value FROM gateway_meta WHERE key = $10) FROM inserted
            """, [.ints(ids), .ints(boots), .ints(seqs), .ints(times), .ints(received), .doubles(t), .doubles(rh),
                  .doubles(bat), .texts(data), .text(PostgresRollupFold.metaKey)])
        var inserted = Set<ReadingKey>(minimumCapacity: rows.count)
        var watermark: Int64?
        for row in rows {
            let (id, boot, seq, ts, w) = try row.decode((Int64, Int64, Int64, Int64, String?).self)
            inserted.insert(ReadingKey(deviceID: id, boot: boot, seq: seq, ts: ts))
            watermark = w.flatMap { Int64($0) }
        }
        return (inserted, watermark)
    }

    /// Adds the batch's hourly cells (all but the open hours' thermo cells, `PostgresRollupFold`)
    /// to `rollup_hourly` in one statement: one upsert per cell was a
    /// round trip each, two per device and hour in every batch, and bounded ingest by latency (issue
    /// 15, item 7). The keys are unique within the batch (one statement cannot update a row twice)
    /// and sorted, so two gateways sharing a database lock rows in the same order.
    private func upsertRollups(_ rollups: [HourlyRollups.Key: HourlyRollups.Cell], _ session: PostgresSession) throws {
        var ids: [Int64] = [], metrics: [String] = [], hours: [Int64] = [], counts: [Int64] = []
        var mins: [Double] = [], maxes: [Double] = [], sums: [Double] = []
        let sorted = rollups.sorted { a, b in
            (a.key.deviceID, a.key.metric, a.key.hour) < (b.key.deviceID, b.key.metric, b.key.hour)
        }
        for (key, cell) in sorted {
            ids.append(key.deviceID)
            metrics.append(key.metric)
            hours.append(key.hour)
            mins.append(cell.min)
            maxes.append(cell.max)
            sums.append(cell.sum)
            counts.append(Int64(cell.count))
        }
        try session.execute("""
            INSERT INTO rollup_hourly (device_id, metric, hour, min, max, sum, count)
            SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::float8[], $5::float8[], $6::float8[],
                                 $7::bigint[])
            ON CONFLICT (device_id, metric, hour) DO UPDATE SET
                min = LEAST(rollup_hourly.min, excluded.min),
                max = GREATEST(rollup_hourly.max, excluded.max),
                sum = rollup_hourly.sum + excluded.sum,
                count = rollup_hourly.count + excluded.count
            """, [.ints(ids), .texts(metrics), .ints(hours), .doubles(mins), .doubles(maxes), .doubles(sums),
                  .ints(counts)])
    }

    static func insertTicketKey(_ record: TicketKeyRecord, _ session: PostgresSession) throws {
        try session.execute("""
            INSERT INTO ticket_key (key_id, fingerprint, first_signed_ms) VALUES ($1, $2, $3)
            ON CONFLICT (key_id) DO NOTHING
            """, [.text(record.keyID), .text(record.fingerprint), .int(record.firstSigned)])
    }

    /// Writes device snapshots in one UPDATE (one per device was a round trip each: with a
    /// thousand devices reporting, a thousand a second, and the writer fell behind; issue 15,
    /// item 7). The rows travel as JSON, where a missing key is NULL (postgres-nio arrays cannot
    /// carry NULL); for a device listed twice the later snapshot wins, as with one UPDATE each.
    private func writeSnapshots(_ list: [(id: Int64, snapshot: DeviceSnapshot)], _ session: PostgresSession) throws {
        guard !list.isEmpty else { return }
        var latest: [Int64: DeviceSnapshot] = [:]
        for (id, snapshot) in list { latest[id] = snapshot }
        // Sorted: two gateways sharing a database lock device rows in the same order.
        let ordered = latest.sorted { $0.key < $1.key }
        let rows = ordered.map { SnapshotRow(id: $0.key, $0.value) }
        let json = String(decoding: try JSONEncoder().encode(rows), as: UTF8.self)
        try session.execute("""
            UPDATE device AS d SET kind = s.kind, model = s.model, firmware = s.firmware, interval_s = s.interval_s,
                replay_buffer = s.replay_buffer, boot = s.boot, last_seq = s.last_seq, online = s.online,
                online_changed_ms = s.online_changed_ms, last_seen_ms = s.last_seen_ms,
                last_reading_ts_ms = s.last_reading_ts_ms, last_reading_received_ms = s.last_reading_received_ms,
                last_reading = s.last_reading, lost_count = s.lost_count, previous_boot = s.previous_boot,
                previous_last_seq = s.previous_last_seq
            FROM json_to_recordset($1::json) AS s(id bigint, kind text, model text, firmware text, interval_s bigint,
                replay_buffer bigint, boot bigint, last_seq bigint, online boolean, online_changed_ms bigint,
                last_seen_ms bigint, last_reading_ts_ms bigint, last_reading_received_ms bigint, last_reading text,
                lost_count bigint, previous_boot bigint, previous_last_seq bigint)
            WHERE d.id = s.id
            """, [.text(json)])
        for (id, snapshot) in ordered { try writeGaps(snapshot, id: id, session) }
    }

    /// Replaces a device's `seq_gap` rows with its snapshot's (skipped for the many devices with none).
    private func writeGaps(_ s: DeviceSnapshot, id: Int64, _ session: PostgresSession) throws {
        if devicesWithGapRows == nil {
            devicesWithGapRows = Set(try session.query("SELECT DISTINCT device_id FROM seq_gap")
                .map { try $0.decode(Int64.self) })
        }
        guard !s.gaps.isEmpty || devicesWithGapRows!.contains(id) else { return }
        try session.execute("DELETE FROM seq_gap WHERE device_id = $1", [.int(id)])
        if s.gaps.isEmpty { devicesWithGapRows!.remove(id) } else { devicesWithGapRows!.insert(id) }
        for gap in s.gaps {
            try session.execute("""
                INSERT INTO seq_gap (device_id, boot, first_seq, last_seq, opened_ms) VALUES ($1, $2, $3, $4, $5)
                ON CONFLICT (device_id, boot, first_seq) DO UPDATE SET
                    last_seq = excluded.last_seq, opened_ms = excluded.opened_ms
                """, [.int(id), .int(gap.boot), .int(gap.first), .int(gap.last), .int(gap.openedAt)])
        }
    }

    /// The row id of a device, creating the row on first sight (one round trip either way).
    func deviceID(_ key: DeviceKey, _ session: PostgresSession) throws -> Int64 {
        if let id = deviceIDs[key] { return id }
        let rows = try session.query("""
            WITH created AS (
                INSERT INTO device (site, device) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING id
            )
            SELECT id FROM created UNION ALL SELECT id FROM device WHERE site = $1 AND device = $2
            """, [.text(key.site.rawValue), .text(key.device.rawValue)])
        // Another transaction (the other lane, another gateway) may have inserted the row after this
        // statement's snapshot was taken: the INSERT then waits for it and does nothing, and the
        // SELECT cannot see it yet. A second statement, with a fresh snapshot, does.
        let id = try rows.first?.decode(Int64.self)
            ?? session.query("SELECT id FROM device WHERE site = $1 AND device = $2",
                             [.text(key.site.rawValue), .text(key.device.rawValue)]).first?.decode(Int64.self)
        guard let id else { throw PostgresStoreError(.server, "device row for \(key) vanished") }
        deviceIDs[key] = id
        return id
    }

    /// Forgets cached ids after a failed transaction rolled back rows created in it; the batch is
    /// retried whole, and every snapshot it offered is written again as if new.
    public func resetAfterFailure() {
        deviceIDs.removeAll()
        devicesWithGapRows = nil
        deferral.rollBack(untaking: takenInTransaction, now: ContinuousClock.now)
        takenInTransaction = []
    }
}

/// One `device` row as `writeSnapshots` sends it; nil properties are left out of the JSON (NULL).
private struct SnapshotRow: Encodable {
    // Column names, so json_to_recordset matches them.
    var id: Int64
    var kind: String?
    var model: String?
    var firmware: String?
    var interval_s: Int?
    var replay_buffer: Int?
    var boot: Int64?
    var last_seq: Int64?
    var online: Bool
    var online_changed_ms: Int64?
    var last_seen_ms: Int64?
    var last_reading_ts_ms: Int64?
    var last_reading_received_ms: Int64?
    var last_reading: String?
    var lost_count: Int64
    var previous_boot: Int64?
    var previous_last_seq: Int64?

    init(id: Int64, _ s: DeviceSnapshot) {
        self.id = id
        kind = s.kind?.rawValue
        model = s.model
        firmware = s.firmware
        interval_s = s.intervalSeconds
        replay_buffer = s.replayBuffer
        boot = s.boot
        last_seq = s.lastSeq
        online = s.online
        online_changed_ms = s.onlineChangedAt
        last_seen_ms = s.lastSeen
        last_reading_ts_ms = s.lastReading?.deviceTime
        last_reading_received_ms = s.lastReading?.receivedAt
        last_reading = s.lastReading.map { ReadingCodec.json($0.readings) }
        lost_count = s.lostCount
        previous_boot = s.previousBoot
        previous_last_seq = s.previousLastSeq
    }
}

private struct ReadingKey: Hashable {
    var deviceID: Int64
    var boot: Int64
    var seq: Int64
    var ts: Int64
}
