import Foundation
import GRDB
import KitchenModel
import StorageModel

extension Store {
    /// Upserts the alarm, appends its transition and queues the outbox messages, in one
    /// transaction: the trail, the alarm and what announces it never disagree.
    public func record(alarm: AlarmRow, transition: TransitionRow, outboxTargets: [String], now: EpochMillis) throws {
        try pool.write { db in
            try Self.record(alarm: alarm, transition: transition, outboxTargets: outboxTargets, now: now, in: db)
        }
    }

    static func record(alarm: AlarmRow, transition: TransitionRow, outboxTargets: [String], now: EpochMillis,
                       in db: Database) throws {
        try db.execute(sql: """
            INSERT INTO alarm (id, identity, site, region, device, kind, class, state, card, raised_ms, updated_ms, record)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (id) DO UPDATE SET state = excluded.state, card = excluded.card,
                updated_ms = excluded.updated_ms, record = excluded.record
            """, arguments: [alarm.id, alarm.identity, alarm.site.rawValue, alarm.region, alarm.device, alarm.kind.rawValue,
                             alarm.riskClass?.rawValue, alarm.state.rawValue, alarm.card.rawValue, alarm.raisedAt, alarm.updatedAt,
                             alarm.recordJSON])
        try db.execute(sql: """
            INSERT INTO alarm_transition (alarm_id, at_ms, kind, actor, note, body) VALUES (?, ?, ?, ?, ?, ?)
            """, arguments: [transition.alarmID, transition.at, transition.kind, transition.actor, transition.note,
                             transition.bodyJSON])
        try Self.enqueueOutbox(targets: outboxTargets, body: Array(transition.bodyJSON.utf8), now: now, in: db)
    }

    /// Updates an alarm's stored record without a transition (a detail changed silently).
    public func update(alarm: AlarmRow) throws {
        try pool.write { db in try Self.update(alarm: alarm, in: db) }
    }

    static func update(alarm: AlarmRow, in db: Database) throws {
        try db.execute(sql: "UPDATE alarm SET state = ?, card = ?, updated_ms = ?, record = ? WHERE id = ?",
                       arguments: [alarm.state.rawValue, alarm.card.rawValue, alarm.updatedAt, alarm.recordJSON,
                                   alarm.id])
    }

    public func alarm(id: String) throws -> AlarmRow? {
        try pool.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM alarm WHERE id = ?", arguments: [id]).flatMap(Self.alarmRow)
        }
    }

    public func alarms(_ query: AlarmQuery) throws -> [AlarmRow] {
        try pool.read { db in
            var clauses: [String] = []
            var arguments: StatementArguments = []
            if let site = query.site {
                clauses.append("site = ?")
                arguments += [site.rawValue]
            }
            if let prefix = query.regionPrefix {
                clauses.append("region LIKE ? ESCAPE '\\'")
                arguments += [prefix.replacingOccurrences(of: "%", with: "\\%").replacingOccurrences(of: "_", with: "\\_") + "%"]
            }
            if let states = query.states, !states.isEmpty {
                clauses.append("state IN (\(states.map { _ in "?" }.joined(separator: ",")))")
                for state in states { arguments += [state.rawValue] }
            }
            if let riskClass = query.riskClass {
                clauses.append("class = ?")
                arguments += [riskClass.rawValue]
            }
            if let since = query.since {
                clauses.append("raised_ms >= ?")
                arguments += [since]
            }
            let filter = clauses.isEmpty ? "" : "WHERE " + clauses.joined(separator: " AND ")
            arguments += [query.limit]
            return try Row.fetchAll(db, sql: "SELECT * FROM alarm \(filter) ORDER BY raised_ms DESC LIMIT ?",
                                    arguments: arguments).compactMap(Self.alarmRow)
        }
    }

    /// Every alarm not closed: what the engine reloads on start.
    public func openAlarms() throws -> [AlarmRow] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM alarm WHERE state <> ?",
                             arguments: [AlarmState.closed.rawValue]).compactMap(Self.alarmRow)
        }
    }

    public func transitions(ofAlarm id: String) throws -> [TransitionRow] {
        try pool.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM alarm_transition WHERE alarm_id = ? ORDER BY id",
                             arguments: [id]).map { row in
                TransitionRow(id: row["id"], alarmID: row["alarm_id"], at: row["at_ms"], kind: row["kind"],
                              actor: row["actor"], note: row["note"], bodyJSON: row["body"])
            }
        }
    }

    public func saveRuleState(_ key: DeviceKey, json: String, now: EpochMillis) throws {
        try saveRuleStates([(key, json)], now: now)
    }

    /// Saves many devices' rule state in one transaction.
    public func saveRuleStates(_ states: [(DeviceKey, String)], now: EpochMillis) throws {
        guard !states.isEmpty else { return }
        try pool.write { db in
            let statement = try db.cachedStatement(sql: """
                INSERT OR REPLACE INTO rule_state (site, device, state, updated_ms) VALUES (?, ?, ?, ?)
                """)
            for (key, json) in states {
                try statement.execute(arguments: [key.site.rawValue, key.device.rawValue, json, now])
            }
        }
    }

    public func ruleStates() throws -> [DeviceKey: String] {
        try pool.read { db in
            var out: [DeviceKey: String] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT site, device, state FROM rule_state") {
                guard let site = SiteID(row["site"]), let device = DeviceID(row["device"]) else { continue }
                out[DeviceKey(site: site, device: device)] = row["state"]
            }
            return out
        }
    }

    /// A row whose columns this version cannot read (an unknown kind written by a newer gateway)
    /// is left out, like one whose record cannot be decoded.
    static func alarmRow(_ row: Row) -> AlarmRow? {
        guard let site = SiteID(row["site"]),
              let kind = AlarmKind(rawValue: row["kind"]),
              let state = AlarmState(rawValue: row["state"]),
              let card = Card(rawValue: row["card"])
        else { return nil }
        var riskClass: RiskClass?
        if let value: Int = row["class"] {
            guard let known = RiskClass(rawValue: value) else { return nil }
            riskClass = known
        }
        return AlarmRow(id: row["id"], identity: row["identity"], site: site, region: row["region"],
                        device: row["device"], kind: kind, riskClass: riskClass, state: state, card: card,
                        raisedAt: row["raised_ms"], updatedAt: row["updated_ms"], recordJSON: row["record"])
    }
}
