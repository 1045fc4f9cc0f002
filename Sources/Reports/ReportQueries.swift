import StorageModel

/// What the reports read: alarms by region or site, rollups and readings, the disinfection ledger.
/// Any backend's store provides it.
public typealias ReportSource = ReportQueries & ReadingQueries & LedgerStore
