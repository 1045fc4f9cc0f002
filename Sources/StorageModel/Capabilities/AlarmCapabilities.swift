import KitchenModel

/// Alarms, their audit trail and the rule engine's durable state.
public protocol AlarmStore: AnyObject, Sendable {
    /// Applies `writes` in order in ONE transaction: all of them are stored, or none.
    func record(_ writes: [AlarmWrite], now: EpochMillis) throws
    /// Upserts the alarm, appends its transition and queues its outbox messages in one transaction.
    func record(alarm: AlarmRow, transition: TransitionRow, outboxTargets: [String], now: EpochMillis) throws
    func update(alarm: AlarmRow) throws
    func alarm(id: String) throws -> AlarmRow?
    func alarms(_ query: AlarmQuery) throws -> [AlarmRow]
    func openAlarms() throws -> [AlarmRow]
    /// The alarms whose rows changed since `mark`, closed ones included (so a reader can drop
    /// them), or every open alarm when `mark` is nil: a web replica's refresh each second. A store
    /// that does not track changes answers every open alarm each time (`complete`).
    func alarms(changedSince mark: ChangeMark?) throws -> Changes<AlarmRow>
    func transitions(ofAlarm id: String) throws -> [TransitionRow]
    func saveRuleState(_ key: DeviceKey, json: String, now: EpochMillis) throws
    func saveRuleStates(_ states: [(DeviceKey, String)], now: EpochMillis) throws
    func ruleStates() throws -> [DeviceKey: String]
}

extension AlarmStore {
    public func alarms(changedSince mark: ChangeMark?) throws -> Changes<AlarmRow> {
        Changes(rows: try openAlarms(), mark: nil, complete: true)
    }
}

/// Webhook messages waiting for delivery, written with the alarm transitions they announce.
public protocol OutboxStore: AnyObject, Sendable {
    func enqueueOutbox(targets: [String], body: [UInt8], now: EpochMillis) throws
    func dueOutbox(now: EpochMillis, limit: Int, target: String?) throws -> [OutboxMessage]
    func dueOutboxTargets(now: EpochMillis) throws -> [String]
    func pendingOutbox() throws -> [OutboxMessage]
    func pendingOutboxCount() throws -> Int
    func outboxDelivered(id: Int64) throws
    func outboxFailed(id: Int64, error: String, nextAttemptAt: EpochMillis) throws
}

extension OutboxStore {
    public func dueOutbox(now: EpochMillis, limit: Int = 100) throws -> [OutboxMessage] {
        try dueOutbox(now: now, limit: limit, target: nil)
    }

    public func dueOutbox(now: EpochMillis, target: String?) throws -> [OutboxMessage] {
        try dueOutbox(now: now, limit: 100, target: target)
    }
}

/// Disinfection runs, one row per cabinet cycle.
public protocol LedgerStore: AnyObject, Sendable {
    func recordLedger(_ row: LedgerRow) throws
    func ledger(site: SiteID, since: EpochMillis, until: EpochMillis) throws -> [LedgerRow]
}

extension LedgerStore {
    public func ledger(site: SiteID) throws -> [LedgerRow] { try ledger(site: site, since: 0, until: .max) }
}

/// Pictures attached to alarms: camera snapshots and rectification photos.
public protocol EvidenceStore: AnyObject, Sendable {
    /// Stores the record unless the alarm already has `limit` pictures; its id, or nil when refused.
    func insertEvidence(_ record: EvidenceRecord, limit: Int) throws -> Int64?
    func evidence(ofAlarm alarmID: String) throws -> [EvidenceSummary]
    func evidence(id: Int64) throws -> EvidenceSummary?
    func evidencePicture(id: Int64, _ picture: EvidencePicture) throws -> [UInt8]?
    func evidenceCounts(alarmIDs: [String]) throws -> [String: Int]
}
