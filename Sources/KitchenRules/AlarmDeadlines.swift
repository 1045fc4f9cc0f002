import KitchenModel

/// When an alarm is overdue: the one definition the lifecycle (which marks `overdueAt`), the region
/// figures, the dashboard and the reports all use.
public enum AlarmDeadlines {
    /// Overdue now: still awaiting rectification (raised or acknowledged) and past its deadline, or
    /// already marked overdue by the lifecycle. A rectified or closed alarm is no longer overdue,
    /// even if it once was.
    public static func isOverdue(state: AlarmState, deadline: EpochMillis?, overdueAt: EpochMillis?,
                                 now: EpochMillis) -> Bool {
        guard awaitsRectification(state) else { return false }
        if overdueAt != nil { return true }
        return deadline.map { now >= $0 } ?? false
    }

    public static func isOverdue(_ record: AlarmRecord, now: EpochMillis) -> Bool {
        isOverdue(state: record.state, deadline: record.deadline, overdueAt: record.overdueAt, now: now)
    }

    /// Whether the lifecycle should mark the record overdue at `now`: the deadline has passed, the
    /// alarm still awaits rectification and it has not been marked yet.
    public static func becomesOverdue(_ record: AlarmRecord, now: EpochMillis) -> Bool {
        record.overdueAt == nil
            && isOverdue(state: record.state, deadline: record.deadline, overdueAt: nil, now: now)
    }

    /// Overdue at some point up to `now` (the reports' count): marked so by the lifecycle, overdue
    /// now, or rectified only after its deadline. An alarm closed before its deadline (a false
    /// detection) never was.
    public static func wentOverdue(_ record: AlarmRecord, now: EpochMillis) -> Bool {
        if record.overdueAt != nil || isOverdue(record, now: now) { return true }
        guard let deadline = record.deadline, let rectifiedAt = record.rectifiedAt else { return false }
        return rectifiedAt >= deadline
    }

    private static func awaitsRectification(_ state: AlarmState) -> Bool {
        state == .raised || state == .acknowledged
    }
}
