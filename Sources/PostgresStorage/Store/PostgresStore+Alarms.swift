import KitchenModel
import PostgresNIO
import StorageModel

extension PostgresStore: AlarmStore {
    public func record(_ writes: [AlarmWrite], now: EpochMillis) throws {
        guard !writes.isEmpty else { return }
        try database.transaction { session in
            for write in writes {
                switch write {
                case .transition(let alarm, let transition, let targets):
                    try Self.record(alarm: alarm, transition: transition, outboxTargets: targets, now: now, session)
                case .update(let alarm):
                    try Self.update(alarm: alarm, session)
                case .outbox(let targets, let body):
                    try Self.enqueueOutbox(targets: targets, body: body, now: now, session)
                case .ledger(let row):
                    try Self.recordLedger(row, session)
                }
            }
        }
    }

    public func record(alarm: AlarmRow, transition: TransitionRow, outboxTargets: [String], now: EpochMillis) throws {
        try database.transaction { session in
            try Self.record(alarm: alarm, transition: transition, outboxTargets: outboxTargets, now: now, session)
        }
    }

    static func record(alarm: AlarmRow, transition: TransitionRow, outboxTargets: [String], now: EpochMillis,
                       _ session: PostgresSession) throws {
        try session.execute("""
            INSERT INTO alarm (id, identity, site, region, device, kind, class, state, card, raised_ms, updated_ms, record)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
            ON CONFLICT (id) DO UPDATE SET state = excluded.state, card = excluded.card,
                updated_ms = excluded.updated_ms, record = excluded.record
            """, [.text(alarm.id), .text(alarm.identity), .text(alarm.site.rawValue), .text(alarm.region),
                  PostgresValue(alarm.device), .text(alarm.kind.rawValue), PostgresValue(alarm.riskClass?.rawValue),
                  .text(alarm.state.rawValue), .text(alarm.card.rawValue), .int(alarm.raisedAt), .int(alarm.updatedAt),
                  .text(alarm.recordJSON)])
        // Idempotent: a retried batch whose first COMMIT was kept (its answer lost with the
        // primary) finds its transition stored, and then queues its webhooks no second time. A
        // check rather than a unique index: copied SQLite trails may hold rows alike in all of
        // these, and one alarm has few rows (read through transition_by_alarm). Only the alarm
        // committer writes transitions, one batch at a time.
        let inserted = try session.execute("""
            INSERT INTO alarm_transition (alarm_id, at_ms, kind, actor, note, body)
            SELECT $1, $2, $3, $4, $5, $6
            WHERE NOT EXISTS (SELECT 1 FROM alarm_transition
                              WHERE alarm_id = $1 AND at_ms = $2 AND kind = $3 AND body = $6)
            """, [.text(transition.alarmID), .int(transition.at), .text(transition.kind), PostgresValue(transition.actor),
                  PostgresValue(transition.note), .text(transition.bodyJSON)])
        guard inserted == 1 else { return }
        try enqueueOutbox(targets: outboxTargets, body: Array(transition.bodyJSON.utf8), now: now, session)
    }

    public func update(alarm: AlarmRow) throws {
        try database.withSession { try Self.update(alarm: alarm, $0) }
    }

    static func update(alarm: AlarmRow, _ session: PostgresSession) throws {
        try session.execute("UPDATE alarm SET state = $1, card = $2, updated_ms = $3, record = $4 WHERE id = $5",
                            [.text(alarm.state.rawValue), .text(alarm.card.rawValue), .int(alarm.updatedAt),
                             .text(alarm.recordJSON), .text(alarm.id)])
    }

    public func alarm(id: String) throws -> AlarmRow? {
        try database.query("SELECT \(Self.alarmColumns) FROM alarm WHERE id = $1", [.text(id)])
            .compactMap(Self.alarmRow).first
    }

