import Foundation
import KitchenModel

/// Writes batches of ingest items, each in one transaction. One per writer thread and confined
/// to it, which is why an implementation may cache row ids and deferred snapshots unlocked.
public protocol BatchCommitter: AnyObject {
    /// Writes `items`, then the deferred device snapshots that are due (all of them when
    /// `flushSnapshots`), in one transaction: all of it is stored, or none.
    func commit(_ items: [WriteItem], flushSnapshots: Bool) throws -> CommitStats
    /// When the earliest deferred device snapshot must be written, if one waits.
    func snapshotsDue() -> ContinuousClock.Instant?
    var hasDeferredSnapshots: Bool { get }
    /// Forgets what a failed commit may have left half-known (cached row ids); the items are retried.
    func resetAfterFailure()
    /// The devices whose snapshot is deferred (`SnapshotDeferral`): for `BatchWriter`'s routing
    /// when the store commits on two connections at once.
    var deferredDevices: Set<DeviceKey> { get }
}

extension BatchCommitter {
    public var deferredDevices: Set<DeviceKey> { [] }
}

/// What the ingest path needs: a committer for the writer thread and the device state to start from.
public protocol IngestStore: AnyObject, Sendable {
    func makeBatchCommitter(maxRejects: Int, snapshotInterval: Duration) -> any BatchCommitter
    /// Every device's last snapshot, with the last seq of its current boot taken from its readings.
    func loadDeviceSnapshots() throws -> [DeviceSnapshot]
    /// The devices whose rows changed since `mark` (every device when nil), and the mark for the
    /// next call: a web replica's refresh each second. A store that does not track changes answers
    /// every device each time (`complete`).
    func deviceSnapshots(changedSince mark: ChangeMark?) throws -> Changes<DeviceSnapshot>
    func provisionedDevices() throws -> [(key: DeviceKey, kind: DeviceKind)]
    func recordProvisioned(_ key: DeviceKey, kind: DeviceKind, at: EpochMillis) throws
    /// Whether two transactions can commit at once (PostgreSQL), so durable writes get a lane of
    /// their own in `BatchWriter` instead of queueing behind telemetry batches. SQLite has one
    /// writer: false.
    var commitsConcurrently: Bool { get }
    /// How long `BatchWriter` lets a telemetry item wait for others to share its commit. What a
    /// commit costs decides it: a few microseconds for SQLite, where a short wait keeps
    /// readings visible at once, and round trips plus a standby's confirmation for PostgreSQL.
    var batchDelay: Duration { get }
}

extension IngestStore {
    public func deviceSnapshots(changedSince mark: ChangeMark?) throws -> Changes<DeviceSnapshot> {
        Changes(rows: try loadDeviceSnapshots(), mark: nil, complete: true)
    }

    public var commitsConcurrently: Bool { false }
    public var batchDelay: Duration { .milliseconds(5) }
}

/// Reading the time series back: raw readings, hourly rollups, chart buckets, rejects.
public protocol ReadingQueries: AnyObject, Sendable {
    func temperatureBuckets(of key: DeviceKey, since: EpochMillis, until: EpochMillis, width: EpochMillis,
                            plausible: ClosedRange<Double>, excluding: [Double]) throws -> [TemperatureBucket]
    func readings(of key: DeviceKey, since: EpochMillis, until: EpochMillis, limit: Int) throws -> [ReadingRow]
    func storedSequenceNumbers(of key: DeviceKey) throws -> [(boot: Int64, seq: Int64)]
    func rollups(of key: DeviceKey, metric: String, since: EpochMillis, until: EpochMillis) throws -> [RollupRow]
    func counts() throws -> (devices: Int, readings: Int, events: Int, rollups: Int, rejects: Int)
    func rejects(limit: Int, reason: String?) throws -> [StoredReject]
    func rejectCounts() throws -> [String: Int]
}

extension ReadingQueries {
    public func temperatureBuckets(of key: DeviceKey, since: EpochMillis, until: EpochMillis, width: EpochMillis,
                                   plausible: ClosedRange<Double>) throws -> [TemperatureBucket] {
        try temperatureBuckets(of: key, since: since, until: until, width: width, plausible: plausible, excluding: [])
    }

    public func readings(of key: DeviceKey, since: EpochMillis = 0, until: EpochMillis = .max) throws -> [ReadingRow] {
        try readings(of: key, since: since, until: until, limit: 10_000)
    }

    public func rollups(of key: DeviceKey, metric: String, since: EpochMillis) throws -> [RollupRow] {
        try rollups(of: key, metric: metric, since: since, until: .max)
    }

    public func rejects(limit: Int = 50) throws -> [StoredReject] { try rejects(limit: limit, reason: nil) }

    public func rejects(reason: String) throws -> [StoredReject] { try rejects(limit: 50, reason: reason) }
}
