import Foundation
import KitchenModel
import PostgresNIO

/// Alarm actions taken on web replicas, applied by the shard owner of the alarm's site
/// (`alarm_action_request`, migration "v10-change-notify"; docs/scale-out.md, "Web replicas").
/// The owner holds the alarm's live state and publishes its transitions, so it alone applies them:
/// an action is applied once and pushed once whichever replica took it.
public struct AlarmActionRequests: Sendable {
    public let database: PostgresDatabase

    public init(database: PostgresDatabase) {
        self.database = database
    }

    public struct Request: Sendable, Equatable {
        public var id: Int64 = 0
        public var alarmID: String
        public var site: String
        /// "ack", "rectify" or "close".
        public var action: String
        public var actor: String
        public var note: String?
        public var rectifyAction: String?
        /// A JSON array of evidence references.
        public var evidence: String = "[]"

        public init(alarmID: String, site: String, action: String, actor: String, note: String? = nil,
                    rectifyAction: String? = nil, evidence: String = "[]") {
            self.alarmID = alarmID
            self.site = site
            self.action = action
            self.actor = actor
            self.note = note
            self.rectifyAction = rectifyAction
            self.evidence = evidence
        }
    }

    /// What the owner answered: "done" (answer: the alarm record's JSON), "refused" (the refusal's
    /// JSON), "not_found", "not_recorded"; "expired" when nobody took it in time.
    public struct Answer: Sendable, Equatable {
        public var state: String
        public var answer: String?

        public init(state: String, answer: String?) {
            self.state = state
            self.answer = answer
        }
    }

    /// Queues a request; its insert notifies `bk_alarm_request` at commit. Returns its id.
    public func submit(_ r: Request) throws -> Int64 {
        let rows = try database.query("""
            INSERT INTO alarm_action_request (alarm_id, site, action, actor, note, rectify_action, evidence)
            VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id
            """, [.text(r.alarmID), .text(r.site), .text(r.action), .text(r.actor), PostgresValue(r.note),
                  PostgresValue(r.rectifyAction), .text(r.evidence)])
        guard let id = try rows.first?.decode(Int64.self) else {
            throw PostgresStoreError(.server, "the alarm action request was not stored")
        }
        return id
    }

    /// The answer, or nil while the request is pending.
    public func answer(_ id: Int64) throws -> Answer? {
        guard let row = try database.query("SELECT state, answer FROM alarm_action_request WHERE id = $1", [.int(id)]).first
        else { return Answer(state: "expired", answer: nil) }
        let (state, answer) = try row.decode((String, String?).self)
        return state == "pending" ? nil : Answer(state: state, answer: answer)
    }

    /// Gives up a request nobody has taken yet: true if it was still pending (so it will never be
    /// applied), false if an owner took it meanwhile (its answer is coming).
    public func expire(_ id: Int64) throws -> Bool {
        try database.execute("""
            UPDATE alarm_action_request SET state = 'expired', answered_at = now() WHERE id = $1 AND state = 'pending'
            """, [.int(id)]) == 1
    }

    /// Takes the pending requests of `sites` (oldest first, at most `limit`), locked so no other
    /// process takes them, has `apply` decide each answer, and stores the answers in the same
    /// transaction. On a shard owner's fenced pool, a stale owner's claim is refused whole.
    @discardableResult
    public func serve(sites: [String], limit: Int = 50, apply: (Request) -> Answer) throws -> Int {
        guard !sites.isEmpty else { return 0 }
        return try database.transaction { session in
            let rows = try session.query("""
                SELECT id, alarm_id, site, action, actor, note, rectify_action, evidence FROM alarm_action_request
                WHERE state = 'pending' AND site = ANY($1) ORDER BY id LIMIT $2 FOR UPDATE SKIP LOCKED
                """, [.texts(sites), .int(Int64(limit))])
            for row in rows {
                let (id, alarm, site, action, actor, note, rectify, evidence) =
                    try row.decode((Int64, String, String, String, String, String?, String?, String).self)
                var request = Request(alarmID: alarm, site: site, action: action, actor: actor, note: note,
                                      rectifyAction: rectify, evidence: evidence)
                request.id = id
                let answer = apply(request)
                try session.execute("""
                    UPDATE alarm_action_request SET state = $2, answer = $3, answered_at = now() WHERE id = $1
                    """, [.int(id), .text(answer.state), PostgresValue(answer.answer)])
            }
            return rows.count
        }
    }
}
