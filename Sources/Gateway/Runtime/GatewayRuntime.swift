import CMallocShim
import DeviceIngest
import Foundation
import KitchenModel
import Ledgers
import Logging
import MQTTClient
import Reports
import ServiceLifecycle
import Storage
import StorageModel
import Synchronization

/// The composed gateway: store, state model, batch writer, ingest pipeline, MQTT client
/// and (by default) a private broker, plus the services that run them.
///
/// `init` only wires: it opens the database and restores state, but spawns no process and starts
/// no thread. Everything that runs is a stage in `services()`, started by the service group in
/// order and stopped in reverse (GatewayRuntime+Services.swift, docs/architecture.md).
public final class GatewayRuntime: Sendable {
    public let configuration: GatewayConfiguration
    public let clock: any WallClock
    public let store: any GatewayStore
    public let model: StateModel
    public let metrics: GatewayMetrics
    public let writer: BatchWriter
    public let pipeline: IngestPipeline
    public let client: MQTTClient
    /// The private mosquitto, when no external broker was configured.
    public let broker: MosquittoBroker?
    /// The broker address devices should use.
    public let brokerURL: String
    public let alarms: AlarmEngine
    /// Folds SQLite's WAL from its own thread, so ingest commits never wait for a checkpoint; nil for PostgreSQL.
    let checkpointer: Checkpointer?
    /// Frames and snapshots: video-quality faults, night motion, evidence.
    public let camera: CameraService
    /// Cameras the gateway calls itself: snapshot polling and ISAPI voice warnings (issue 18).
    public let cameraHTTP: CameraHTTPClient
    public let snapshotPoller: SnapshotPoller
    /// Results of `serve --role vision` workers, with `--vision external` only.
    let visionResults: VisionResultIntake?
    public let voice: VoiceWarningService
    public let traceability: TraceabilityService
    public let tickets: TicketDesk
    /// The kitchen ledgers' chain (docs/ledgers.md), its heads signed with the ticket keyring.
    public let ledgers: LedgerBook
    let webhooks: WebhookDelivery
    let watcher: RegistryWatcher
    /// Tasmota, zigbee2mqtt, Shelly and Frigate topics the registry's `source:` bindings need.
    let thirdPartyTopics: ThirdPartySubscriptions
    /// Times small messages through the broker once at start (BrokerDelayCheck.swift).
    let delayProbe: BrokerDelayProbe
    let logger: Logger
    /// Every stage's start and stop, in order.
    public let lifecycle: LifecycleJournal
    /// The stages, built once in `init`; `services()` hands them to the group.
    let stages: [GatewayStage]
    /// Maintenance ticks run so far (the 1 s service).
    let ticks: TickCounter

    public struct StartError: Error, CustomStringConvertible {
        public let description: String
    }

