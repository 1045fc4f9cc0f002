import KitchenModel

/// Timers of the closed loop (DOMAIN.md, "Temperature and humidity zones" and "Camera violations
/// and the closed loop").
public struct LifecycleConfig: Sendable, Hashable, Codable {
    /// Unacknowledged alarms are notified again this often (DOMAIN.md: e.g. every 2 h) ...
    public var renotifyEverySeconds: Int
    /// ... for this long after being raised (DOMAIN.md: up to 24 h).
    public var renotifyForSeconds: Int
    /// An unrectified alarm of these classes gets a yellow card, then a red one (DOMAIN.md: class 1).
    public var cardClasses: [RiskClass]
    public var yellowCardAfterDays: Int
    public var redCardAfterDays: Int
    /// Class-2 rectification deadline (DOMAIN.md: 3 days).
    public var class2DeadlineDays: Int
    /// Equipment faults close by themselves once their condition has cleared (issue 3). With this
    /// on (default) they also need a person's acknowledgement first, so a breach that healed itself
    /// at 3 a.m. is still seen by someone ("keep alarming until someone acknowledges").
    public var equipmentCloseNeedsAcknowledgement: Bool

    public init(renotifyEverySeconds: Int = 7_200, renotifyForSeconds: Int = 86_400,
                cardClasses: [RiskClass] = [.class1], yellowCardAfterDays: Int = 5, redCardAfterDays: Int = 10,
                class2DeadlineDays: Int = 3, equipmentCloseNeedsAcknowledgement: Bool = true) {
        self.renotifyEverySeconds = renotifyEverySeconds
        self.renotifyForSeconds = renotifyForSeconds
        self.cardClasses = cardClasses
        self.yellowCardAfterDays = yellowCardAfterDays
        self.redCardAfterDays = redCardAfterDays
        self.class2DeadlineDays = class2DeadlineDays
        self.equipmentCloseNeedsAcknowledgement = equipmentCloseNeedsAcknowledgement
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = LifecycleConfig()
        self.init(
            renotifyEverySeconds: try c.decode(.renotifyEverySeconds, default: d.renotifyEverySeconds),
            renotifyForSeconds: try c.decode(.renotifyForSeconds, default: d.renotifyForSeconds),
            cardClasses: try c.decode(.cardClasses, default: d.cardClasses),
            yellowCardAfterDays: try c.decode(.yellowCardAfterDays, default: d.yellowCardAfterDays),
            redCardAfterDays: try c.decode(.redCardAfterDays, default: d.redCardAfterDays),
            class2DeadlineDays: try c.decode(.class2DeadlineDays, default: d.class2DeadlineDays),
            equipmentCloseNeedsAcknowledgement: try c.decode(
                .equipmentCloseNeedsAcknowledgement, default: d.equipmentCloseNeedsAcknowledgement))
    }
}

/// raised → acknowledged → rectified → closed, as pure functions. Each returns the new record and
/// the transitions to append to the audit trail and push; refusals are typed `LifecycleError`s.
/// Who may do what (a regulator closes violations) is `AlarmPermissions`, checked by the API.
public struct AlarmLifecycle: Sendable {
    public var config: LifecycleConfig

    public init(config: LifecycleConfig = LifecycleConfig()) {
        self.config = config
    }

    /// A new alarm from a `raise` signal.
    public func raise(_ signal: AlarmSignal, id: String) -> LifecycleStep {
        let deadline = signal.riskClass == .class2 ? signal.at + EpochMillis(config.class2DeadlineDays) * Millis.day : nil
        let record = AlarmRecord(id: id, signal: signal, deadline: deadline)
        return LifecycleStep(record: record, transitions: [transition(record, .raised, at: signal.at, note: signal.detail.message)])
    }

    /// Applies a rules signal to the open alarm of its identity (`record`, nil if none). Returns
    /// nil when there is nothing to do (a `clear` with no open alarm). A `raise` or `update` with no
    /// open alarm opens a new one with `newID()`.
    public func apply(_ signal: AlarmSignal, to record: AlarmRecord?, newID: () -> String) -> LifecycleStep? {
        guard var record, record.isOpen else {
            return signal.action == .clear ? nil : raise(signal, id: newID())
        }
        precondition(record.identity == signal.identity, "signal \(signal.identity) applied to alarm \(record.identity)")
        var transitions: [Transition] = []
        switch signal.action {
        case .raise:
            record.occurrences += 1
            record.conditionCleared = false
            record.clearedAt = nil
            record.detail = signal.detail
            transitions.append(transition(record, .updated, at: signal.at, note: "recurred: " + signal.detail.message))
        case .update:
            record.detail = signal.detail
            transitions.append(transition(record, .updated, at: signal.at, note: signal.detail.message))
        case .clear:
            record.conditionCleared = true
            record.clearedAt = signal.at
            if record.kind.category == .violation {
                // The incident ended; the violation itself stays until rectified. Not an audit event.
                if let count = signal.detail.count { record.detail.count = count }
                record.detail.durationMillis = signal.detail.durationMillis
                return LifecycleStep(record: record, transitions: [])
            }
            transitions.append(transition(record, .cleared, at: signal.at, note: signal.detail.message))
            autoClose(&record, at: signal.at, into: &transitions)
        }
        return LifecycleStep(record: record, transitions: transitions)
    }

