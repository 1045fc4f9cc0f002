import Foundation
import GRDB
import KitchenModel
import StorageModel

extension Store {
    /// Stores evidence unless its alarm already holds `limit` pictures (an incident that lasts an
    /// hour must not fill the disk); returns the new row's id, nil when over the limit.
    public func insertEvidence(_ record: EvidenceRecord, limit: Int) throws -> Int64? {
        try pool.write { db in
            let held = try Int.fetchOne(db, sql: "SELECT count(*) FROM evidence WHERE alarm_id = ?",
                                        arguments: [record.alarmID]) ?? 0
            guard held < limit else { return nil }
            let box = record.box.flatMap { try? JSONEncoder().encode($0) }.map { String(decoding: $0, as: UTF8.self) }
            try db.execute(sql: """
                INSERT INTO evidence (alarm_id, site, device, snapshot, source, label, score, box, at_ms, stored_ms,
                    original, original_width, original_height, thumbnail, thumbnail_width, thumbnail_height)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [record.alarmID, record.camera.site.rawValue, record.camera.device.rawValue,
                                 record.snapshot, record.source.rawValue, record.label, record.score, box, record.at,
                                 record.storedAt, Data(record.original), record.originalWidth, record.originalHeight,
                                 Data(record.thumbnail), record.thumbnailWidth, record.thumbnailHeight])
            return db.lastInsertedRowID
        }
    }

    /// An alarm's evidence, oldest first, without the pictures.
    public func evidence(ofAlarm alarmID: String) throws -> [EvidenceSummary] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "\(Self.summaryColumns) WHERE alarm_id = ? ORDER BY id", arguments: [alarmID])
                .compactMap(Self.summary)
        }
    }

    public func evidence(id: Int64) throws -> EvidenceSummary? {
        try pool.read { db in
            try Row.fetchOne(db, sql: "\(Self.summaryColumns) WHERE id = ?", arguments: [id]).flatMap(Self.summary)
        }
    }

    /// One picture of an evidence row.
    public func evidencePicture(id: Int64, _ picture: EvidencePicture) throws -> [UInt8]? {
        try pool.read { db in
            let column = picture == .original ? "original" : "thumbnail"
            return try Data.fetchOne(db, sql: "SELECT \(column) FROM evidence WHERE id = ?", arguments: [id])
                .map { [UInt8]($0) }
        }
    }

    /// How many pictures each alarm holds (alarms without any are absent).
    public func evidenceCounts(alarmIDs: [String]) throws -> [String: Int] {
        guard !alarmIDs.isEmpty else { return [:] }
        return try pool.read { db in
            var counts: [String: Int] = [:]
            for chunk in stride(from: 0, to: alarmIDs.count, by: 500) {
                let ids = Array(alarmIDs[chunk..<min(chunk + 500, alarmIDs.count)])
                let marks = ids.map { _ in "?" }.joined(separator: ",")
                for row in try Row.fetchAll(db, sql: """
                    SELECT alarm_id, count(*) AS n FROM evidence WHERE alarm_id IN (\(marks)) GROUP BY alarm_id
                    """, arguments: StatementArguments(ids)) {
                    counts[row["alarm_id"]] = row["n"]
                }
            }
            return counts
        }
    }

    private static let summaryColumns = """
        SELECT id, alarm_id, site, device, snapshot, source, label, score, box, at_ms, length(original) AS original_bytes,
            original_width, original_height, length(thumbnail) AS thumbnail_bytes, thumbnail_width, thumbnail_height
        FROM evidence
        """

    private static func summary(_ row: Row) -> EvidenceSummary? {
        guard let site = SiteID(row["site"]), let device = DeviceID(row["device"]) else { return nil }
        let box = (row["box"] as String?).flatMap { try? JSONDecoder().decode([Double].self, from: Data($0.utf8)) }
        return EvidenceSummary(id: row["id"], alarmID: row["alarm_id"], camera: DeviceKey(site: site, device: device),
                               snapshot: row["snapshot"], source: row["source"], label: row["label"], score: row["score"],
                               box: box, at: row["at_ms"], originalBytes: row["original_bytes"],
                               originalWidth: row["original_width"], originalHeight: row["original_height"],
                               thumbnailBytes: row["thumbnail_bytes"], thumbnailWidth: row["thumbnail_width"],
                               thumbnailHeight: row["thumbnail_height"])
    }
}
