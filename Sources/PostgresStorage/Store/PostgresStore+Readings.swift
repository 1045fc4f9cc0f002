import KitchenModel
import PostgresNIO
import StorageModel

extension PostgresStore: ReadingQueries {
    /// A thermometer's temperatures in `[since, until)` grouped into slices of `width` ms that
    /// start on multiples of `width`; only values in `plausible` and not among `excluding` count,
    /// and slices without any are left out. The server groups, so the answer is bounded by the
    /// number of slices; only the partitions of the range are read.
    public func temperatureBuckets(of key: DeviceKey, since: EpochMillis, until: EpochMillis, width: EpochMillis,
                                   plausible: ClosedRange<Double>, excluding: [Double]) throws -> [TemperatureBucket] {
        guard width > 0, since >= 0, until > since else { return [] }
        var binds: [PostgresValue] = [.int(width), .text(key.site.rawValue), .text(key.device.rawValue), .int(since),
                                      .int(until), .double(plausible.lowerBound), .double(plausible.upperBound)]
        var excluded = ""
        if !excluding.isEmpty {
            let first = binds.count + 1
            excluded = "AND r.t NOT IN (" + excluding.indices.map { "$\(first + $0)" }.joined(separator: ", ") + ")"
            binds += excluding.map(PostgresValue.double)
        }
        binds.append(.int((until - since) / width + 1))
        return try database.query("""
            SELECT r.ts_ms / $1 AS slot, min(r.t), max(r.t), avg(r.t), count(*)
            FROM reading r JOIN device d ON d.id = r.device_id
            WHERE d.site = $2 AND d.device = $3 AND r.ts_ms >= $4 AND r.ts_ms < $5
              AND r.t IS NOT NULL AND r.t BETWEEN $6 AND $7 \(excluded)
            GROUP BY slot ORDER BY slot LIMIT $\(binds.count)
            """, binds).map { row in
            let (slot, lo, hi, mean, n) = try row.decode((Int64, Double, Double, Double, Int).self)
            return TemperatureBucket(start: slot * width, min: lo, max: hi, average: mean, count: n)
        }
    }

    /// Readings of one device in device time order, `since` inclusive, `until` exclusive.
    public func readings(of key: DeviceKey, since: EpochMillis, until: EpochMillis, limit: Int) throws -> [ReadingRow] {
        try database.query("""
            SELECT r.boot, r.seq, r.ts_ms, r.received_ms, r.t, r.rh, r.bat, r.data, d.kind
            FROM reading r JOIN device d ON d.id = r.device_id
            WHERE d.site = $1 AND d.device = $2 AND r.ts_ms >= $3 AND r.ts_ms < $4
            ORDER BY r.ts_ms, r.boot, r.seq LIMIT $5
            """, [.text(key.site.rawValue), .text(key.device.rawValue), .int(since), .int(until), .int(Int64(limit))])
            .compactMap { row in
                let (boot, seq, ts, received, t, rh, bat, data, kind) = try row.decode(
                    (Int64, Int64, Int64, Int64, Double?, Double?, Double?, String?, String?).self)
                guard let readings = ReadingCodec.decode(kind: kind.flatMap(DeviceKind.init(rawValue:)), t: t, rh: rh,
                                                         bat: bat, data: data)
                else { return nil }
                return ReadingRow(boot: boot, seq: seq, deviceTime: ts, receivedAt: received, readings: readings)
            }
    }

    /// (boot, seq) of every stored reading and event of a device: what exactly-once checks compare.
    public func storedSequenceNumbers(of key: DeviceKey) throws -> [(boot: Int64, seq: Int64)] {
        try database.query("""
            SELECT boot, seq FROM (
                SELECT r.boot, r.seq FROM reading r JOIN device d ON d.id = r.device_id
                WHERE d.site = $1 AND d.device = $2
                UNION ALL
                SELECT e.boot, e.seq FROM event e JOIN device d ON d.id = e.device_id
                WHERE d.site = $1 AND d.device = $2) AS stored
            ORDER BY boot, seq
            """, [.text(key.site.rawValue), .text(key.device.rawValue)]).map { row in
            let (boot, seq) = try row.decode((Int64, Int64).self)
            return (boot: boot, seq: seq)
        }
    }