    public func acknowledge(_ record: AlarmRecord, by actor: String, at time: EpochMillis,
                            note: String? = nil) throws(LifecycleError) -> LifecycleStep {
        var record = record
        let actor = try checkActor(actor, record)
        switch record.state {
        case .closed: throw .alarmClosed(alarmID: record.id, closedAt: record.closedAt)
        case .acknowledged: throw .alreadyAcknowledged(alarmID: record.id, by: record.acknowledgedBy, at: record.acknowledgedAt)
        case .rectified: throw .alreadyRectified(alarmID: record.id, at: record.rectifiedAt)
        case .raised: break
        }
        record.state = .acknowledged
        record.acknowledgedBy = actor
        record.acknowledgedAt = time
        var transitions = [transition(record, .acknowledged, at: time, by: actor, note: note)]
        autoClose(&record, at: time, into: &transitions)
        return LifecycleStep(record: record, transitions: transitions)
    }

    /// Records the corrective action. Rectifying an unacknowledged alarm acknowledges it too.
    public func rectify(_ record: AlarmRecord, by actor: String, action: String, evidence: [String] = [],
                        at time: EpochMillis) throws(LifecycleError) -> LifecycleStep {
        var record = record
        let actor = try checkActor(actor, record)
        switch record.state {
        case .closed: throw .alarmClosed(alarmID: record.id, closedAt: record.closedAt)
        case .rectified: throw .alreadyRectified(alarmID: record.id, at: record.rectifiedAt)
        case .raised, .acknowledged: break
        }
        let action = action.trimmingWhitespace
        guard !action.isEmpty else { throw .actionRequired(alarmID: record.id) }
        var transitions: [Transition] = []
        if record.state == .raised {
            record.state = .acknowledged
            record.acknowledgedBy = actor
            record.acknowledgedAt = time
            transitions.append(transition(record, .acknowledged, at: time, by: actor, note: "implied by rectification"))
        }
        record.state = .rectified
        record.rectifiedBy = actor
        record.rectifiedAt = time
        record.rectifyAction = action
        record.evidence += evidence.filter { !record.evidence.contains($0) }
        transitions.append(transition(record, .rectified, at: time, by: actor, note: action))
        autoClose(&record, at: time, into: &transitions)
        return LifecycleStep(record: record, transitions: transitions)
    }

    /// Closes an alarm by hand (a regulator, for violations). An unrectified violation needs a
    /// reason; an equipment fault cannot be closed while its condition persists.
    public func close(_ record: AlarmRecord, by actor: String, at time: EpochMillis,
                      note: String? = nil) throws(LifecycleError) -> LifecycleStep {
        var record = record
        let actor = try checkActor(actor, record)
        guard record.isOpen else { throw .alarmClosed(alarmID: record.id, closedAt: record.closedAt) }
        let note = note?.trimmingWhitespace
        if record.kind.category == .equipment {
            guard record.conditionCleared else { throw .conditionNotCleared(alarmID: record.id, kind: record.kind) }
        } else if record.state != .rectified, note?.isEmpty ?? true {
            throw .reasonRequired(alarmID: record.id)
        }
        record.state = .closed
        record.closedBy = actor
        record.closedAt = time
        record.closeNote = note
        return LifecycleStep(record: record, transitions: [transition(record, .closed, at: time, by: actor, note: note)])
    }

