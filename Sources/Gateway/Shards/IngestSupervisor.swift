import Foundation
import KitchenModel
import Logging
import MQTTClient
import PostgresStorage
import ServiceLifecycle
import Synchronization

/// `serve --role ingest` (docs/scale-out.md, "Shards and leases"): takes shards through leases in
/// PostgreSQL and runs one `GatewayRuntime` per shard it holds, each with the shard's persistent MQTT
/// session and a store fenced by the lease's epoch. Renewals run on their own loop, so starting a
/// shard (restoring its state) never delays another shard's renewal. Each instance takes at most its
/// fair share (shards / live instances, rounded up) and gives one shard back per round while it holds
/// more, so a newcomer gets work. A lease renewal refused, or not confirmed in time, stops the shard
/// at once (its MQTT connection cut first); a clean stop releases every lease. Shards whose owner
/// stopped renewing are taken at once by whoever sees them first, beyond its share if need be (the
/// dead owner still counts as live until its own membership expires); balance follows later.
public final class IngestSupervisor: Service, Sendable {
    public struct Options: Sendable {
        public var lease: Duration = .seconds(10)
        public var renewEvery: Duration = .seconds(3)
        /// How often free shards are looked for: takeover comes at most this long after expiry.
        public var acquireEvery: Duration = .seconds(1)
        /// The lease is trusted until the start of its last successful renewal plus `lease - margin`.
        public var margin: Duration = .seconds(2)
        /// An instance counts towards the fair share while it beat within this (it beats every round).
        public var memberFreshness: Duration = .seconds(3)
        /// A shard whose MQTT session has been down this long is given up: this instance is cut off
        /// from the broker, another may not be.
        public var brokerGrace: Duration = .seconds(5)

        public init() {}
    }

    /// One held shard, as the supervisor and the renewal loop see it.
    struct Held: Sendable {
        let runtime: GatewayRuntime
        let fence: ShardFence
        let group: ServiceGroup
        let task: Task<Void, Never>
    }

    let base: GatewayConfiguration
    let leases: ShardLeases
    let options: Options
    let logger: Logger
    let held = Mutex<[String: Held]>([:])
    /// Fences of shards acquired whose runtime is still being built (store opened, state restored):
    /// renewed like held ones, or a start slower than `lease - margin` (seconds under load) would
    /// lose the lease before the shard ever ran, again and again (found by scripts/chaos --cluster).
    let starting = Mutex<[String: ShardFence]>([:])

    public init(configuration: GatewayConfiguration, leases: ShardLeases, options: Options = Options(), logger: Logger) {
        self.base = configuration
        self.leases = leases
        self.options = options
        self.logger = logger
    }

    /// Opens the lease pool on `configuration.database` (PostgreSQL only), applying migrations first.
    public static func open(configuration: GatewayConfiguration, options: Options = Options(),
                            logger: Logger) throws -> IngestSupervisor {
        let opened = try StoreOpener.open(configuration.database, passwordFile: configuration.databasePasswordFile,
                                          logger: logger)
        guard let store = opened.store as? PostgresStore else {
            throw StoreOpener.Failure(description: "--role ingest needs a postgres:// --database: shards are leased in PostgreSQL")
        }
        let leases = ShardLeases(database: store.database, owner: ShardLeases.makeOwner(), duration: options.lease)
        return IngestSupervisor(configuration: configuration, leases: leases, options: options, logger: logger)
    }

    public var owner: String { leases.owner }

    /// The shards held now, by name.
    public var shards: [String] { held.withLock { Array($0.keys) }.sorted() }

    public func run() async throws {
        logger.notice("ingest instance starting", metadata: ["owner": "\(leases.owner)"])
        // Its own thread: starting a shard blocks on the database, and renewals must never wait for it.
        let renewals = StopSignal()
        NamedThread.start("bk-shard-leases") { [self] in renewLoop(until: renewals) }
        let stopAlarmRequests = startAlarmRequests()
        await cancelWhenGracefulShutdown {
            var state = RoundState(registry: RegistryFileCache(path: self.base.registryPath), probe: self.makeProbe())
            defer { state.probe?.stop() }
            while !Task.isCancelled {
                await self.round(&state)
                try? await Task.sleep(for: self.options.acquireEvery)
            }
        }
        stopAlarmRequests()
        for name in shards { await stop(name, release: true) }
        renewals.set()
        do { try leases.leave() } catch { logger.warning("cannot leave the ingest membership", metadata: ["error": "\(error)"]) }
        logger.notice("ingest instance stopped", metadata: ["owner": "\(leases.owner)"])
    }