    public init(configuration: GatewayConfiguration, clock: any WallClock = SystemClock(), logger: Logger) throws {
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
        let startedAt = clock.now()

        // The keyring's place is known before the store is opened: a PostgreSQL start without
        // --ticket-keys refuses before it connects.
        guard let keysPath = configuration.resolvedTicketKeysPath else {
            throw StartError(description: """
                the database \((try? StoreLocation(configuration.database))?.description ?? configuration.database) \
                is not a file, so no keyring sits beside it: pass --ticket-keys FILE (BK_TICKET_KEYS), the \
                keyring this database's tickets were signed with
                """)
        }
        let shard = configuration.shard
        let opened = try StoreOpener.open(configuration.database, passwordFile: configuration.databasePasswordFile,
                                          automaticCheckpoints: false, now: startedAt, logger: logger,
                                          fence: shard?.fence)
        store = opened.store
        // Before anything else writes: a keyring that does not match the store refuses the start.
        let keyring = try TicketKeyCheck.open(path: keysPath, store: store, now: startedAt)
        checkpointer = opened.sqlitePath.map { Checkpointer(path: $0, logger: logger) }
        let fileRegistry = try Self.scoped(RegistryFile.load(path: configuration.registryPath), to: shard)
        let shardSites = shard.map { _ in Set(fileRegistry.sites.keys) }
        let ledgerClock = clock
        ledgers = LedgerBook(store: store, keyring: keyring, clock: { ledgerClock.now() })
        try Self.syncStaff(registryPath: configuration.registryPath, sites: shardSites, ledgers: ledgers, logger: logger)
        try Self.syncMealPlans(registryPath: configuration.registryPath, sites: shardSites, ledgers: ledgers, logger: logger)
        let provisioned = try store.provisionedDevices().filter { shardSites?.contains($0.key.site) ?? true }.map {
            DeviceConfig(key: $0.key, kind: $0.kind, provisioned: true)
        }
        let snapshots = try store.loadDeviceSnapshots().filter { shardSites?.contains($0.key.site) ?? true }
        #if os(Linux)
        // Parsing a province-sized registry leaves tens of MB of freed heap; hand it back.
        _ = releaseFreedHeap(0)
        #endif
        var modelOptions = configuration.model
        modelOptions.provisioning = configuration.provisioning
        model = StateModel(registry: fileRegistry, restoring: snapshots, provisioned: provisioned,
                           startedAt: startedAt, options: modelOptions)
        logger.info("state restored", metadata: [
            "sites": "\(fileRegistry.sites.count)", "devices": "\(fileRegistry.devices.count)",
            "stored_devices": "\(snapshots.count)",
        ])

        let metrics = GatewayMetrics()
        self.metrics = metrics
        writer = BatchWriter(store: store, options: configuration.writer, logger: logger) { stats in
            metrics.commitSeconds.record(stats.seconds)
            LatencyProbe.record("commit-any", stats.seconds * 1000)
            metrics.readingsCommitted(stats.readingsInserted)
        }
        pipeline = IngestPipeline(
            model: model, decoder: NativeDecoder(limits: configuration.limits,
                                                 acceptUnknownBirth: configuration.provisioning),
            writer: writer, store: store, metrics: metrics, clock: clock, logger: logger)

        var mqtt: MQTTConfiguration
        if let url = configuration.brokerURL {
            broker = nil
            mqtt = try MQTTConfiguration.parse(url: url, clientID: configuration.mqttClientID)
            brokerURL = url
        } else {
            let access = configuration.secureBroker ? BrokerAccessFiles(dataDirectory: configuration.dataDirectory) : nil
            // The broker names sessions by account, so the gateway's account is its client id.
            let gatewayPassword = try access?.gatewayPassword(username: configuration.mqttClientID)
            _ = try access?.observerPassword()  // for people watching with mosquitto_sub
            let broker = try Self.configureEmbeddedBroker(configuration, access: access, store: store, logger: logger)
            self.broker = broker
            mqtt = MQTTConfiguration(host: "127.0.0.1", port: broker.port, clientID: configuration.mqttClientID)
            if let gatewayPassword {
                mqtt.username = configuration.mqttClientID
                mqtt.password = gatewayPassword
            }
            brokerURL = broker.url
        }
        mqtt.cleanSession = false
        mqtt.will = MQTTWill(topic: configuration.gatewayStateTopic, payload: Array(#"{"online":false}"#.utf8),
                             qos: 1, retain: true)
        client = try MQTTClient(configuration: mqtt, logger: logger)
        // Outside bk/v1/# so the gateway's own subscription never overlaps it.
        delayProbe = BrokerDelayProbe(topic: Topic.delayProbe(clientID: configuration.mqttClientID))
        let client = client
        webhooks = WebhookDelivery(store: store, webhooks: configuration.webhooks, clock: clock, logger: logger)
        alarms = try AlarmEngine(config: configuration.rules, store: store, model: model, clock: clock, logger: logger,
                                 webhookTargets: webhooks.targets, metrics: metrics,
                                 restoringSites: shardSites) { topic, payload in
            do {
                _ = try client.publish(topic: topic, payload: payload, qos: 1, retain: false)
            } catch {
                logger.error("cannot publish alarm", metadata: ["topic": "\(topic)", "error": "\(error)"])
            }
        }

        camera = CameraService(config: configuration.camera, model: model, alarms: alarms, store: store, writer: writer,
                               registry: metrics.registry, clock: clock, logger: logger,
                               framesAnalysedElsewhere: configuration.visionExternal)
        visionResults = configuration.visionExternal ? VisionResultIntake(
            alarms: alarms, model: model, store: store, camera: camera.metrics,
            maxEvidencePerAlarm: configuration.camera.maxEvidencePerAlarm, registry: metrics.registry, clock: clock,
            logger: logger) : nil

        cameraHTTP = CameraHTTPClient()
        snapshotPoller = SnapshotPoller(pipeline: pipeline, camera: camera, model: model, client: cameraHTTP, metrics: metrics,
                                        clock: clock, logger: logger)
        voice = VoiceWarningService(alarms: alarms, model: model, clips: VoiceClips(directory: configuration.voiceClipsDirectory),
                                    client: cameraHTTP, metrics: metrics, clock: clock, logger: logger) { topic, payload in
            _ = try client.publish(topic: topic, payload: payload, qos: 1, retain: false)
        }

        let batches = BatchCache(store: store, logger: logger)
        let issuer = TicketIssuer(keyring: keyring,
                                  publicURL: configuration.resolvedPublicURL)
        if let warning = issuer.qrSizeWarning { logger.warning("ticket QR codes will exceed version 3", metadata: ["why": "\(warning)"]) }
        traceability = TraceabilityService(store: store, batches: batches, issuer: issuer)
        tickets = TicketDesk(store: store, writer: writer, model: model, batches: batches, issuer: issuer,
                             metrics: metrics, logger: logger)

        let model = model
        let pipeline = pipeline
        let thirdPartyTopics = ThirdPartySubscriptions(client: client, logger: logger)
        self.thirdPartyTopics = thirdPartyTopics
        let siteTopics = shard.map { _ in ThirdPartySubscriptions(client: client, logger: logger, label: "shard site topics") }
        watcher = RegistryWatcher(path: configuration.registryPath, logger: logger) { path in
            let registry = try Self.scoped(RegistryFile.load(path: path), to: shard)
            model.replaceRegistry(registry)
            siteTopics?.update(to: ShardMap.topicFilters(of: registry.sites.keys))
            thirdPartyTopics.update(to: Self.thirdPartyFilters(pipeline.rebind(registry), registry: registry, shard: shard))
            return registry.devices.count
        }
        let lifecycle = LifecycleJournal(logger: logger)
        self.lifecycle = lifecycle
        let ticks = TickCounter()
        self.ticks = ticks
        stages = GatewayStage.chain(Self.stageDefinitions(StageParts(
            configuration: configuration, clock: clock, store: store, metrics: metrics, writer: writer, pipeline: pipeline,
            client: client, broker: broker, alarms: alarms, checkpointer: checkpointer, camera: camera, webhooks: webhooks,
            watcher: watcher, thirdPartyTopics: thirdPartyTopics, delayProbe: delayProbe, model: model, ticks: ticks,
            feedback: StoredFeedbackFacts(store), logger: logger, snapshots: snapshotPoller, cameraHTTP: cameraHTTP,
            siteTopics: siteTopics)), journal: lifecycle)
        wire()
        if let fence = shard?.fence { Self.fence(client, by: fence, logger: logger) }
    }

    private func wire() {
        let pipeline = pipeline
        let client = client
        let metrics = metrics
        let logger = logger
        let stateTopic = configuration.gatewayStateTopic
        let delayProbe = delayProbe
        let visionResults = visionResults
        let fence = configuration.shard?.fence
        client.onMessage { message in
            // A shard owner whose lease may have passed takes nothing more (`fence(_:by:)`).
            if let fence, !fence.isTrusted { return fence.markLost() }
            if delayProbe.receive(message) { return }
            if let visionResults, visionResults.handle(topic: message.topic, payload: message.payload) { return }
            pipeline.handle(topic: message.topic, payload: message.payload)
        }
        let alarms = alarms
        let camera = camera
        // The camera service comes second: a detection's alarm exists before its evidence looks for it.
        pipeline.onAccepted { message, topic in
            alarms.observe(message)
            camera.observe(message, topic: topic)
        }
        let checkers = CheckerLedger(book: ledgers, logger: logger)
        let clock = clock
        pipeline.onCheck { check in
            checkers.handle(check) { rejection, check in
                pipeline.reject(rejection, topic: check.topic, payload: Array(EventJSON.encode(.check(check.check)).utf8),
                                now: clock.now())
            }
        }
        let samplers = SamplerLedger(book: ledgers, logger: logger)
        pipeline.onSamplerEvent { event in
            samplers.handle(event) { rejection, event in
                pipeline.reject(rejection, topic: event.topic, payload: Array(EventJSON.encode(event.eventBody).utf8),
                                now: clock.now())
            }
        }
        let tickets = tickets
        pipeline.onWeigh { scale, request, at in tickets.handle(request, from: scale, at: at) }
        tickets.sendReplies { scale, reply in
            do {
                _ = try client.publish(topic: Topic.device(scale, .ticket).description, payload: reply, qos: 1,
                                       retain: false)
            } catch {
                logger.error("cannot publish ticket reply", metadata: ["scale": "\(scale)", "error": "\(error)"])
            }
        }
        client.onConnectionChange { connected in
            metrics.mqttConnected.set(Double(connected ? 1 : 0))
            guard connected else { return }
            do {
                _ = try client.publish(topic: stateTopic, payload: Array(#"{"online":true}"#.utf8), qos: 1, retain: true)
            } catch {
                logger.error("cannot publish gateway state", metadata: ["error": "\(error)"])
            }
        }
        pipeline.sendCommands { key, command in
            do {
                _ = try client.publish(topic: Topic.device(key, .cmd).description, payload: command.jsonBytes(),
                                       qos: 1, retain: false)
            } catch {
                logger.warning("cannot send device command", metadata: [
                    "device": "\(key)", "cmd": "\(command.name)", "error": "\(error)",
                ])
            }
        }
    }

    /// The private broker's options and port, decided without starting it (the broker stage does).
    private static func configureEmbeddedBroker(_ configuration: GatewayConfiguration, access: BrokerAccessFiles?,
                                                store: any GatewayStore, logger: Logger) throws -> MosquittoBroker
    {
        var options = MosquittoBroker.Options()
        let directory = (configuration.dataDirectory as NSString).appendingPathComponent("mosquitto")
        options.dataDirectory = directory
        options.tlsListener = configuration.brokerTLS.map {
            MosquittoBroker.TLSListener(host: $0.host, port: $0.port, certificateFile: $0.files.certificate,
                                        keyFile: $0.files.privateKey)
        }
        if configuration.brokerTLS != nil && !configuration.secureBroker {
            logger.warning("the broker's TLS listener admits anonymous clients on any topic: the network can publish as any device",
                           metadata: ["host": "\(configuration.brokerTLS!.host)"])
        }
        if let access {
            options.allowAnonymous = false
            options.passwordFile = access.passwordFile
            options.aclFile = access.aclFile
            // No account can take over another's connection, session or Will by its client id.
            options.bindClientIDToUsername = true
            let devices = try access.load().devices.count
            if devices == 0 {
                logger.warning("secure broker has no device accounts: no device can connect before `brightkitchen devices provision`",
                               metadata: ["directory": "\(access.directory)"])
            }
            logger.info("broker security on", metadata: ["device_accounts": "\(devices)"])
        }
        // Reuse the last port so devices (and the persistent session) find the broker again.
        if let last = try store.meta("embedded_broker_port").flatMap(Int.init) {
            if MosquittoBroker.portIsUsable(last, dataDirectory: directory) {
                options.port = last
            } else {
                logger.notice("last broker port is taken; picking a new one", metadata: ["port": "\(last)"])
            }
        }
        return try MosquittoBroker.configured(options: options, logger: logger)
    }

    /// The stages to run in one group, in start order: broker first, the periodic work last
    /// (the caller appends the web server after them). Shutdown runs in reverse: stop taking
    /// messages, drain the camera, persist rule state, drain the writer, stop the broker last.
    /// Call once: the group runs each stage once.
    public func services() -> [any Service] { stages }

    /// Waits until every stage has started (true), or one failed or the group ended first (false).
    public func waitUntilStarted() async -> Bool {
        await stages.last?.waitUntilStarted() ?? true
    }

    /// Starts the stages without a service group (benchmarks, one-shot tools): their start
    /// steps in order, no periodic work. `startMQTT: false` leaves the MQTT client unstarted.
    /// `shutdown()` undoes it.
    public func startWithoutGroup(startMQTT: Bool = true) throws {
        for stage in stages where startMQTT || stage.description != StageName.mqtt {
            try stage.startNow()
        }
    }

    /// How many maintenance ticks have run.
    public var maintenanceTicks: Int { ticks.count }

    /// Stops the stages that run, in reverse order, without a service group (tests, benchmarks).
    public func shutdown() {
        for stage in stages.reversed() { stage.stopNow() }
    }
}

/// glibc's `malloc_trim` through the C shim (Swift's Glibc module does not export it).
func releaseFreedHeap(_ pad: Int) -> Int32 {
    bk_release_freed_heap(pad)
}
