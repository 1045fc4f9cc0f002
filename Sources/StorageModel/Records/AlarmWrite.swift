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
