import KitchenModel

/// How long each kind of record is kept, applied as given: the legal floors
/// (`KitchenRules.RetentionRules`) are the caller's to enforce before passing a policy in.
public struct RetentionPolicy: Sendable, Hashable {
    public var rawReadingDays: Int = 30
    public var rollupDays: Int = 730
    public var eventDays: Int = 180
    /// Batches and tickets.
    public var traceabilityDays: Int = 365
    /// Camera evidence is kept with its alarm (DOMAIN.md); set, it also goes this many days after
    /// the alarm closed (pictures are the bulk of the database). Nil: as long as the alarm.
    public var evidenceDaysAfterClose: Int?

    public init(rawReadingDays: Int = 30, rollupDays: Int = 730, eventDays: Int = 180, traceabilityDays: Int = 365,
                evidenceDaysAfterClose: Int? = nil) {
        self.rawReadingDays = rawReadingDays
        self.rollupDays = rollupDays
        self.eventDays = eventDays
        self.traceabilityDays = traceabilityDays
        self.evidenceDaysAfterClose = evidenceDaysAfterClose
    }
}

public struct RetentionResult: Sendable, Hashable {
    public var readingsDeleted: Int
    public var eventsDeleted: Int
    public var rollupsDeleted: Int
    public var ticketsDeleted: Int = 0
    public var batchesDeleted: Int = 0
    /// Camera evidence whose alarm is gone, or closed longer ago than the policy keeps it.
    public var evidenceDeleted: Int = 0

    public init(readingsDeleted: Int, eventsDeleted: Int, rollupsDeleted: Int, ticketsDeleted: Int = 0, batchesDeleted: Int = 0, evidenceDeleted: Int = 0) {
        self.readingsDeleted = readingsDeleted
        self.eventsDeleted = eventsDeleted
        self.rollupsDeleted = rollupsDeleted
        self.ticketsDeleted = ticketsDeleted
        self.batchesDeleted = batchesDeleted
        self.evidenceDeleted = evidenceDeleted
    }
}
