import GRDB
import KitchenModel
import StorageModel

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