    public func alarms(_ query: AlarmQuery) throws -> [AlarmRow] {
        var clauses: [String] = []
        var binds: [PostgresValue] = []
        func bind(_ value: PostgresValue) -> String {
            binds.append(value)
            return "$\(binds.count)"
        }
        if let site = query.site { clauses.append("site = \(bind(.text(site.rawValue)))") }
        if let prefix = query.regionPrefix {
            let escaped = prefix.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "%", with: "\\%")
                .replacingOccurrences(of: "_", with: "\\_")
            clauses.append("region LIKE \(bind(.text(escaped + "%"))) ESCAPE '\\'")
        }
        if let states = query.states, !states.isEmpty {
            clauses.append("state IN (\(states.map { bind(.text($0.rawValue)) }.joined(separator: ",")))")
        }
        if let riskClass = query.riskClass { clauses.append("class = \(bind(.int(Int64(riskClass.rawValue))))") }
        if let since = query.since { clauses.append("raised_ms >= \(bind(.int(since)))") }
        let filter = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
        let limit = bind(.int(Int64(query.limit)))
        return try database.query("SELECT \(Self.alarmColumns) FROM alarm \(filter) ORDER BY raised_ms DESC LIMIT \(limit)",
                                  binds).compactMap(Self.alarmRow)
    }

    public func openAlarms() throws -> [AlarmRow] {
        try database.query("SELECT \(Self.alarmColumns) FROM alarm WHERE state <> $1", [.text(AlarmState.closed.rawValue)])
            .compactMap(Self.alarmRow)
    }

    /// Every open alarm without a mark; with one, every alarm written since (`changeMark()`), the
    /// ones closed meanwhile included.
    public func alarms(changedSince mark: ChangeMark?) throws -> Changes<AlarmRow> {
        let next = try changeMark()
        guard let mark else { return Changes(rows: try openAlarms(), mark: next, complete: true) }
        let rows = try database.query("SELECT \(Self.alarmColumns) FROM alarm WHERE changed_xid >= $1::text::xid8",
                                      [.text("\(mark.value)")]).compactMap(Self.alarmRow)
        return Changes(rows: rows, mark: next, complete: false)
    }

    public func transitions(ofAlarm id: String) throws -> [TransitionRow] {
        try database.query("""
            SELECT id, alarm_id, at_ms, kind, actor, note, body FROM alarm_transition WHERE alarm_id = $1 ORDER BY id
            """, [.text(id)]).map { row in
            let c = Columns(row)
            return TransitionRow(id: try c("id"), alarmID: try c("alarm_id"), at: try c("at_ms"), kind: try c("kind"),
                                 actor: try c("actor"), note: try c("note"), bodyJSON: try c("body"))
        }
    }

    public func saveRuleState(_ key: DeviceKey, json: String, now: EpochMillis) throws {
        try saveRuleStates([(key, json)], now: now)
    }

    /// One statement for the whole batch: the alarm engine trickles 100 devices a second, and one
    /// upsert each took ~45 ms of round trips a second under ingest (issue 15, item 7). A device
    /// listed twice keeps its last state, as one upsert after the other would (and one statement
    /// cannot update a row twice).
    public func saveRuleStates(_ states: [(DeviceKey, String)], now: EpochMillis) throws {
        guard !states.isEmpty else { return }
        var latest: [DeviceKey: String] = [:]
        for (key, json) in states { latest[key] = json }
        // Sorted: concurrent writers lock the rows in the same order.
        let ordered = latest.sorted { $0.key < $1.key }
        _ = try database.execute("""
            INSERT INTO rule_state (site, device, state, updated_ms)
            SELECT site, device, state, $4 FROM unnest($1::text[], $2::text[], $3::text[]) AS u(site, device, state)
            ON CONFLICT (site, device) DO UPDATE SET state = excluded.state, updated_ms = excluded.updated_ms
            """, [.texts(ordered.map(\.key.site.rawValue)), .texts(ordered.map(\.key.device.rawValue)),
                  .texts(ordered.map(\.value)), .int(now)])
    }

    public func ruleStates() throws -> [DeviceKey: String] {
        var out: [DeviceKey: String] = [:]
        for row in try database.query("SELECT site, device, state FROM rule_state") {
            let (site, device, state) = try row.decode((String, String, String).self)
            guard let site = SiteID(site), let device = DeviceID(device) else { continue }
            out[DeviceKey(site: site, device: device)] = state
        }
        return out
    }

    static let alarmColumns = "id, identity, site, region, device, kind, class, state, card, raised_ms, updated_ms, record"

    /// A row whose columns this version cannot read (an unknown kind written by a newer gateway)
    /// is left out, like the SQLite store does.
    static func alarmRow(_ row: PostgresRow) throws -> AlarmRow? {
        let c = Columns(row)
        guard let site = SiteID(try c("site", String.self)),
              let kind = AlarmKind(rawValue: try c("kind")),
              let state = AlarmState(rawValue: try c("state")),
              let card = Card(rawValue: try c("card"))
        else { return nil }
        var riskClass: RiskClass?
        if let value = try c("class", Int?.self) {
            guard let known = RiskClass(rawValue: value) else { return nil }
            riskClass = known
        }
        return AlarmRow(id: try c("id"), identity: try c("identity"), site: site, region: try c("region"),
                        device: try c("device"), kind: kind, riskClass: riskClass, state: state, card: card,
                        raisedAt: try c("raised_ms"), updatedAt: try c("updated_ms"), recordJSON: try c("record"))
    }
}