    /// Renews every held lease every `renewEvery`; a refusal, or a failure past the trusted time,
    /// marks the fence lost (which cuts the shard's MQTT connection); `round` then stops the shard.
    private func renewLoop(until stop: StopSignal) {
        // Shards still starting are renewed too: a slow restore must not let the lease lapse under it.
        LeaseRenewals(leases: leases, lease: options.lease, renewEvery: options.renewEvery, margin: options.margin,
                      label: "shard", logger: logger)
            .run(fences: {
                let fences = held.withLock { $0.map { (name: $0.key, fence: $0.value.fence) } }
                return fences + starting.withLock { $0.filter { s in !fences.contains { $0.name == s.key } } }
                    .map { (name: $0.key, fence: $0.value) }
            }, until: stop)
    }

    /// One round: stop shards found lost, heartbeat, then give one shard back or take free ones.
    /// What one round leaves the next.
    struct RoundState {
        /// Parsed again only when the file changed (parsing it every second was 2.5 % of an
        /// instance's CPU with the chaos fleet's 306 devices, and grows with a province's registry).
        var registry: RegistryFileCache
        /// Since when each held shard's MQTT session has been down, as rounds saw it.
        var down: [String: ContinuousClock.Instant] = [:]
        /// A plain session of this instance's own: whether it reaches the broker even while it
        /// holds no shard (nil if the broker URL could not be used, as the shards' then fail too).
        var probe: MQTTClient?
    }

    /// Connects a clean session `brightkitchen-ingest-<pid>-<n>` to the shards' broker.
    private func makeProbe() -> MQTTClient? {
        guard let url = base.brokerURL else { return nil }
        do {
            let configuration = try MQTTConfiguration.parse(
                url: url, clientID: "brightkitchen-ingest-\(getpid())-\(UInt32.random(in: 0 ... .max))")
            let probe = try MQTTClient(configuration: configuration, logger: logger)
            try probe.start()
            return probe
        } catch {
            logger.error("cannot start the broker probe", metadata: ["error": "\(error)"])
            return nil
        }
    }

    private func round(_ state: inout RoundState) async {
        let current = held.withLock { $0.map { (name: $0.key, fence: $0.value.fence) } }
        for (name, fence) in current where fence.isLost || !fence.isTrusted {
            fence.markLost()
            await stop(name, release: false)
        }
        await giveUpUnreachable(&state)
        // Cut off from the broker: take nothing, and count for no share, until it is back.
        if let probe = state.probe, !probe.isConnected {
            try? leases.leave()
            return
        }
        guard let registry = state.registry.current(logger: logger) else { return }
        let all = ShardMap.shards(of: registry).keys.sorted()
        for name in shards where !all.contains(name) { await stop(name, release: true) }
        let live: Int
        let free: [String]
        let orphaned: Set<String>
        do {
            let reachesBroker = held.withLock { $0.values.allSatisfy { $0.runtime.client.isConnected } }
            live = try leases.heartbeat(freshWithin: options.memberFreshness, reachesBroker: reachesBroker)
            free = try leases.available(among: all)
            orphaned = try leases.orphaned(among: free)
        } catch {
            logger.warning("cannot reach the shard leases", metadata: ["error": "\(error)"])
            return
        }
        let share = (all.count + live - 1) / live
        let mine = shards
        if mine.count > share, orphaned.isEmpty, let extra = mine.last {
            logger.notice("giving a shard back to balance", metadata: ["shard": "\(extra)", "share": "\(share)"])
            await stop(extra, release: true)
            return
        }
        // A dead instance's shards are taken at once; released or new ones up to the fair share.
        for name in free where (shards.count < share || orphaned.contains(name)) && !shards.contains(name) {
            await take(name, firstShard: name == all.first)
        }
    }

    /// Gives up the shards whose MQTT session has been down past `brokerGrace`, if another live
    /// instance says it reaches the broker (released, so it takes them at once). When nobody
    /// reaches the broker (it is down), shards stay where they are.
    private func giveUpUnreachable(_ state: inout RoundState) async {
        let now = ContinuousClock.now
        let clients = held.withLock { $0.map { (name: $0.key, connected: $0.value.runtime.client.isConnected) } }
        state.down = state.down.filter { entry in clients.contains { $0.name == entry.key } }
        for (name, connected) in clients {
            if connected {
                state.down[name] = nil
                continue
            }
            let since = state.down[name] ?? now
            state.down[name] = since
            guard since.duration(to: now) > options.brokerGrace,
                  (try? leases.othersReachingBroker(freshWithin: options.memberFreshness)) ?? 0 > 0 else { continue }
            logger.error("the shard's broker session is down; giving the shard up", metadata: [
                "shard": "\(name)", "down_s": "\(since.duration(to: now).inSeconds)",
            ])
            state.down[name] = nil
            await stop(name, release: true)
        }
    }

