import KitchenModel
import PostgresNIO
import StorageModel

extension PostgresStore: FeedbackStore {
    public func insertRating(_ rating: RatingRecord) throws -> Bool {
        try database.execute("""
            INSERT INTO feedback_rating (site, day, client, at_ms, food, hygiene, source) VALUES ($1, $2, $3, $4, $5, $6, $7)
            ON CONFLICT (site, day, client) DO NOTHING
            """, [.text(rating.site.rawValue), .text(rating.day), .text(rating.client), .int(rating.at),
                  .int(Int64(rating.food)), .int(Int64(rating.hygiene)), .text(rating.source)]) == 1
    }

    public func insertComplaint(_ complaint: ComplaintRecord, photos: [ComplaintPhoto], step: ComplaintStep,
                                outboxTargets: [String], message: [UInt8], now: EpochMillis) throws {
        try database.transaction { session in
            let marks = (1...21).map { "$\($0)" }.joined(separator: ", ")
            try session.execute("INSERT INTO complaint (\(Self.complaintColumns)) VALUES (\(marks))", Self.values(complaint))
            for (index, photo) in photos.enumerated() {
                try session.execute("""
                    INSERT INTO complaint_photo (complaint_id, idx, jpeg, width, height) VALUES ($1, $2, $3, $4, $5)
                    """, [.text(complaint.id), .int(Int64(index)), .bytes(photo.jpeg), .int(Int64(photo.width)),
                          .int(Int64(photo.height))])
            }
            try Self.insertStep(step, session)
            try Self.enqueueOutbox(targets: outboxTargets, body: message, now: now, session)
        }
    }

    public func recordComplaintStep(_ updated: ComplaintRecord, step: ComplaintStep, outboxTargets: [String],
                                    message: [UInt8], now: EpochMillis) throws -> Bool {
        try database.transaction { session in
            let changed = try session.execute("""
                UPDATE complaint SET state = $1, decide_by_ms = $2, close_by_ms = $3, escalated = $4, upheld = $5, reply = $6,
                  closed_ms = $7, version = $8, updated_ms = $9
                WHERE id = $10 AND version = $11
                """, [.text(updated.state.rawValue), PostgresValue(updated.decideBy), PostgresValue(updated.closeBy),
                      PostgresValue(updated.escalated), PostgresValue(updated.upheld), PostgresValue(updated.reply),
                      PostgresValue(updated.closedAt), .int(updated.version), .int(updated.updatedAt), .text(updated.id),
                      .int(updated.version - 1)])
            guard changed == 1 else { return false }
            try Self.insertStep(step, session)
            try Self.enqueueOutbox(targets: outboxTargets, body: message, now: now, session)
            return true
        }
    }

    public func complaint(id: String) throws -> ComplaintRecord? {
        try database.query("SELECT \(Self.complaintColumns) FROM complaint WHERE id = $1", [.text(id)])
            .first.flatMap(Self.complaint)
    }

    public func complaint(receipt: String) throws -> ComplaintRecord? {
        try database.query("SELECT \(Self.complaintColumns) FROM complaint WHERE receipt = $1", [.text(receipt)])
            .first.flatMap(Self.complaint)
    }

    public func complaint(fingerprint: String, since: EpochMillis) throws -> ComplaintRecord? {
        try database.query("""
            SELECT \(Self.complaintColumns) FROM complaint WHERE fingerprint = $1 AND received_ms >= $2
            ORDER BY received_ms DESC LIMIT 1
            """, [.text(fingerprint), .int(since)]).first.flatMap(Self.complaint)
    }

    public func complaints(_ query: ComplaintQuery) throws -> [ComplaintRecord] {
        var clauses: [String] = []
        var binds: [PostgresValue] = []
        if let site = query.site {
            binds.append(.text(site.rawValue))
            clauses.append("site = $\(binds.count)")
        }
        if let prefix = query.regionPrefix {
            binds.append(.text(prefix))
            clauses.append("left(region, length($\(binds.count))) = $\(binds.count)")
        }
        if let states = query.states {
            if states.isEmpty { return [] }
            binds.append(.texts(states.map(\.rawValue)))
            clauses.append("state = ANY($\(binds.count))")
        }
        binds.append(.int(Int64(query.limit)))
        let filter = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
        return try database.query("""
            SELECT \(Self.complaintColumns) FROM complaint \(filter) ORDER BY received_ms DESC, id LIMIT $\(binds.count)
            """, binds).compactMap(Self.complaint)
    }

    public func complaintSteps(of id: String) throws -> [ComplaintStep] {
        try database.query("SELECT complaint_id, at_ms, kind, actor, note FROM complaint_step WHERE complaint_id = $1 ORDER BY id",
                           [.text(id)]).map { row in
            let c = Columns(row)
            return ComplaintStep(complaintID: try c("complaint_id"), at: try c("at_ms"), kind: try c("kind"),
                                 actor: try c("actor"), note: try c("note"))
        }
    }

