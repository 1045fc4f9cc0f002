import Foundation
import KitchenModel
import Logging
import MQTTClient
import PostgresStorage
import Prometheus
import ServiceLifecycle
import StorageModel

/// `serve --role vision` (docs/scale-out.md, "Vision workers"): camera analysis on machines of its
/// own. Cameras are hashed into a fixed number of groups; workers lease groups in PostgreSQL
/// (`vision_leases`, the same `ShardLeases` and `ShardFence` as ingest shards) and each takes its
/// fair share. For every group it holds, a worker keeps the group's persistent MQTT session
/// (`brightkitchen-vision-<g>-of-<n>`) subscribed at QoS 0 to its cameras' `frame` and
/// `telemetry` topics only, polls the snapshots of its cameras, analyses both, and publishes what
/// it finds to the camera's shard owner (`VisionResultIntake`) at QoS 1 on that session. A lease
/// lost cuts the session at once; a killed worker's groups are taken by the others once their
/// leases expire, and the new holder analyses the frames that arrive from then on (a frame is
/// QoS 0 and never queued; the results the old holder published are the broker's to deliver).
public final class VisionSupervisor: Service, Sendable {
    public struct Options: Sendable {
        public var lease: Duration = .seconds(10)
        public var renewEvery: Duration = .seconds(3)
        public var acquireEvery: Duration = .seconds(1)
        public var margin: Duration = .seconds(2)
        public var memberFreshness: Duration = .seconds(3)
        /// Camera groups; the same on every worker. Default 16.
        public var groups = 16

        public init() {}
    }

    let base: GatewayConfiguration
    let leases: ShardLeases
    let options: Options
    let logger: Logger
    let groups: VisionGroups
    let model: StateModel
    let camera: CameraService
    let poller: SnapshotPoller
    let cameraHTTP: CameraHTTPClient
    let writer: BatchWriter
    let store: any GatewayStore
    let registry: PrometheusCollectorRegistry

    init(configuration: GatewayConfiguration, store: any GatewayStore, leases: ShardLeases, options: Options,
         logger: Logger) throws {
        base = configuration
        self.store = store
        self.leases = leases
        self.options = options
        self.logger = logger
        let registry = PrometheusCollectorRegistry()
        self.registry = registry
        let groups = VisionGroups(count: options.groups, logger: logger)
        self.groups = groups
        let clock = SystemClock()
        let model = StateModel(registry: Registry(), restoring: [], startedAt: clock.now())
        self.model = model
        // Rejected JPEGs go to the dead-letter table like the gateway's; nothing else is written here.
        let writer = BatchWriter(store: store, options: configuration.writer, logger: logger) { _ in }
        self.writer = writer
        let camera = CameraService(config: configuration.camera, model: model, remote: groups, store: store, writer: writer,
                                   registry: registry, clock: clock, logger: logger)
        self.camera = camera
        let cameraHTTP = CameraHTTPClient()
        self.cameraHTTP = cameraHTTP
        poller = SnapshotPoller(camera: camera, model: model, client: cameraHTTP, registry: registry, clock: clock,
                                logger: logger) { key, jpeg, now in
            camera.observe(DeviceMessage(key: key, receivedAt: now, payload: .frame(jpeg: jpeg)))
        }
    }

    /// Opens the lease pool on `configuration.database` (PostgreSQL only), applying migrations first.
    public static func open(configuration: GatewayConfiguration, options: Options = Options(),
                            logger: Logger) throws -> VisionSupervisor {
        let opened = try StoreOpener.open(configuration.database, passwordFile: configuration.databasePasswordFile,
                                          logger: logger)
        guard let store = opened.store as? PostgresStore else {
            throw StoreOpener.Failure(description: "--role vision needs a postgres:// --database: camera groups are leased in PostgreSQL")
        }
        let leases = ShardLeases(database: store.database, owner: ShardLeases.makeOwner(), duration: options.lease,
                                 tables: .vision)
        return try VisionSupervisor(configuration: configuration, store: store, leases: leases, options: options,
                                    logger: logger)
    }