    /// Folded hours from `rollup_hourly`; for `t` and `rh` the hours from the fold's watermark on
    /// straight from raw readings (`PostgresRollupFold`), each device's slice through `reading_by_time`.
    /// A fold between the two statements changes nothing: it replaces cells with what the raw
    /// readings, still there, already said.
    public func rollups(of key: DeviceKey, metric: String, since: EpochMillis, until: EpochMillis) throws -> [RollupRow] {
        let fromHour = since / 3_600_000
        let toHour = until == .max ? Int64.max : (until + 3_599_999) / 3_600_000
        guard let first = try database.query("""
            SELECT d.id, (SELECT value FROM gateway_meta WHERE key = $3) FROM device d WHERE d.site = $1 AND d.device = $2
            """, [.text(key.site.rawValue), .text(key.device.rawValue), .text(PostgresRollupFold.metaKey)]).first
        else { return [] }
        let (id, mark) = try first.decode((Int64, String?).self)
        let watermark = PostgresRollupFold.metrics.contains(metric) ? mark.flatMap { Int64($0) } ?? .max : .max
        var sql = """
            SELECT hour, min, max, sum, count FROM rollup_hourly
            WHERE device_id = $1 AND metric = $2 AND hour >= $3 AND hour < $4
            """
        var binds: [PostgresValue] = [.int(id), .text(metric), .int(fromHour), .int(min(toHour, watermark))]
        if watermark < toHour {
            // `metric` is one of PostgresRollupFold.metrics: a column of `reading`.
            let (end, overflow) = toHour.multipliedReportingOverflow(by: 3_600_000)
            sql += """

                UNION ALL
                SELECT ts_ms / 3600000, min(\(metric)), max(\(metric)), sum(\(metric)), count(\(metric))
                FROM reading WHERE device_id = $1 AND ts_ms >= $5 AND ts_ms < $6 AND \(metric) IS NOT NULL
                GROUP BY ts_ms / 3600000
                """
            binds += [.int(max(fromHour, watermark) * 3_600_000), .int(overflow ? .max : end)]
        }
        return try database.query(sql + "\nORDER BY 1", binds).map { row in
            let (hour, min, max, sum, count) = try row.decode((Int64, Double, Double, Double, Int).self)
            return RollupRow(metric: metric, hourStart: hour * 3_600_000, min: min, max: max,
                             average: count > 0 ? sum / Double(count) : 0, count: count)
        }
    }

    /// Row counts for the operations page and tests (exact: `count(*)`, as SQLite's).
    public func counts() throws -> (devices: Int, readings: Int, events: Int, rollups: Int, rejects: Int) {
        guard let row = try database.query("""
            SELECT (SELECT count(*) FROM device), (SELECT count(*) FROM reading), (SELECT count(*) FROM event),
                   (\(Self.completeRollupCount)), (SELECT count(*) FROM reject)
            """, [.text(PostgresRollupFold.metaKey)]).first else { return (0, 0, 0, 0, 0) }
        let (devices, readings, events, rollups, rejects) = try row.decode((Int, Int, Int, Int, Int).self)
        return (devices, readings, events, rollups, rejects)
    }

    /// The rows `rollup_hourly` would hold were every reading upserted at once: folded rows, and
    /// for folded metrics one per device and hour from the watermark on ($1: the watermark's key).
    private static let completeRollupCount: String = {
        let w = "(SELECT value::bigint FROM gateway_meta WHERE key = $1)"
        let folded = PostgresRollupFold.metrics.map { "'\($0)'" }.joined(separator: ", ")
        let open = PostgresRollupFold.metrics.map { m in
            """
            (SELECT count(*) FROM (SELECT 1 FROM reading WHERE ts_ms >= 3600000 * \(w) AND \(m) IS NOT NULL
                                   GROUP BY device_id, ts_ms / 3600000) AS \(m))
            """
        }
        return (["""
            (SELECT count(*) FROM rollup_hourly
             WHERE metric NOT IN (\(folded)) OR hour < coalesce(\(w), 9223372036854775807))
            """] + open).joined(separator: " + ")
    }()

    /// Newest first, optionally only one reason.
    public func rejects(limit: Int, reason: String?) throws -> [StoredReject] {
        let columns = "id, at_ms, reason, topic, message, payload_size, payload"
        let rows = try reason.map {
            try database.query("SELECT \(columns) FROM reject WHERE reason = $1 ORDER BY id DESC LIMIT $2",
                               [.text($0), .int(Int64(limit))])
        } ?? database.query("SELECT \(columns) FROM reject ORDER BY id DESC LIMIT $1", [.int(Int64(limit))])
        return try rows.map { row in
            let (id, at, reason, topic, message, size, payload) = try row.decode(
                (Int64, Int64, String, String, String, Int, ByteBuffer).self)
            return StoredReject(id: id, record: RejectRecord(at: at, reason: reason, topic: topic, message: message,
                                                             payloadSize: size,
                                                             payloadPrefix: Array(payload.readableBytesView)))
        }
    }

    /// Count per reason over the whole (bounded) table.
    public func rejectCounts() throws -> [String: Int] {
        var out: [String: Int] = [:]
        for row in try database.query("SELECT reason, count(*) FROM reject GROUP BY reason") {
            let (reason, n) = try row.decode((String, Int).self)
            out[reason] = n
        }
        return out
    }
}