    private func take(_ name: String, firstShard: Bool) async {
        let start = ContinuousClock.now
        guard let fence = leases.takeFence(name, lease: options.lease, margin: options.margin, label: "shard",
                                           key: "shard", logger: logger) else { return }
        starting.withLock { $0[name] = fence }
        defer { starting.withLock { _ = $0.removeValue(forKey: name) } }
        var configuration = base
        configuration.gatewayID = "shard-\(name)"
        configuration.shard = ShardScope(name: name, fence: fence, runsSharedDuties: firstShard)
        var shardLogger = logger
        shardLogger[metadataKey: "shard"] = "\(name)"
        do {
            let runtime = try GatewayRuntime(configuration: configuration, logger: shardLogger)
            let group = ServiceGroup(configuration: .init(services: runtime.services().map { .init(service: $0) },
                                                          gracefulShutdownSignals: [], logger: shardLogger))
            let task = Task { [self] in
                do { try await group.run() } catch {
                    shardLogger.error("shard runtime ended", metadata: ["error": "\(error)"])
                }
                // Ended on its own (a stage failed), not by `stop`: give the shard up without
                // writing more, and let the next round stop it (its lease then expires for another).
                if self.held.withLock({ $0[name]?.fence === fence }) { fence.markLost() }
            }
            held.withLock { $0[name] = Held(runtime: runtime, fence: fence, group: group, task: task) }
            let started = await runtime.waitUntilStarted()
            let ms = Int(start.duration(to: .now) / .milliseconds(1))
            shardLogger.notice("shard taken", metadata: [
                "epoch": "\(fence.epoch)", "started": "\(started)", "start_ms": "\(ms)",
                "sites": "\(runtime.model.registry.sites.count)", "client_id": "\(configuration.mqttClientID)",
            ])
            if !started { fence.markLost() } else { reportSubscriptions(of: name, runtime: runtime, fence: fence, since: start, logger: shardLogger) }
        } catch {
            shardLogger.error("cannot start the shard; giving its lease back", metadata: ["error": "\(error)"])
            try? leases.release(name, epoch: fence.epoch)
        }
    }

    /// Logs once the broker has granted every site filter of the shard's session, and every 30 s
    /// until then: a clustered broker can take minutes over a new session's hundreds of filters
    /// (NATS creates a replicated consumer for each), and until a site's is granted its devices'
    /// messages are kept for no one.
    private func reportSubscriptions(of name: String, runtime: GatewayRuntime, fence: ShardFence,
                                     since start: ContinuousClock.Instant, logger: Logger) {
        let client = runtime.client
        Task.detached { [self] in
            var lastReport = ContinuousClock.now
            while !fence.isLost && held.withLock({ $0[name]?.fence === fence }) {
                let (granted, wanted) = client.subscriptionsGranted
                let ms = "\(Int(start.duration(to: .now) / .milliseconds(1)))"
                if wanted > 0 && granted == wanted {
                    logger.notice("shard subscribed", metadata: ["filters": "\(wanted)", "since_taken_ms": "\(ms)"])
                    return
                }
                if lastReport.duration(to: .now) >= .seconds(30) {
                    lastReport = .now
                    logger.notice("shard subscriptions still being granted", metadata: [
                        "granted": "\(granted)", "wanted": "\(wanted)", "since_taken_ms": "\(ms)",
                    ])
                }
                try? await Task.sleep(for: .milliseconds(500))
            }
        }
    }

    /// Stops a shard's runtime (its MQTT session left to the broker, its writer drained while the
    /// lease holds) and, on a clean stop, releases the lease so another instance need not wait.
    private func stop(_ name: String, release: Bool) async {
        guard let entry = held.withLock({ $0.removeValue(forKey: name) }) else { return }
        await entry.group.triggerGracefulShutdown()
        await entry.task.value
        if release && !entry.fence.isLost {
            do { try leases.release(name, epoch: entry.fence.epoch) } catch {
                logger.warning("cannot release shard lease", metadata: ["shard": "\(name)", "error": "\(error)"])
            }
        }
        try? entry.runtime.store.closeCleanly()
        logger.notice("shard stopped", metadata: [
            "shard": "\(name)", "epoch": "\(entry.fence.epoch)", "lease_lost": "\(entry.fence.isLost)",
        ])
    }
}

/// Ends the renewal thread's loop, waking it from its wait.
final class StopSignal: Sendable {
    private let flag = Atomic<Bool>(false)
    private let semaphore = DispatchSemaphore(value: 0)

    var isSet: Bool { flag.load(ordering: .acquiring) }

    func set() {
        flag.store(true, ordering: .releasing)
        semaphore.signal()
    }

    func wait(_ duration: Duration) {
        _ = semaphore.wait(timeout: .now() + .milliseconds(Int(duration / .milliseconds(1))))
    }
}
