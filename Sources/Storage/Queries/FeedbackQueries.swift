import Foundation
import GRDB
import KitchenModel
import StorageModel

extension Store {
    public func insertRating(_ rating: RatingRecord) throws -> Bool {
        try pool.write { db in
            try db.execute(sql: """
                INSERT INTO feedback_rating (site, day, client, at_ms, food, hygiene, source) VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (site, day, client) DO NOTHING
                """, arguments: [rating.site.rawValue, rating.day, rating.client, rating.at, rating.food, rating.hygiene,
                                 rating.source])
            return db.changesCount > 0
        }
    }

    public func insertComplaint(_ complaint: ComplaintRecord, photos: [ComplaintPhoto], step: ComplaintStep,
                                outboxTargets: [String], message: [UInt8], now: EpochMillis) throws {
        try pool.write { db in
            try db.execute(sql: """
                INSERT INTO complaint (\(Self.complaintColumns))
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: StatementArguments(Self.values(complaint)))
            for (index, photo) in photos.enumerated() {
                try db.execute(sql: "INSERT INTO complaint_photo (complaint_id, idx, jpeg, width, height) VALUES (?, ?, ?, ?, ?)",
                               arguments: [complaint.id, index, Data(photo.jpeg), photo.width, photo.height])
            }
            try Self.insertStep(step, db)
            try Self.enqueueOutbox(targets: outboxTargets, body: message, now: now, in: db)
        }
    }

    public func recordComplaintStep(_ updated: ComplaintRecord, step: ComplaintStep, outboxTargets: [String],
                                    message: [UInt8], now: EpochMillis) throws -> Bool {
        try pool.write { db in
            try db.execute(sql: """
                UPDATE complaint SET state = ?, decide_by_ms = ?, close_by_ms = ?, escalated = ?, upheld = ?, reply = ?,
                  closed_ms = ?, version = ?, updated_ms = ?
                WHERE id = ? AND version = ?
                """, arguments: [updated.state.rawValue, updated.decideBy, updated.closeBy, updated.escalated, updated.upheld,
                                 updated.reply, updated.closedAt, updated.version, updated.updatedAt, updated.id,
                                 updated.version - 1])
            guard db.changesCount == 1 else { return false }
            try Self.insertStep(step, db)
            try Self.enqueueOutbox(targets: outboxTargets, body: message, now: now, in: db)
            return true
        }
    }

    public func complaint(id: String) throws -> ComplaintRecord? {
        try pool.read { db in
            try Row.fetchOne(db, sql: "SELECT \(Self.complaintColumns) FROM complaint WHERE id = ?", arguments: [id])
                .flatMap(Self.complaint)
        }
    }

    public func complaint(receipt: String) throws -> ComplaintRecord? {
        try pool.read { db in
            try Row.fetchOne(db, sql: "SELECT \(Self.complaintColumns) FROM complaint WHERE receipt = ?", arguments: [receipt])
                .flatMap(Self.complaint)
        }
    }

    public func complaint(fingerprint: String, since: EpochMillis) throws -> ComplaintRecord? {
        try pool.read { db in
            try Row.fetchOne(db, sql: """
                SELECT \(Self.complaintColumns) FROM complaint WHERE fingerprint = ? AND received_ms >= ?
                ORDER BY received_ms DESC LIMIT 1
                """, arguments: [fingerprint, since]).flatMap(Self.complaint)
        }
    }

    public func complaints(_ query: ComplaintQuery) throws -> [ComplaintRecord] {
        var clauses: [String] = []
        var arguments: [any DatabaseValueConvertible] = []
        if let site = query.site {
            clauses.append("site = ?")
            arguments.append(site.rawValue)
        }
        if let prefix = query.regionPrefix {
            clauses.append("substr(region, 1, ?) = ?")
            arguments.append(prefix.count)
            arguments.append(prefix)
        }
        if let states = query.states {
            clauses.append("state IN (\(states.map { _ in "?" }.joined(separator: ",")))")
            arguments.append(contentsOf: states.map(\.rawValue))
            if states.isEmpty { return [] }
        }
        arguments.append(query.limit)
        let filter = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
        return try pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT \(Self.complaintColumns) FROM complaint \(filter) ORDER BY received_ms DESC, id LIMIT ?
                """, arguments: StatementArguments(arguments)).compactMap(Self.complaint)
        }
    }

