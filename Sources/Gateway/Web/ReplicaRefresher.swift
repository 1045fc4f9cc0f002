import Foundation
import KitchenModel
import KitchenRules
import Logging
import ServiceLifecycle
import StorageModel
import Synchronization

/// Keeps a web replica's `ReplicaViews` current: every `every` it reads the device rows changed
/// since its last read, the provisioned devices and the open alarms from the database (what an
/// ingest instance restores at takeover) and swaps them in, reloading the registry file when it
/// changed. A poll, not LISTEN/NOTIFY: device rows change with nearly every reading, so
/// notifications would be one per reading across the province, while one read per second per
/// replica is bounded whatever the load (docs/scale-out.md, "Web replicas"). Every
/// `completeEvery` it reads every row again, which also drops devices whose rows were deleted.
/// Runs on its own thread: the reads block.
public final class ReplicaRefresher: Service, Sendable {
    let store: any GatewayStore
    let views: ReplicaViews
    let every: Duration
    let logger: Logger
    private let failing = Mutex<(error: String, since: ContinuousClock.Instant)?>(nil)
    private let registryFile: Mutex<RegistryFileCache>
    private let rounds = Atomic<Int>(0)
    private let devices = Mutex(KnownDevices())
    let completeEvery: Duration

    /// The device rows as last read, and where the reads got to.
    struct KnownDevices {
        var snapshots: [DeviceKey: DeviceSnapshot] = [:]
        var mark: DeviceChangeMark?
        var completeAt: ContinuousClock.Instant?
        /// Rows the last refresh read: all of them after a complete read, else those changed.
        var lastRead = 0
    }

    public init(store: any GatewayStore, views: ReplicaViews, registryPath: String, every: Duration = .seconds(1),
                completeEvery: Duration = .seconds(60), logger: Logger) {
        self.store = store
        self.views = views
        self.registryFile = Mutex(RegistryFileCache(path: registryPath))
        self.every = every
        self.completeEvery = completeEvery
        self.logger = logger
    }

    /// Refreshes once now (start-up: the first answers must not be empty); throws what failed.
    public func refreshNow() throws {
        let registry = try currentRegistry()
        let provisioned = try store.provisionedDevices().map { DeviceConfig(key: $0.key, kind: $0.kind, provisioned: true) }
        let snapshots = try changedDevices()
        let open = try store.openAlarms().compactMap(AlarmRecord.decode)
        views.replace(registry: registry, snapshots: snapshots, provisioned: provisioned, openAlarms: open)
        rounds.add(1, ordering: .relaxed)
    }

    /// Every device as the database now has it, from the rows changed since the last read (all of
    /// them on the first read and every `completeEvery`). The thread that refreshes is the only
    /// caller, so the state is taken out around the query, not locked across it (taken, not copied:
    /// a copy of 12,000 snapshots each second; a failed read leaves none, so the next is complete).
    private func changedDevices() throws -> [DeviceSnapshot] {
        var known = devices.withLock { held in
            defer { held = KnownDevices(lastRead: held.lastRead) }
            return held
        }
        let complete = known.mark == nil || known.completeAt.map { $0.duration(to: .now) >= completeEvery } ?? true
        let changes = try store.deviceSnapshots(changedSince: complete ? nil : known.mark)
        if changes.complete {
            known.snapshots = Dictionary(changes.snapshots.map { ($0.key, $0) }, uniquingKeysWith: { $1 })
            known.completeAt = .now
        } else {
            for snapshot in changes.snapshots { known.snapshots[snapshot.key] = snapshot }
        }
        known.mark = changes.mark
        known.lastRead = changes.snapshots.count
        devices.withLock { $0 = known }
        return Array(known.snapshots.values)
    }

    /// How many device rows the last refresh read (for tests and the benchmark).
    var deviceRowsLastRead: Int { devices.withLock { $0.lastRead } }

    /// The database's failure and for how long, while refreshes fail (nil when the last succeeded).
    public var failure: (error: String, seconds: Double)? {
        failing.withLock { f in f.map { ($0.error, $0.since.duration(to: .now).inSeconds) } }
    }

    /// Refreshes done so far.
    public var refreshes: Int { rounds.load(ordering: .relaxed) }

    /// The registry, reloaded when the file changed (`RegistryFileCache`); the file is read
    /// outside the lock, by the one thread that refreshes.
    private func currentRegistry() throws -> Registry {
        var file = registryFile.withLock { $0 }
        defer { registryFile.withLock { [file] in $0 = file } }
        return try file.current(logger: logger)
    }

    public func run() async throws {
        let stop = StopSignal()
        NamedThread.start("bk-web-refresh") { [self] in
            while !stop.isSet {
                do {
                    try refreshNow()
                    if failing.withLock({ $0 }) != nil { logger.notice("replica refresh works again") }
                    failing.withLock { $0 = nil }
                } catch {
                    let first = failing.withLock { f -> Bool in
                        defer { if f == nil { f = ("\(error)", .now) } else { f!.error = "\(error)" } }
                        return f == nil
                    }
                    if first { logger.error("cannot refresh the replica from the database", metadata: ["error": "\(error)"]) }
                }
                stop.wait(every)
            }
        }
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled { try? await Task.sleep(for: .seconds(3600)) }
        }
        stop.set()
    }
}
