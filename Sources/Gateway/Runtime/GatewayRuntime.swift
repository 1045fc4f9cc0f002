import CMallocShim
import DeviceIngest
import Foundation
import KitchenModel
import Logging
import MQTTClient
import ServiceLifecycle
import Storage
import StorageModel
import Synchronization

/// The composed gateway: store, state model, batch writer, ingest pipeline, MQTT client
/// and (by default) a private broker, plus the services that run them.
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
    /// Folds the WAL from its own thread: ingest commits never wait for a checkpoint.
    let checkpointer: Checkpointer
    /// Frames and snapshots: video-quality faults, night motion, evidence.
    public let camera: CameraService
    public let traceability: TraceabilityService
    public let tickets: TicketDesk
    let webhooks: WebhookDelivery
    let watcher: RegistryWatcher
    /// Tasmota, zigbee2mqtt, Shelly and Frigate topics the registry's `source:` bindings need.
    let thirdPartyTopics: ThirdPartySubscriptions
    /// Times small messages through the broker once at start (BrokerDelayCheck.swift).
    let delayProbe: BrokerDelayProbe
    let logger: Logger

    public struct StartError: Error, CustomStringConvertible {
        public let description: String
    }

    public init(configuration: GatewayConfiguration, clock: any WallClock = SystemClock(), logger: Logger) throws {
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
        let startedAt = clock.now()

        store = try Store(path: configuration.databasePath, automaticCheckpoints: false)
        // Before anything else writes: a keyring that does not match the store refuses the start.
        guard let keysPath = configuration.resolvedTicketKeysPath else {
            throw StartError(description: "the database '\(configuration.databasePath)' is not a file: pass --ticket-keys FILE")
        }
        let keyring = try TicketKeyCheck.open(path: keysPath, store: store, now: startedAt)
        checkpointer = Checkpointer(path: configuration.databasePath, logger: logger)
        let fileRegistry = try RegistryFile.load(path: configuration.registryPath)
        let provisioned = try store.provisionedDevices().map {
            DeviceConfig(key: $0.key, kind: $0.kind, provisioned: true)
        }
        let snapshots = try store.loadDeviceSnapshots()
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
            let broker = try Self.startEmbeddedBroker(configuration, access: access, store: store, logger: logger)
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
        delayProbe = BrokerDelayProbe(topic: "brightkitchen/\(configuration.mqttClientID)/probe")
        let client = client
        webhooks = WebhookDelivery(store: store, webhooks: configuration.webhooks, clock: clock, logger: logger)
        alarms = try AlarmEngine(config: configuration.rules, store: store, model: model, clock: clock, logger: logger,
                                 webhookTargets: webhooks.targets, metrics: metrics) { topic, payload in
            do {
                _ = try client.publish(topic: topic, payload: payload, qos: 1, retain: false)
            } catch {
                logger.error("cannot publish alarm", metadata: ["topic": "\(topic)", "error": "\(error)"])
            }
        }

        camera = CameraService(config: configuration.camera, model: model, alarms: alarms, store: store, writer: writer,
                               registry: metrics.registry, clock: clock, logger: logger)

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
        watcher = RegistryWatcher(path: configuration.registryPath, logger: logger) { path in
            let registry = try RegistryFile.load(path: path)
            model.replaceRegistry(registry)
            thirdPartyTopics.update(to: pipeline.rebind(registry))
            return registry.devices.count
        }
        wire()
    }

    private func wire() {
        let pipeline = pipeline
        let client = client
        let metrics = metrics
        let logger = logger
        let stateTopic = configuration.gatewayStateTopic
        let delayProbe = delayProbe
        client.onMessage { message in
            if delayProbe.receive(message) { return }
            pipeline.handle(topic: message.topic, payload: message.payload)
        }
        let alarms = alarms
        let camera = camera
        // The camera service comes second: a detection's alarm exists before its evidence looks for it.
        pipeline.onAccepted { message, topic in
            alarms.observe(message)
            camera.observe(message, topic: topic)
        }
        let tickets = tickets
        pipeline.onWeigh { scale, request, at in tickets.handle(request, from: scale, at: at) }
        tickets.sendReplies { scale, reply in
            do {
                _ = try client.publish(topic: "bk/v1/\(scale.site)/\(scale.device)/ticket", payload: reply, qos: 1,
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
                _ = try client.publish(topic: "bk/v1/\(key.site)/\(key.device)/cmd", payload: command.jsonBytes(),
                                       qos: 1, retain: false)
            } catch {
                logger.warning("cannot send device command", metadata: [
                    "device": "\(key)", "cmd": "\(command.name)", "error": "\(error)",
                ])
            }
        }
    }

    private static func startEmbeddedBroker(_ configuration: GatewayConfiguration, access: BrokerAccessFiles?,
                                            store: any GatewayStore, logger: Logger) throws -> MosquittoBroker
    {
        var options = MosquittoBroker.Options()
        options.dataDirectory = (configuration.dataDirectory as NSString).appendingPathComponent("mosquitto")
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
        if let last = try store.meta("embedded_broker_port").flatMap(Int.init) { options.port = last }
        let broker: MosquittoBroker
        do {
            broker = try MosquittoBroker.start(options: options, logger: logger)
        } catch where options.port != nil {
            logger.notice("last broker port is taken; picking a new one", metadata: ["port": "\(options.port!)"])
            options.port = nil
            broker = try MosquittoBroker.start(options: options, logger: logger)
        }
        try store.setMeta("embedded_broker_port", String(broker.port))
        logger.info("embedded broker started", metadata: ["url": "\(broker.url)", "tls_url": "\(broker.tlsURL ?? "none")"])
        return broker
    }

    /// Subscribes and starts the writer; the MQTT client starts with its service.
    public func prepare() throws {
        writer.start()
        try checkpointer.start()
        camera.start()
        try client.subscribe("bk/v1/#", qos: 1)
        thirdPartyTopics.update(to: pipeline.thirdPartyTopicFilters)
        watcher.listenForSIGHUP()
        checkBrokerDelay()
    }

    /// The services to run in one group, in start order (shutdown runs in reverse:
    /// stop taking messages first, drain the writer, stop the broker last).
    public func services() -> [any Service] {
        var services: [any Service] = []
        if let broker { services.append(BrokerService(broker: broker)) }
        services.append(ShutdownHook { [checkpointer] in checkpointer.stop() })
        services.append(WriterService(writer: writer))
        // Shut down after the MQTT client (reverse order), so the saved rule state is final.
        services.append(ShutdownHook { [alarms, clock] in alarms.persistRuleState(now: clock.now(), limit: .max) })
        // Stops after the MQTT client and before the writer: its last rejections still get stored.
        services.append(ShutdownHook { [camera] in camera.stop() })
        services.append(MQTTService(client: client))
        services.append(PeriodicService(interval: .seconds(1)) { [self] in self.maintenanceTick() })
        services.append(PeriodicService(interval: configuration.registryPollInterval) { [watcher] in
            watcher.checkForChange()
        })
        // One delivery loop per webhook, so a receiver that hangs holds back only its own messages.
        services.append(WebhookService(delivery: webhooks))
        services.append(PeriodicService(interval: .seconds(1)) { [store, metrics] in
            if let pending = try? store.pendingOutboxCount() { metrics.outboxPending.set(Double(pending)) }
        })
        return services
    }

    private let lastRetention = RetentionClock()

    /// Replay retries, gauges and (hourly) retention.
    func maintenanceTick() {
        let now = clock.now()
        let effects = model.tick(now: now)
        if !effects.writes.isEmpty { try? writer.submit(effects.writes) }
        pipeline.deliver(effects)
        let tickStart = ContinuousClock.now
        alarms.tick(now: now)
        LatencyProbe.record("tick-alarms", LatencyProbe.ms(tickStart.duration(to: .now)))
        pipeline.persistUnmapped()
        camera.tick(now: now)
        #if os(Linux)
        // Bursts (a province reconnecting) free a lot at once in several threads' malloc arenas;
        // returning it keeps the resident size near what is live.
        let trimStart = ContinuousClock.now
        _ = releaseFreedHeap(0)
        LatencyProbe.record("tick-trim", LatencyProbe.ms(trimStart.duration(to: .now)))
        #endif
        metrics.devicesOnline.set(Double(model.onlineDeviceCount()))
        metrics.writeQueue.set(Double(writer.queued))
        if lastRetention.due(now: now) {
            do {
                let result = try store.applyRetention(configuration.retention, now: now)
                logger.info("retention applied", metadata: [
                    "readings": "\(result.readingsDeleted)", "events": "\(result.eventsDeleted)",
                    "rollups": "\(result.rollupsDeleted)", "evidence": "\(result.evidenceDeleted)",
                ])
            } catch {
                logger.error("retention failed", metadata: ["error": "\(error)"])
            }
        }
    }

    /// Stops everything without a service group (tests, CLI one-shots).
    public func shutdown() {
        alarms.persistRuleState(now: clock.now(), limit: .max)
        client.stop()
        camera.stop()
        writer.stop()
        checkpointer.stop()
        watcher.stop()
        broker?.stop()
    }
}

/// Hourly gate for retention runs.
final class RetentionClock: Sendable {
    private let last = Mutex<EpochMillis?>(nil)

    func due(now: EpochMillis) -> Bool {
        last.withLock { last in
            if let l = last, now - l < 3_600_000 { return false }
            last = now
            return true
        }
    }
}

/// glibc's `malloc_trim` through the C shim (Swift's Glibc module does not export it).
private func releaseFreedHeap(_ pad: Int) -> Int32 {
    bk_release_freed_heap(pad)
}
