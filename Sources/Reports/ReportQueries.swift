import KitchenModel
import Storage

/// The store reads the reports make, and nothing else. `Store` (SQLite) answers them today;
/// when the store's capability protocols land (issue 14, item 4) this is the place that
/// switches to the reports-queries protocol, and no report changes.
public protocol ReportQueries: Sendable {
    /// Alarms of a region (division-code prefix) raised in `[since, until)`, oldest first.
    func alarms(regionPrefix: String, since: EpochMillis, until: EpochMillis, openOnly: Bool) throws -> [AlarmRow]
    /// Alarms of one site open at some time of `[since, until)`.
    func alarms(site: SiteID, overlapping since: EpochMillis, until: EpochMillis) throws -> [AlarmRow]
    /// Hourly rollups of one metric of a device in `[since, until)`.
    func rollups(of key: DeviceKey, metric: String, since: EpochMillis, until: EpochMillis) throws -> [RollupRow]
    /// Raw readings of a device in device-time order, `[since, until)`.
    func readings(of key: DeviceKey, since: EpochMillis, until: EpochMillis, limit: Int) throws -> [ReadingRow]
    /// Disinfection runs of a site that started in `[since, until)`.
    func ledger(site: SiteID, since: EpochMillis, until: EpochMillis) throws -> [LedgerRow]
}

extension Store: ReportQueries {}
