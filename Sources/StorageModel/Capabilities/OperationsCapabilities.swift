import KitchenModel

/// The queries behind the regional reports.
public protocol ReportQueries: AnyObject, Sendable {
    func ticketCountsBySite(since: EpochMillis) throws -> [SiteID: Int]
    func alarms(regionPrefix: String, since: EpochMillis, until: EpochMillis, openOnly: Bool) throws -> [AlarmRow]
    func alarms(site: SiteID, overlapping since: EpochMillis, until: EpochMillis) throws -> [AlarmRow]
}

extension ReportQueries {
    // Overloads with fewer parameters, not defaults: a default implementation with the
    // requirement's own signature would call itself on a backend that forgot the requirement.
    public func alarms(regionPrefix: String, since: EpochMillis = 0, until: EpochMillis = .max) throws -> [AlarmRow] {
        try alarms(regionPrefix: regionPrefix, since: since, until: until, openOnly: false)
    }

    public func alarms(regionPrefix: String, openOnly: Bool) throws -> [AlarmRow] {
        try alarms(regionPrefix: regionPrefix, since: 0, until: .max, openOnly: openOnly)
    }
}

/// Deletes what the retention policy no longer requires.
public protocol RetentionStore: AnyObject, Sendable {
    func applyRetention(_ policy: RetentionPolicy, now: EpochMillis) throws -> RetentionResult
}

/// Small named values the gateway keeps about itself (boot counters, the previous boot's marks).
public protocol MetaStore: AnyObject, Sendable {
    func meta(_ key: String) throws -> String?
    func setMeta(_ key: String, _ value: String) throws
}

/// Messages from camera platforms that name a source no device is mapped to.
public protocol UnmappedSourceStore: AnyObject, Sendable {
    func recordUnmapped(_ records: [UnmappedSourceRecord], keep: Int) throws
    func unmappedSources() throws -> [UnmappedSourceRecord]
    func forgetUnmapped(_ sources: [(family: String, sourceID: String)]) throws
}

/// What an operator and a clean shutdown need from any backend.
public protocol StoreMaintenance: AnyObject, Sendable {
    /// Where the data lives, for logs and errors (a path, or a URL without its password).
    var location: String { get }
    /// Problems with how the store's files or connection are protected, warned about at every start.
    func permissionWarnings() -> [String]
    /// Leaves the store tidy on a clean shutdown (SQLite folds its WAL); errors are only logged.
    func closeCleanly() throws
    /// Housekeeping that must run ahead of time, hourly with retention (PostgreSQL: the coming
    /// days' reading partitions); what it created, for the log.
    func prepareAhead(now: EpochMillis) throws -> [String]
}
