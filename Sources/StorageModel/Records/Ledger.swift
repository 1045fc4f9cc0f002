import KitchenModel

/// One ledger row: the columns a report filters on plus the rules' entry as JSON.
public struct LedgerRow: Sendable, Hashable {
    public var key: DeviceKey
    public var start: EpochMillis
    public var end: EpochMillis
    public var mode: String
    public var passed: Bool
    public var scheduledFor: EpochMillis?
    public var entryJSON: String

    public init(key: DeviceKey, start: EpochMillis, end: EpochMillis, mode: String, passed: Bool,
                scheduledFor: EpochMillis?, entryJSON: String) {
        self.key = key
        self.start = start
        self.end = end
        self.mode = mode
        self.passed = passed
        self.scheduledFor = scheduledFor
        self.entryJSON = entryJSON
    }
}
