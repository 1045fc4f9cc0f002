import Foundation
import KitchenModel
import PostgresNIO
import StorageModel

extension PostgresStore: EvidenceStore {
    /// Stores evidence unless its alarm already holds `limit` pictures; the new row's id, or nil.
    /// The count and the insert run under a per-alarm advisory lock, so two cameras reporting at
    /// once cannot both take the last place.
    public func insertEvidence(_ record: EvidenceRecord, limit: Int) throws -> Int64? {
        try database.transaction { session -> Int64? in
            try session.execute("SELECT pg_advisory_xact_lock(hashtext('evidence:' || $1))", [.text(record.alarmID)])
            let held = try session.query("SELECT count(*) FROM evidence WHERE alarm_id = $1", [.text(record.alarmID)])
                .first.map(decode(Int.self)) ?? 0
            guard held < limit else { return nil }
            let box = record.box.flatMap { try? JSONEncoder().encode($0) }.map { String(decoding: $0, as: UTF8.self) }
            return try session.query("""
                INSERT INTO evidence (alarm_id, site, device, snapshot, source, label, score, box, at_ms, stored_ms,
                    original, original_width, original_height, thumbnail, thumbnail_width, thumbnail_height)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) RETURNING id
                """, [.text(record.alarmID), .text(record.camera.site.rawValue), .text(record.camera.device.rawValue),
                      .text(record.snapshot), .text(record.source.rawValue), .text(record.label), .double(record.score),
                      PostgresValue(box), .int(record.at), .int(record.storedAt), .bytes(record.original),
                      .int(Int64(record.originalWidth)), .int(Int64(record.originalHeight)), .bytes(record.thumbnail),
                      .int(Int64(record.thumbnailWidth)), .int(Int64(record.thumbnailHeight))])
                .first.map(decode(Int64.self))
        }
    }

    public func evidence(ofAlarm alarmID: String) throws -> [EvidenceSummary] {
        try database.query("\(Self.summaryColumns) WHERE alarm_id = $1 ORDER BY id", [.text(alarmID)])
            .compactMap(Self.summary)
    }

    public func evidence(id: Int64) throws -> EvidenceSummary? {
        try database.query("\(Self.summaryColumns) WHERE id = $1", [.int(id)]).compactMap(Self.summary).first
    }

    public func evidencePicture(id: Int64, _ picture: EvidencePicture) throws -> [UInt8]? {
        let column = picture == .original ? "original" : "thumbnail"
        return try database.query("SELECT \(column) FROM evidence WHERE id = $1", [.int(id)]).first
            .map(decode(ByteBuffer.self)).map { Array($0.readableBytesView) }
    }

    public func evidenceCounts(alarmIDs: [String]) throws -> [String: Int] {
        guard !alarmIDs.isEmpty else { return [:] }
        var counts: [String: Int] = [:]
        for chunk in stride(from: 0, to: alarmIDs.count, by: 500) {
            let ids = Array(alarmIDs[chunk..<min(chunk + 500, alarmIDs.count)])
            let marks = ids.indices.map { "$\($0 + 1)" }.joined(separator: ",")
            for row in try database.query("""
                SELECT alarm_id, count(*) FROM evidence WHERE alarm_id IN (\(marks)) GROUP BY alarm_id
                """, ids.map(PostgresValue.text)) {
                let (id, n) = try row.decode((String, Int).self)
                counts[id] = n
            }
        }
        return counts
    }

    private static let summaryColumns = """
        SELECT id, alarm_id, site, device, snapshot, source, label, score, box, at_ms, length(original) AS original_bytes,
            original_width, original_height, length(thumbnail) AS thumbnail_bytes, thumbnail_width, thumbnail_height
        FROM evidence
        """

    private static func summary(_ row: PostgresRow) throws -> EvidenceSummary? {
        let c = Columns(row)
        guard let site = SiteID(try c("site", String.self)), let device = DeviceID(try c("device", String.self))
        else { return nil }
        let box = try c("box", String?.self).flatMap { try? JSONDecoder().decode([Double].self, from: Data($0.utf8)) }
        return EvidenceSummary(id: try c("id"), alarmID: try c("alarm_id"), camera: DeviceKey(site: site, device: device),
                               snapshot: try c("snapshot"), source: try c("source"), label: try c("label"),
                               score: try c("score"), box: box, at: try c("at_ms"), originalBytes: try c("original_bytes"),
                               originalWidth: try c("original_width"), originalHeight: try c("original_height"),
                               thumbnailBytes: try c("thumbnail_bytes"), thumbnailWidth: try c("thumbnail_width"),
                               thumbnailHeight: try c("thumbnail_height"))
    }
}

extension PostgresStore: ReportQueries {
    public func ticketCountsBySite(since: EpochMillis) throws -> [SiteID: Int] {
        var counts: [SiteID: Int] = [:]
        for row in try database.query("SELECT site, count(*) FROM ticket WHERE issued_ms >= $1 GROUP BY site",
                                      [.int(since)]) {
            let (site, n) = try row.decode((String, Int).self)
            if let site = SiteID(site) { counts[site] = n }
        }
        return counts
    }

