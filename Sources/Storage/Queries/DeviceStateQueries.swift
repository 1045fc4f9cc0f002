import GRDB
import KitchenModel
import StorageModel

extension Store {
    /// Every device's durable state, to rebuild the state model after a restart.
    public func loadDeviceSnapshots() throws -> [DeviceSnapshot] {
        try pool.read { db in
            var gapsByDevice: [Int64: [SeqGap]] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT * FROM seq_gap ORDER BY device_id, boot, first_seq") {
                gapsByDevice[row["device_id"], default: []].append(
                    SeqGap(boot: row["boot"], first: row["first_seq"], last: row["last_seq"],
                           openedAt: row["opened_ms"]))
            }
            // The writer defers snapshots that only moved a device's progress (SnapshotDeferral), so
            // the current boot's last seq comes from the readings when they are further on.
            let sql = """
                SELECT *, (SELECT max(seq) FROM reading r WHERE r.device_id = device.id AND r.boot = device.boot)
                    AS stored_seq
                FROM device
                """
            return try Row.fetchAll(db, sql: sql).compactMap { row -> DeviceSnapshot? in
                guard let site = SiteID(row["site"]), let device = DeviceID(row["device"]) else { return nil }
                var s = DeviceSnapshot(key: DeviceKey(site: site, device: device))
                s.kind = (row["kind"] as String?).flatMap(DeviceKind.init(rawValue:))
                s.model = row["model"]
                s.firmware = row["firmware"]
                s.intervalSeconds = row["interval_s"]
                s.replayBuffer = row["replay_buffer"]
                s.boot = row["boot"]
                s.lastSeq = [row["last_seq"] as Int64?, row["stored_seq"] as Int64?].compactMap { $0 }.max()
                s.online = row["online"]
                s.onlineChangedAt = row["online_changed_ms"]
                s.lastSeen = row["last_seen_ms"]
                s.lostCount = row["lost_count"]
                s.previousBoot = row["previous_boot"]
                s.previousLastSeq = row["previous_last_seq"]
                if let json = row["last_reading"] as String?, let readings = ReadingCodec.decode(json: json),
                   let ts = row["last_reading_ts_ms"] as Int64?, let received = row["last_reading_received_ms"] as Int64? {
                    s.lastReading = StoredReading(seq: nil, deviceTime: ts, receivedAt: received, readings: readings)
                }
                s.gaps = gapsByDevice[row["id"]] ?? []
                return s
            }
        }
    }

    /// Devices accepted in provisioning mode; they join the registry on every start.
    public func provisionedDevices() throws -> [(key: DeviceKey, kind: DeviceKind)] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT site, device, kind FROM provisioned_device").compactMap { row in
                guard let site = SiteID(row["site"]), let device = DeviceID(row["device"]),
                      let kind = DeviceKind(rawValue: row["kind"]) else { return nil }
                return (DeviceKey(site: site, device: device), kind)
            }
        }
    }

    public func recordProvisioned(_ key: DeviceKey, kind: DeviceKind, at: EpochMillis) throws {
        try pool.write { db in
            try db.execute(sql: """
                INSERT OR IGNORE INTO provisioned_device (site, device, kind, created_ms) VALUES (?, ?, ?, ?)
                """, arguments: [key.site.rawValue, key.device.rawValue, kind.rawValue, at])
        }
    }
}