extension PostgresStore: OutboxStore {
    public func enqueueOutbox(targets: [String], body: [UInt8], now: EpochMillis) throws {
        guard !targets.isEmpty else { return }
        try database.transaction { try Self.enqueueOutbox(targets: targets, body: body, now: now, $0) }
    }

    static func enqueueOutbox(targets: [String], body: [UInt8], now: EpochMillis, _ session: PostgresSession) throws {
        for target in targets {
            try session.execute("INSERT INTO outbox (target, body, created_ms, next_attempt_ms) VALUES ($1, $2, $3, $3)",
                                [.text(target), .bytes(body), .int(now)])
        }
    }

    public func dueOutbox(now: EpochMillis, limit: Int, target: String?) throws -> [OutboxMessage] {
        if let target {
            return try database.query("""
                SELECT \(Self.outboxColumns) FROM outbox WHERE next_attempt_ms <= $1 AND target = $2 ORDER BY id LIMIT $3
                """, [.int(now), .text(target), .int(Int64(limit))]).map(Self.outboxMessage)
        }
        return try database.query("""
            SELECT \(Self.outboxColumns) FROM outbox WHERE next_attempt_ms <= $1 ORDER BY id LIMIT $2
            """, [.int(now), .int(Int64(limit))]).map(Self.outboxMessage)
    }

    public func dueOutboxTargets(now: EpochMillis) throws -> [String] {
        try database.query("SELECT DISTINCT target FROM outbox WHERE next_attempt_ms <= $1 ORDER BY target",
                           [.int(now)]).map(decode(String.self))
    }

    public func pendingOutbox() throws -> [OutboxMessage] {
        try database.query("SELECT \(Self.outboxColumns) FROM outbox ORDER BY id").map(Self.outboxMessage)
    }

    public func pendingOutboxCount() throws -> Int {
        Int(try database.query("SELECT count(*) FROM outbox").first.map(decode(Int64.self)) ?? 0)
    }

    public func outboxDelivered(id: Int64) throws {
        try database.execute("DELETE FROM outbox WHERE id = $1", [.int(id)])
    }

    public func outboxFailed(id: Int64, error: String, nextAttemptAt: EpochMillis) throws {
        try database.execute("""
            UPDATE outbox SET attempts = attempts + 1, last_error = $1, next_attempt_ms = $2 WHERE id = $3
            """, [.text(String(error.prefix(500))), .int(nextAttemptAt), .int(id)])
    }

    static let outboxColumns = "id, target, body, created_ms, attempts, next_attempt_ms, last_error"

    static func outboxMessage(_ row: PostgresRow) throws -> OutboxMessage {
        let c = Columns(row)
        return OutboxMessage(id: try c("id"), target: try c("target"), body: Array(try c("body", ByteBuffer.self).readableBytesView),
                             createdAt: try c("created_ms"), attempts: try c("attempts"),
                             nextAttemptAt: try c("next_attempt_ms"), lastError: try c("last_error"))
    }
}

extension PostgresStore: LedgerStore {
    public func recordLedger(_ row: LedgerRow) throws {
        try database.withSession { try Self.recordLedger(row, $0) }
    }

    static func recordLedger(_ row: LedgerRow, _ session: PostgresSession) throws {
        try session.execute("""
            INSERT INTO disinfection_ledger (site, device, start_ms, end_ms, mode, passed, scheduled_ms, entry)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING
            """, [.text(row.key.site.rawValue), .text(row.key.device.rawValue), .int(row.start), .int(row.end),
                  .text(row.mode), .bool(row.passed), PostgresValue(row.scheduledFor), .text(row.entryJSON)])
    }

    public func ledger(site: SiteID, since: EpochMillis, until: EpochMillis) throws -> [LedgerRow] {
        try database.query("""
            SELECT site, device, start_ms, end_ms, mode, passed, scheduled_ms, entry FROM disinfection_ledger
            WHERE site = $1 AND start_ms >= $2 AND start_ms < $3 ORDER BY start_ms
            """, [.text(site.rawValue), .int(since), .int(until)]).compactMap { row in
            let c = Columns(row)
            guard let site = SiteID(try c("site", String.self)), let device = DeviceID(try c("device", String.self))
            else { return nil }
            return LedgerRow(key: DeviceKey(site: site, device: device), start: try c("start_ms"), end: try c("end_ms"),
                             mode: try c("mode"), passed: try c("passed"), scheduledFor: try c("scheduled_ms"),
                             entryJSON: try c("entry"))
        }
    }
}