    public var owner: String { leases.owner }

    /// The groups held now.
    public var held: [Int] { groups.held.withLock { Array($0.keys) }.sorted() }

    public func run() async throws {
        logger.notice("vision worker starting", metadata: ["owner": "\(leases.owner)", "groups": "\(groups.count)"])
        writer.start()
        camera.start()
        let renewals = StopSignal()
        NamedThread.start("bk-vision-lease") { [self] in
            LeaseRenewals(leases: leases, lease: options.lease, renewEvery: options.renewEvery, margin: options.margin,
                          label: "camera group", logger: logger)
                .run(fences: { groups.held.withLock { $0.values.map { (name: groups.name(of: $0.group), fence: $0.fence) } } },
                     until: renewals)
        }
        let polling = Task { await poller.run() }
        await cancelWhenGracefulShutdown {
            var state = RoundState(registry: RegistryFileCache(path: self.base.registryPath))
            while !Task.isCancelled {
                await self.round(&state)
                self.camera.tick(now: SystemClock().now())
                try? await Task.sleep(for: self.options.acquireEvery)
            }
        }
        polling.cancel()
        await polling.value
        await cameraHTTP.shutdown()
        // The analysis finishes what is queued while the sessions can still carry its results.
        camera.stop()
        for group in held { stop(group, release: true) }
        renewals.set()
        writer.stop()
        try? leases.leave()
        try? store.closeCleanly()
        logger.notice("vision worker stopped", metadata: ["owner": "\(leases.owner)"])
    }

    /// What one round leaves the next.
    struct RoundState {
        var registry: RegistryFileCache
        /// The registry generation and held groups (each with its lease epoch: a group lost and
        /// taken again has a new session to subscribe) the analysis was last scoped to. Scoping
        /// builds and validates a registry of the held cameras, work only a change calls for.
        var scopedTo: (generation: Int, groups: [Int: Int64])?
    }

    /// Stop lost groups, heartbeat, then give one group back or take free ones (as `IngestSupervisor`).
    private func round(_ state: inout RoundState) async {
        let current = groups.held.withLock { $0.values.map { ($0.group, $0.fence) } }
        for (group, fence) in current where fence.isLost || !fence.isTrusted {
            fence.markLost()
            stop(group, release: false)
        }
        guard let registry = state.registry.current(logger: logger) else { return }
        let all = (0..<groups.count).map(groups.name(of:))
        let live: Int
        let free: [String]
        let orphaned: Set<String>
        do {
            live = try leases.heartbeat(freshWithin: options.memberFreshness)
            free = try leases.available(among: all)
            orphaned = try leases.orphaned(among: free)
        } catch {
            logger.warning("cannot reach the vision leases", metadata: ["error": "\(error)"])
            return
        }
        let share = (all.count + live - 1) / live
        let mine = held
        if mine.count > share, orphaned.isEmpty, let extra = mine.last {
            logger.notice("giving a camera group back to balance", metadata: ["group": "\(groups.name(of: extra))"])
            stop(extra, release: true)
        } else {
            for (group, name) in all.enumerated() where free.contains(name) && !held.contains(group)
                && (held.count < share || orphaned.contains(name)) {
                take(group)
            }
        }
        let scope = (generation: state.registry.generation,
                     groups: groups.held.withLock { $0.mapValues(\.fence.epoch) })
        if state.scopedTo.map({ $0.generation != scope.generation || $0.groups != scope.groups }) ?? true {
            self.scope(to: registry)
            state.scopedTo = scope
        }
    }