    public func complaintPhoto(of id: String, index: Int) throws -> [UInt8]? {
        try database.query("SELECT jpeg FROM complaint_photo WHERE complaint_id = $1 AND idx = $2", [.text(id), .int(Int64(index))])
            .first.map(decode(ByteBuffer.self)).map { Array($0.readableBytesView) }
    }

    public func complaintsPastDue(now: EpochMillis, limit: Int) throws -> [ComplaintRecord] {
        try database.query("""
            SELECT \(Self.complaintColumns) FROM complaint
            WHERE state IN ('received', 'accepted') AND (decide_by_ms < $1 OR close_by_ms < $1)
            ORDER BY received_ms LIMIT $2
            """, [.int(now), .int(Int64(limit))]).compactMap(Self.complaint)
    }

    public func feedbackSummary(from: EpochMillis, until: EpochMillis) throws -> [SiteFeedbackSummary] {
        var sites: [String: SiteFeedbackSummary] = [:]
        for row in try database.query("""
            SELECT site, count(*), avg(food)::double precision, avg(hygiene)::double precision FROM feedback_rating
            WHERE at_ms >= $1 AND at_ms < $2 GROUP BY site
            """, [.int(from), .int(until)]) {
            let (raw, n, food, hygiene) = try row.decode((String, Int, Double?, Double?).self)
            guard let site = SiteID(raw) else { continue }
            sites[raw] = SiteFeedbackSummary(site: site, ratings: n, foodAverage: food, hygieneAverage: hygiene, upheldComplaints: 0)
        }
        for row in try database.query("""
            SELECT site, count(*) FROM complaint WHERE upheld AND closed_ms >= $1 AND closed_ms < $2 GROUP BY site
            """, [.int(from), .int(until)]) {
            let (raw, n) = try row.decode((String, Int).self)
            guard let site = SiteID(raw) else { continue }
            sites[raw, default: SiteFeedbackSummary(site: site, ratings: 0, foodAverage: nil, hygieneAverage: nil,
                                                    upheldComplaints: 0)].upheldComplaints = n
        }
        return sites.values.sorted { $0.site.rawValue < $1.site.rawValue }
    }

    static let complaintColumns = """
        id, receipt, site, region, kind, text, contact, source, ticket, state, received_ms, decide_by_ms, close_by_ms, \
        escalated, upheld, reply, closed_ms, photo_count, fingerprint, version, updated_ms
        """

    private static func values(_ c: ComplaintRecord) -> [PostgresValue] {
        [.text(c.id), .text(c.receipt), .text(c.site.rawValue), .text(c.region), .text(c.kind.rawValue), .text(c.text),
         PostgresValue(c.contact), .text(c.source), PostgresValue(c.ticket), .text(c.state.rawValue), .int(c.receivedAt),
         PostgresValue(c.decideBy), PostgresValue(c.closeBy), PostgresValue(c.escalated), PostgresValue(c.upheld),
         PostgresValue(c.reply), PostgresValue(c.closedAt), .int(Int64(c.photoCount)), .text(c.fingerprint), .int(c.version),
         .int(c.updatedAt)]
    }

    private static func insertStep(_ step: ComplaintStep, _ session: PostgresSession) throws {
        try session.execute("INSERT INTO complaint_step (complaint_id, at_ms, kind, actor, note) VALUES ($1, $2, $3, $4, $5)",
                            [.text(step.complaintID), .int(step.at), .text(step.kind), PostgresValue(step.actor),
                             PostgresValue(step.note)])
    }

    /// A stored row; one whose site, kind or state no longer parses is skipped.
    static func complaint(_ row: PostgresRow) -> ComplaintRecord? {
        let c = Columns(row)
        guard let site = SiteID((try? c("site", String.self)) ?? ""),
              let kind = FeedbackKind(rawValue: (try? c("kind", String.self)) ?? ""),
              let state = ComplaintState(rawValue: (try? c("state", String.self)) ?? "") else { return nil }
        return try? ComplaintRecord(
            id: c("id"), receipt: c("receipt"), site: site, region: c("region"), kind: kind, text: c("text"),
            contact: c("contact"), source: c("source"), ticket: c("ticket"), state: state, receivedAt: c("received_ms"),
            decideBy: c("decide_by_ms"), closeBy: c("close_by_ms"), escalated: c("escalated"), upheld: c("upheld"),
            reply: c("reply"), closedAt: c("closed_ms"), photoCount: Int(c("photo_count", Int64.self)),
            fingerprint: c("fingerprint"), version: c("version"), updatedAt: c("updated_ms"))
    }
}