    /// Timer-driven transitions due at `now`: re-notification, yellow/red cards, overdue deadline.
    /// Call for each open alarm on every scheduler tick (or at `nextDue`). A late call (after a
    /// restart) catches up with one transition per kind, not a burst of stale re-notifications.
    public func due(_ record: AlarmRecord, now: EpochMillis) -> LifecycleStep {
        var record = record
        var transitions: [Transition] = []
        guard record.isOpen else { return LifecycleStep(record: record, transitions: []) }
        if record.state == .raised, let every = renotifyEvery {
            let elapsed = now - record.raisedAt
            let reached = Int(min(elapsed, renotifyFor) / every)
            if reached >= record.notifyCount {
                record.notifyCount = reached + 1
                // After a long outage a reminder older than one interval is history, not news.
                if elapsed < renotifyFor + every {
                    record.lastNotifiedAt = now
                    transitions.append(transition(record, .renotified, at: now, note: "reminder \(reached) (unacknowledged)"))
                }
            }
        }
        if record.state == .raised || record.state == .acknowledged {
            if let riskClass = record.riskClass, config.cardClasses.contains(riskClass) {
                let elapsed = now - record.raisedAt
                if record.card == .none, elapsed >= days(config.yellowCardAfterDays) {
                    record.card = .yellow
                    transitions.append(transition(record, .escalatedYellow, at: now,
                                                  note: "not rectified after \(config.yellowCardAfterDays) days"))
                }
                if record.card == .yellow, elapsed >= days(config.redCardAfterDays) {
                    record.card = .red
                    transitions.append(transition(record, .escalatedRed, at: now,
                                                  note: "not rectified after \(config.redCardAfterDays) days: offline supervision"))
                }
            }
            if AlarmDeadlines.becomesOverdue(record, now: now) {
                record.overdueAt = now
                transitions.append(transition(record, .overdue, at: now, note: "rectification deadline passed"))
            }
        }
        return LifecycleStep(record: record, transitions: transitions)
    }

    /// The earliest instant `due` can produce a transition for this record; nil if never.
    public func nextDue(_ record: AlarmRecord) -> EpochMillis? {
        guard record.isOpen else { return nil }
        var candidates: [EpochMillis] = []
        if record.state == .raised, let every = renotifyEvery {
            let next = record.raisedAt + EpochMillis(record.notifyCount) * every
            if next - record.raisedAt <= renotifyFor { candidates.append(next) }
        }
        if record.state == .raised || record.state == .acknowledged {
            if let riskClass = record.riskClass, config.cardClasses.contains(riskClass) {
                switch record.card {
                case .none: candidates.append(record.raisedAt + days(config.yellowCardAfterDays))
                case .yellow: candidates.append(record.raisedAt + days(config.redCardAfterDays))
                case .red: break
                }
            }
            if let deadline = record.deadline, record.overdueAt == nil { candidates.append(deadline) }
        }
        return candidates.min()
    }

    private var renotifyEvery: EpochMillis? {
        config.renotifyEverySeconds > 0 ? Millis.seconds(config.renotifyEverySeconds) : nil
    }

    private var renotifyFor: EpochMillis { Millis.seconds(config.renotifyForSeconds) }

    private func days(_ n: Int) -> EpochMillis { EpochMillis(n) * Millis.day }

    /// A voice warning played (or tried) on the alarm's camera: a trail step that changes nothing
    /// else. Closed alarms refuse it: the incident is over.
    public func voiceWarning(_ record: AlarmRecord, by actor: String, note: String, at time: EpochMillis)
        throws(LifecycleError) -> LifecycleStep {
        let actor = try checkActor(actor, record)
        guard record.isOpen else { throw .alarmClosed(alarmID: record.id, closedAt: record.closedAt) }
        return LifecycleStep(record: record, transitions: [transition(record, .voiceWarning, at: time, by: actor, note: note)])
    }

    private func checkActor(_ actor: String, _ record: AlarmRecord) throws(LifecycleError) -> String {
        let actor = actor.trimmingWhitespace
        guard !actor.isEmpty else { throw .actorRequired(alarmID: record.id) }
        return actor
    }

    private func autoClose(_ record: inout AlarmRecord, at time: EpochMillis, into transitions: inout [Transition]) {
        guard record.isOpen, record.kind.category == .equipment, record.conditionCleared else { return }
        let seen = record.state == .acknowledged || record.state == .rectified
        guard seen || !config.equipmentCloseNeedsAcknowledgement else { return }
        record.state = .closed
        record.closedAt = time
        record.closeNote = "condition cleared"
        transitions.append(transition(record, .closed, at: time, note: "condition cleared"))
    }

    private func transition(_ record: AlarmRecord, _ kind: Transition.Kind, at time: EpochMillis,
                            by actor: String? = nil, note: String? = nil) -> Transition {
        Transition(alarmID: record.id, kind: kind, at: time, by: actor, note: note, state: record.state, card: record.card)
    }
}

extension String {
    fileprivate var trimmingWhitespace: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace })
        else { return "" }
        return String(scalars[first...last])
    }
}
