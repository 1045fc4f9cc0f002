import Foundation
import KitchenModel
import KitchenRules
import Logging
import ServiceLifecycle
import StorageModel
import Synchronization

/// Keeps a web replica's `ReplicaViews` current: every `every` it reads the device and alarm rows
/// changed since its last read and the provisioned devices from the database (what an ingest
/// instance restores at takeover) and, when anything changed, swaps in views built from them,
/// reloading the registry file when it changed. A poll, not LISTEN/NOTIFY: device rows change
/// with nearly every reading, so notifications would be one per reading across the province,
/// while one read per second per replica is bounded whatever the load (docs/scale-out.md, "Web
/// replicas"). Every `completeEvery` it reads every row again, which also drops rows deleted
/// meanwhile. Runs on its own thread: the reads block.
public final class ReplicaRefresher: Service, Sendable {
    let store: any GatewayStore
    let views: ReplicaViews
    let every: Duration
    let logger: Logger
    private let failing = Mutex<(error: String, since: ContinuousClock.Instant)?>(nil)
    private let registryFile: Mutex<RegistryFileCache>
    private let rounds = Atomic<Int>(0)
    private let held = Mutex(Held())
    let completeEvery: Duration

    /// What the refreshes hold between them.
    struct Held: Sendable {
        var rows = ReplicaRows()
        /// What the views were last built from, beside the rows: a refresh that finds all of it
        /// unchanged leaves the views as they are.
        var registryGeneration = -1
        var provisioned: [DeviceConfig] = []
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
    /// The one thread that refreshes is the only caller, so what it holds is taken out around the
    /// reads, not locked across them (taken, not copied: 12,000 snapshots a second; a failed read
    /// leaves nothing, so the next one is complete).
    public func refreshNow() throws {
        let (registry, generation) = try currentRegistry()
        var state = held.withLock { held in
            defer { held = Held() }
            return held
        }
        let provisioned = try store.provisionedDevices().map { DeviceConfig(key: $0.key, kind: $0.kind, provisioned: true) }
        let complete = state.rows.needsComplete(every: completeEvery)
        let devices = try store.deviceSnapshots(changedSince: complete ? nil : state.rows.deviceMark)
        let alarms = try store.alarms(changedSince: complete ? nil : state.rows.alarmMark)
        var changed = state.rows.apply(devices: devices)
        changed = state.rows.apply(alarms: alarms) || changed
        changed = changed || generation != state.registryGeneration || provisioned != state.provisioned
        if complete { state.rows.completeAt = .now }
        state.registryGeneration = generation
        state.provisioned = provisioned
        if changed {
            views.replace(registry: registry, snapshots: Array(state.rows.devices.values), provisioned: provisioned,
                          openAlarms: Array(state.rows.alarms.values))
        } else {
            views.markRefreshed()
        }
        held.withLock { [state] in $0 = state }
        rounds.add(1, ordering: .relaxed)
    }

    /// The database's failure and for how long, while refreshes fail (nil when the last succeeded).
    public var failure: (error: String, seconds: Double)? {
        failing.withLock { f in f.map { ($0.error, $0.since.duration(to: .now).inSeconds) } }
    }

    /// Refreshes done so far.
    public var refreshes: Int { rounds.load(ordering: .relaxed) }

    /// The registry, reloaded when the file changed (`RegistryFileCache`); the file is read
    /// outside the lock, by the one thread that refreshes.
    private func currentRegistry() throws -> (Registry, generation: Int) {
        var file = registryFile.withLock { $0 }
        defer { registryFile.withLock { [file] in $0 = file } }
        let registry = try file.load(logger: logger)
        return (registry, file.generation)
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