    public func complaintSteps(of id: String) throws -> [ComplaintStep] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT complaint_id, at_ms, kind, actor, note FROM complaint_step WHERE complaint_id = ? ORDER BY id",
                             arguments: [id]).map { row in
                ComplaintStep(complaintID: row["complaint_id"], at: row["at_ms"], kind: row["kind"], actor: row["actor"],
                              note: row["note"])
            }
        }
    }

    public func complaintPhoto(of id: String, index: Int) throws -> [UInt8]? {
        try pool.read { db in
            try Data.fetchOne(db, sql: "SELECT jpeg FROM complaint_photo WHERE complaint_id = ? AND idx = ?",
                              arguments: [id, index]).map { [UInt8]($0) }
        }
    }

    public func complaintsPastDue(now: EpochMillis, limit: Int) throws -> [ComplaintRecord] {
        try pool.read { db in
            try Row.fetchAll(db, sql: """
                SELECT \(Self.complaintColumns) FROM complaint
                WHERE state IN ('received', 'accepted') AND (decide_by_ms < ? OR close_by_ms < ?)
                ORDER BY received_ms LIMIT ?
                """, arguments: [now, now, limit]).compactMap(Self.complaint)
        }
    }

    public func feedbackSummary(from: EpochMillis, until: EpochMillis) throws -> [SiteFeedbackSummary] {
        try pool.read { db in
            var sites: [String: SiteFeedbackSummary] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT site, count(*) AS n, avg(food) AS food, avg(hygiene) AS hygiene FROM feedback_rating
                WHERE at_ms >= ? AND at_ms < ? GROUP BY site
                """, arguments: [from, until]) {
                guard let site = SiteID(row["site"]) else { continue }
                sites[site.rawValue] = SiteFeedbackSummary(site: site, ratings: row["n"], foodAverage: row["food"],
                                                           hygieneAverage: row["hygiene"], upheldComplaints: 0)
            }
            for row in try Row.fetchAll(db, sql: """
                SELECT site, count(*) AS n FROM complaint WHERE upheld = 1 AND closed_ms >= ? AND closed_ms < ? GROUP BY site
                """, arguments: [from, until]) {
                guard let site = SiteID(row["site"]) else { continue }
                sites[site.rawValue, default: SiteFeedbackSummary(site: site, ratings: 0, foodAverage: nil, hygieneAverage: nil,
                                                                  upheldComplaints: 0)].upheldComplaints = row["n"]
            }
            return sites.values.sorted { $0.site.rawValue < $1.site.rawValue }
        }
    }

    static let complaintColumns = """
        id, receipt, site, region, kind, text, contact, source, ticket, state, received_ms, decide_by_ms, close_by_ms, \
        escalated, upheld, reply, closed_ms, photo_count, fingerprint, version, updated_ms
        """

    private static func values(_ c: ComplaintRecord) -> [(any DatabaseValueConvertible)?] {
        [c.id, c.receipt, c.site.rawValue, c.region, c.kind.rawValue, c.text, c.contact, c.source, c.ticket, c.state.rawValue,
         c.receivedAt, c.decideBy, c.closeBy, c.escalated, c.upheld, c.reply, c.closedAt, c.photoCount, c.fingerprint,
         c.version, c.updatedAt]
    }

    private static func insertStep(_ step: ComplaintStep, _ db: Database) throws {
        try db.execute(sql: "INSERT INTO complaint_step (complaint_id, at_ms, kind, actor, note) VALUES (?, ?, ?, ?, ?)",
                       arguments: [step.complaintID, step.at, step.kind, step.actor, step.note])
    }

    /// A stored row; one whose site, kind or state no longer parses is skipped.
    static func complaint(_ row: Row) -> ComplaintRecord? {
        guard let site = SiteID(row["site"]), let kind = FeedbackKind(rawValue: row["kind"]),
              let state = ComplaintState(rawValue: row["state"]) else { return nil }
        return ComplaintRecord(id: row["id"], receipt: row["receipt"], site: site, region: row["region"], kind: kind,
                               text: row["text"], contact: row["contact"], source: row["source"], ticket: row["ticket"],
                               state: state, receivedAt: row["received_ms"], decideBy: row["decide_by_ms"],
                               closeBy: row["close_by_ms"], escalated: row["escalated"], upheld: row["upheld"],
                               reply: row["reply"], closedAt: row["closed_ms"], photoCount: row["photo_count"],
                               fingerprint: row["fingerprint"], version: row["version"], updatedAt: row["updated_ms"])
    }
}