    public func alarms(regionPrefix: String, since: EpochMillis, until: EpochMillis, openOnly: Bool) throws -> [AlarmRow] {
        let pattern = regionPrefix.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
            .replacingOccurrences(of: "_", with: "\\_") + "%"
        let openFilter = openOnly ? "AND state <> 'closed'" : ""
        return try database.query("""
            SELECT \(Self.alarmColumns) FROM alarm
            WHERE region LIKE $1 ESCAPE '\\' AND raised_ms >= $2 AND raised_ms < $3 \(openFilter)
            ORDER BY raised_ms, id
            """, [.text(pattern), .int(since), .int(until)]).compactMap(Self.alarmRow)
    }

    public func alarms(site: SiteID, overlapping since: EpochMillis, until: EpochMillis) throws -> [AlarmRow] {
        try database.query("""
            SELECT \(Self.alarmColumns) FROM alarm WHERE site = $1 AND raised_ms < $2 AND (state <> 'closed' OR updated_ms >= $3)
            ORDER BY raised_ms, id
            """, [.text(site.rawValue), .int(until), .int(since)]).compactMap(Self.alarmRow)
    }
}

extension PostgresStore: RetentionStore {
    /// Deletes what has outlived its policy. Raw readings go a whole day partition at a time
    /// (PostgresPartitions), so a reading is kept up to a day past `rawReadingDays`. Being the
    /// store's periodic upkeep, it also creates the coming week's reading partitions first.
    public func applyRetention(_ policy: RetentionPolicy, now: EpochMillis) throws -> RetentionResult {
        let day: Int64 = 86_400_000
        try PostgresPartitions.ensureReadingPartitions(database, now: now)
        // Closed hours are folded into rollups before any of their raw readings can go.
        _ = try PostgresRollupFold.advance(database, now: now)
        var result = RetentionResult(readingsDeleted: 0, eventsDeleted: 0, rollupsDeleted: 0)
        result.readingsDeleted = try PostgresPartitions.dropReadingPartitions(
            database, olderThan: now - Int64(policy.rawReadingDays) * day).readingsDeleted
        result.eventsDeleted = try database.execute("DELETE FROM event WHERE ts_ms < $1",
                                                    [.int(now - Int64(policy.eventDays) * day)])
        result.rollupsDeleted = try database.execute("DELETE FROM rollup_hourly WHERE hour < $1",
                                                     [.int((now - Int64(policy.rollupDays) * day) / 3_600_000)])
        let traceCutoff = now - Int64(policy.traceabilityDays) * day
        try database.transaction { session in
            result.ticketsDeleted = try session.execute("DELETE FROM ticket WHERE issued_ms < $1", [.int(traceCutoff)])
            // A batch goes once it is old and no kept ticket still points at it.
            result.batchesDeleted = try session.execute("""
                DELETE FROM batch WHERE updated_ms < $1 AND NOT EXISTS (SELECT 1 FROM ticket WHERE ticket.batch = batch.id)
                """, [.int(traceCutoff)])
            try session.execute("DELETE FROM batch_history WHERE batch NOT IN (SELECT id FROM batch)")
        }
        try database.transaction { session in
            result.evidenceDeleted = try session.execute("DELETE FROM evidence WHERE alarm_id NOT IN (SELECT id FROM alarm)")
            if let days = policy.evidenceDaysAfterClose {
                result.evidenceDeleted += try session.execute("""
                    DELETE FROM evidence WHERE alarm_id IN (SELECT id FROM alarm WHERE state = 'closed' AND updated_ms < $1)
                    """, [.int(now - Int64(days) * day)])
            }
        }
        return result
    }
}

extension PostgresStore: UnmappedSourceStore {
    public func recordUnmapped(_ records: [UnmappedSourceRecord], keep: Int) throws {
        try database.transaction { session in
            for r in records {
                try session.execute("""
                    INSERT INTO unmapped_source (family, source_id, count, first_seen_ms, last_seen_ms)
                    VALUES ($1, $2, $3, $4, $5)
                    ON CONFLICT (family, source_id) DO UPDATE SET
                        count = unmapped_source.count + excluded.count,
                        first_seen_ms = LEAST(unmapped_source.first_seen_ms, excluded.first_seen_ms),
                        last_seen_ms = GREATEST(unmapped_source.last_seen_ms, excluded.last_seen_ms)
                    """, [.text(r.family), .text(r.sourceID), .int(r.count), .int(r.firstSeen), .int(r.lastSeen)])
            }
            try session.execute("""
                DELETE FROM unmapped_source WHERE (family, source_id) NOT IN
                    (SELECT family, source_id FROM unmapped_source ORDER BY last_seen_ms DESC LIMIT $1)
                """, [.int(Int64(keep))])
        }
    }

    public func unmappedSources() throws -> [UnmappedSourceRecord] {
        try database.query("""
            SELECT family, source_id, count, first_seen_ms, last_seen_ms FROM unmapped_source
            ORDER BY last_seen_ms DESC, family, source_id
            """).map { row in
            let (family, source, count, first, last) = try row.decode((String, String, Int64, Int64, Int64).self)
            return UnmappedSourceRecord(family: family, sourceID: source, count: count, firstSeen: first, lastSeen: last)
        }
    }

    public func forgetUnmapped(_ sources: [(family: String, sourceID: String)]) throws {
        try database.transaction { session in
            for source in sources {
                try session.execute("DELETE FROM unmapped_source WHERE family = $1 AND source_id = $2",
                                    [.text(source.family), .text(source.sourceID)])
            }
        }
    }
}

/// Every capability is implemented: a `PostgresStore` is a whole `GatewayStore`, checked here.
private func isGatewayStore(_ store: PostgresStore) -> any GatewayStore { store }
