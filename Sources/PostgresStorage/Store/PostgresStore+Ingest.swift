import KitchenModel
import PostgresNIO
import StorageModel

extension PostgresStore: IngestStore {
    /// Each transaction has its own connection and commits (and waits for its WAL flush) without
    /// waiting for the others.
    public var commitsConcurrently: Bool { true }

    /// A commit here is six to eight round trips and, with a synchronous standby, its confirmation:
    /// about 1 ms of the server's CPU. At 5 ms, six shards taking 950 readings a second committed
    /// 2.5 at a time (docs/benchmarks.md, *Writer batches on PostgreSQL*). Telemetry is acknowledged
    /// before it is stored, so the wait delays only when a reading shows, never the broker.
    public var batchDelay: Duration { .milliseconds(50) }

    public func makeBatchCommitter(maxRejects: Int, snapshotInterval: Duration) -> any BatchCommitter {
        PostgresBatchCommitter(database: database, maxRejects: maxRejects, snapshotInterval: snapshotInterval)
    }

    /// Every device's durable state, to rebuild the state model after a restart. The writer defers
    /// snapshots that only moved a device's progress, so the current boot's last seq comes from the
    /// readings when they are further on.
    public func loadDeviceSnapshots() throws -> [DeviceSnapshot] {
        let gaps = try gapsByDevice(changedSince: nil)
        return try database.query("""
            SELECT \(Self.snapshotColumns),
                (SELECT max(seq) FROM reading r WHERE r.device_id = device.id AND r.boot = device.boot) AS stored_seq
            FROM device
            """).compactMap { try Self.snapshot(Columns($0), gaps: gaps, storedSeq: true) }
    }

    /// The rows written since `mark` (`changeMark()`), with their gaps, which the writer replaces
    /// in the same transaction as the row. A replica shows the row's last seq, up to the writer's
    /// deferral behind the readings (`SnapshotDeferral`), without the per-device look into
    /// `reading` a restore needs.
    public func deviceSnapshots(changedSince mark: ChangeMark?) throws -> Changes<DeviceSnapshot> {
        let next = try changeMark()
        let since = mark.map { "\($0.value)" } ?? "0"
        let gaps = try gapsByDevice(changedSince: since)
        let snapshots = try database.query("""
            SELECT \(Self.snapshotColumns) FROM device WHERE changed_xid >= $1::text::xid8
            """, [.text(since)]).compactMap { try Self.snapshot(Columns($0), gaps: gaps, storedSeq: false) }
        return Changes(rows: snapshots, mark: next, complete: mark == nil)
    }

    /// Where a reader of changed rows gets to (migration "v12-row-changes"): the oldest
    /// transaction still running, taken before the read it marks. A transaction that commits after
    /// the read has an id at or after it, so the next read with this mark sees its rows: a row may
    /// come twice, never not at all. (Ids are the whole server's, so another database's long
    /// transaction holds the mark back: more rows again, none missed.)
    func changeMark() throws -> ChangeMark {
        guard let xmin = try database.query("SELECT pg_snapshot_xmin(pg_current_snapshot())::text").first
            .flatMap({ UInt64(try $0.decode(String.self)) })
        else { throw PostgresStoreError(.server, "the server gave no snapshot xmin") }
        return ChangeMark(xmin)
    }

    private static let snapshotColumns = """
        id, site, device, kind, model, firmware, interval_s, replay_buffer, boot, last_seq, online,
        online_changed_ms, last_seen_ms, last_reading_ts_ms, last_reading_received_ms, last_reading, lost_count,
        previous_boot, previous_last_seq
        """

    /// `seq_gap` rows by device id: every device's, or those of devices changed since an xid.
    private func gapsByDevice(changedSince xid: String?) throws -> [Int64: [SeqGap]] {
        var gaps: [Int64: [SeqGap]] = [:]
        let rows = try xid.map {
            try database.query("""
                SELECT g.device_id, g.boot, g.first_seq, g.last_seq, g.opened_ms FROM seq_gap g
                JOIN device d ON d.id = g.device_id WHERE d.changed_xid >= $1::text::xid8
                ORDER BY g.device_id, g.boot, g.first_seq
                """, [.text($0)])
        } ?? database.query("""
            SELECT device_id, boot, first_seq, last_seq, opened_ms FROM seq_gap ORDER BY device_id, boot, first_seq
            """)
        for row in rows {
            let (id, boot, first, last, opened) = try row.decode((Int64, Int64, Int64, Int64, Int64).self)
            gaps[id, default: []].append(SeqGap(boot: boot, first: first, last: last, openedAt: opened))
        }
        return gaps
    }

    private static func snapshot(_ c: Columns, gaps: [Int64: [SeqGap]], storedSeq: Bool) throws -> DeviceSnapshot? {
        guard let site = SiteID(try c("site", String.self)), let device = DeviceID(try c("device", String.self))
        else { return nil }
        var s = DeviceSnapshot(key: DeviceKey(site: site, device: device))
        s.kind = try c("kind", String?.self).flatMap(DeviceKind.init(rawValue:))
        s.model = try c("model")
        s.firmware = try c("firmware")
        s.intervalSeconds = try c("interval_s")
        s.replayBuffer = try c("replay_buffer")
        s.boot = try c("boot")
        s.lastSeq = [try c("last_seq", Int64?.self), storedSeq ? try c("stored_seq", Int64?.self) : nil]
            .compactMap { $0 }.max()
        s.online = try c("online")
        s.onlineChangedAt = try c("online_changed_ms")
        s.lastSeen = try c("last_seen_ms")
        s.lostCount = try c("lost_count")
        s.previousBoot = try c("previous_boot")
        s.previousLastSeq = try c("previous_last_seq")
        if let json = try c("last_reading", String?.self), let readings = ReadingCodec.decode(json: json),
           let ts = try c("last_reading_ts_ms", Int64?.self),
           let received = try c("last_reading_received_ms", Int64?.self) {
            s.lastReading = StoredReading(seq: nil, deviceTime: ts, receivedAt: received, readings: readings)
        }
        s.gaps = gaps[try c("id", Int64.self)] ?? []
        return s
    }

    /// Devices accepted in provisioning mode; they join the registry on every start.
    public func provisionedDevices() throws -> [(key: DeviceKey, kind: DeviceKind)] {
        try database.query("SELECT site, device, kind FROM provisioned_device").compactMap { row in
            let (site, device, kind) = try row.decode((String, String, String).self)
            guard let site = SiteID(site), let device = DeviceID(device), let kind = DeviceKind(rawValue: kind)
            else { return nil }
            return (DeviceKey(site: site, device: device), kind)
        }
    }

    public func recordProvisioned(_ key: DeviceKey, kind: DeviceKind, at: EpochMillis) throws {
        try database.execute("""
            INSERT INTO provisioned_device (site, device, kind, created_ms) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING
            """, [.text(key.site.rawValue), .text(key.device.rawValue), .text(kind.rawValue), .int(at)])
    }
}