    /// The cameras of the held groups become the analysis' registry (with their sites, for opening
    /// hours), and each group's session listens to its own cameras' topics only.
    private func scope(to registry: Registry) {
        let held = groups.held.withLock { $0 }
        let cameras = registry.devices.values.filter { $0.kind == .camera && held[groups.group(of: $0.key)] != nil }
        let sites = Set(cameras.map(\.key.site))
        do {
            let scoped = try Registry(sites: registry.sites.values.filter { sites.contains($0.id) }, devices: Array(cameras))
            model.replaceRegistry(scoped)
        } catch {
            logger.error("cannot scope the registry to the held camera groups", metadata: ["error": "\(error)"])
        }
        for entry in held.values {
            entry.topics.update(to: cameras.filter { groups.group(of: $0.key) == entry.group }.flatMap { camera in
                ["\(Topic.prefix)\(camera.key.site)/\(camera.key.device)/frame",
                 "\(Topic.prefix)\(camera.key.site)/\(camera.key.device)/telemetry"]
            })
        }
    }

    private func take(_ group: Int) {
        let name = groups.name(of: group)
        guard let fence = leases.takeFence(name, lease: options.lease, margin: options.margin, label: "camera group",
                                           key: "group", logger: logger) else { return }
        do {
            guard let url = base.brokerURL else { throw StoreOpener.Failure(description: "no --broker") }
            var configuration = try MQTTConfiguration.parse(url: url, clientID: VisionGroups.clientID(of: name))
            configuration.cleanSession = false
            let client = try MQTTClient(configuration: configuration, logger: logger)
            let logger = logger
            fence.onLost {
                logger.error("camera group lease lost: MQTT session abandoned to the next holder", metadata: [
                    "group": "\(name)", "epoch": "\(fence.epoch)",
                ])
                client.abandonConnection()
            }
            let camera = camera
            let model = model
            let groups = groups
            client.onMessage { message in
                // A holder whose lease may have passed acts on nothing more.
                guard fence.isTrusted else { return fence.markLost() }
                guard case let .device(key, channel)? = try? Topic.parse(message.topic), groups.group(of: key) == group,
                      model.registry.device(key)?.kind == .camera else { return }
                let now = SystemClock().now()
                switch channel {
                case .frame: camera.observe(DeviceMessage(key: key, receivedAt: now, payload: .frame(jpeg: message.payload)))
                case .telemetry: camera.noteAlive(key, at: now)
                default: break
                }
            }
            // QoS 0: frames are QoS 0 by protocol and a stale one is worth nothing to the next
            // holder, telemetry only says a camera is alive. A QoS 1 subscription would make a
            // clustered broker keep a replicated consumer per camera and topic (NATS: a JetStream
            // consumer each, created at about 2 a second), 102,000 of them for a province's cameras.
            let topics = ThirdPartySubscriptions(client: client, logger: logger, label: "camera group topics", qos: 0)
            groups.held.withLock { $0[group] = VisionGroups.Held(group: group, client: client, fence: fence, topics: topics) }
            try client.start()
            logger.notice("camera group taken", metadata: [
                "group": "\(name)", "epoch": "\(fence.epoch)", "client_id": "\(configuration.clientID)",
            ])
        } catch {
            logger.error("cannot start the camera group; giving its lease back", metadata: ["group": "\(name)", "error": "\(error)"])
            _ = groups.held.withLock { $0.removeValue(forKey: group) }
            try? leases.release(name, epoch: fence.epoch)
        }
    }

    /// Ends a group's session (left to the broker for the next holder) and, on a clean stop,
    /// releases its lease so another worker need not wait for it to expire.
    private func stop(_ group: Int, release: Bool) {
        guard let entry = groups.held.withLock({ $0.removeValue(forKey: group) }) else { return }
        entry.client.stop()
        let name = groups.name(of: group)
        if release && !entry.fence.isLost {
            do { try leases.release(name, epoch: entry.fence.epoch) } catch {
                logger.warning("cannot release camera group lease", metadata: ["group": "\(name)", "error": "\(error)"])
            }
        }
        logger.notice("camera group stopped", metadata: [
            "group": "\(name)", "epoch": "\(entry.fence.epoch)", "lease_lost": "\(entry.fence.isLost)",
        ])
    }
}
