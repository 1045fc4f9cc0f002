import Foundation
import KitchenModel
import KitchenRules
import Logging
import ServiceLifecycle
import StorageModel
import Synchronization

/// Keeps a web replica's `ReplicaViews` current: every `every` it reads the device rows, the
/// provisioned devices and the open alarms from the database (what an ingest instance restores at
/// takeover) and swaps them in, reloading the registry file when it changed. A poll, not
/// LISTEN/NOTIFY: device rows change with nearly every reading, so notifications would be one per
/// reading across the province, while one read per second per replica is bounded whatever the
/// load (docs/scale-out.md, "Web replicas"). Runs on its own thread: the reads block.
public final class ReplicaRefresher: Service, Sendable {
    let store: any GatewayStore
    let views: ReplicaViews
    let registryPath: String
    let every: Duration
    let logger: Logger
    private let failing = Mutex<(error: String, since: ContinuousClock.Instant)?>(nil)
    private let registryState = Mutex<(modified: Date?, registry: Registry)?>(nil)
    private let rounds = Atomic<Int>(0)

    public init(store: any GatewayStore, views: ReplicaViews, registryPath: String, every: Duration = .seconds(1),
                logger: Logger) {
        self.store = store
        self.views = views
        self.registryPath = registryPath
        self.every = every
        self.logger = logger
    }

    /// Refreshes once now (start-up: the first answers must not be empty); throws what failed.
    public func refreshNow() throws {
        let registry = try currentRegistry()
        let provisioned = try store.provisionedDevices().map { DeviceConfig(key: $0.key, kind: $0.kind, provisioned: true) }
        let snapshots = try store.loadDeviceSnapshots()
        let open = try store.openAlarms().compactMap(AlarmRecord.decode)
        views.replace(registry: registry, snapshots: snapshots, provisioned: provisioned, openAlarms: open)
        rounds.add(1, ordering: .relaxed)
    }

    /// The database's failure and for how long, while refreshes fail (nil when the last succeeded).
    public var failure: (error: String, seconds: Double)? {
        failing.withLock { f in f.map { ($0.error, $0.since.duration(to: .now).inSeconds) } }
    }

    /// Refreshes done so far.
    public var refreshes: Int { rounds.load(ordering: .relaxed) }

    /// The registry, reloaded when the file's modification time changed; a file that fails to
    /// parse keeps the previous one (and says why), as `RegistryWatcher` does for a gateway.
    private func currentRegistry() throws -> Registry {
        let modified = (try? FileManager.default.attributesOfItem(atPath: registryPath))?[.modificationDate] as? Date
        if let known = registryState.withLock({ $0 }), known.modified == modified { return known.registry }
        do {
            let registry = try RegistryFile.load(path: registryPath)
            registryState.withLock { $0 = (modified, registry) }
            return registry
        } catch {
            guard let known = registryState.withLock({ $0 }) else { throw error }
            logger.error("cannot reload the registry; keeping the last one", metadata: ["error": "\(error)"])
            registryState.withLock { $0 = (modified, known.registry) }
            return known.registry
        }
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
