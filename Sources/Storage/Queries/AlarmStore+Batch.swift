import GRDB
import KitchenModel

/// One write of the alarm engine's committer.
public enum AlarmWrite: Sendable, Hashable {
    /// Alarm upsert + trail row + outbox messages (`Store.record(alarm:transition:outboxTargets:now:)`).
    case transition(AlarmRow, TransitionRow, outboxTargets: [String])
    /// A silent change of an alarm's record (`Store.update(alarm:)`).
    case update(AlarmRow)
    /// A message for every webhook target, without an alarm (the class-3 digest).
    case outbox(targets: [String], body: [UInt8])
    /// A disinfection run for the ledger (idempotent on device and start).
    case ledger(LedgerRow)
}

extension Store {
    /// Applies `writes` in order in ONE transaction: all of them are stored, or none.
    public func record(_ writes: [AlarmWrite], now: EpochMillis) throws {
        guard !writes.isEmpty else { return }
        try pool.write { db in
            for write in writes {
                switch write {
                case .transition(let alarm, let transition, let targets):
                    try Self.record(alarm: alarm, transition: transition, outboxTargets: targets, now: now, in: db)
                case .update(let alarm):
                    try Self.update(alarm: alarm, in: db)
                case .outbox(let targets, let body):
                    try Self.enqueueOutbox(targets: targets, body: body, now: now, in: db)
                case .ledger(let row):
                    try Self.recordLedger(row, in: db)
                }
            }
        }
    }
}
