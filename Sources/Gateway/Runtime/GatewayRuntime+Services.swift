import DeviceIngest
import Foundation
import Reports
import KitchenModel
import Logging
import MQTTClient
import Storage
import StorageModel
import Synchronization

/// The names of the gateway's stages, in start order (docs/architecture.md, "Services").
public enum StageName {
    public static let broker = "broker"
    public static let checkpointer = "checkpointer"
    public static let writer = "writer"
    public static let alarmState = "alarm-state"
    public static let camera = "camera"
    public static let mqtt = "mqtt"
    public static let maintenance = "maintenance"
    public static let retention = "retention"
    public static let registry = "registry"
    public static let webhooks = "webhooks"
    public static let outboxGauge = "outbox-gauge"
    public static let grading = "grading"
    public static let snapshotPoll = "snapshot-poll"
}

/// Counts maintenance ticks (tests see the tick run without retention).
final class TickCounter: Sendable {
    private let value = Atomic<Int>(0)
    var count: Int { value.load(ordering: .relaxed) }
    func increment() { value.add(1, ordering: .relaxed) }
}

/// What the stages act on: the runtime's parts, passed in so no stage holds the runtime itself.
struct StageParts: Sendable {
    let configuration: GatewayConfiguration
    let clock: any WallClock
    let store: any GatewayStore
    let metrics: GatewayMetrics
    let writer: BatchWriter
    let pipeline: IngestPipeline
    let client: MQTTClient
    let broker: MosquittoBroker?
    let alarms: AlarmEngine
    let checkpointer: Checkpointer?
    let camera: CameraService
    let webhooks: WebhookDelivery
    let watcher: RegistryWatcher
    let thirdPartyTopics: ThirdPartySubscriptions
    let delayProbe: BrokerDelayProbe
    let model: StateModel
    let ticks: TickCounter
    /// Ratings and complaints for the grades, where the open-kitchen feedback is kept.
    let feedback: (any FeedbackFacts)?
    let logger: Logger
    let snapshots: SnapshotPoller
    let cameraHTTP: CameraHTTPClient
    /// A shard's runtime: its sites' topic filters, in place of `bk/v1/#`.
    let siteTopics: ThirdPartySubscriptions?
}

extension GatewayRuntime {
    /// Start order. Each stop runs after every later stage has stopped, so on shutdown: the
    /// periodic work ends, the MQTT client stops taking messages, the camera workers finish (their
    /// rejections still reach the writer), rule state is saved, the writer commits its queue,
    /// the checkpointer folds the WAL one last time, and the broker goes last.
    static func stageDefinitions(_ p: StageParts) -> [StageDefinition] {
        var stages: [StageDefinition] = []
        if let broker = p.broker {
            stages.append(StageDefinition(name: StageName.broker, start: {
                try broker.launch()
                try p.store.setMeta("embedded_broker_port", String(broker.port))
                p.logger.info("embedded broker started", metadata: [
                    "url": "\(broker.url)", "tls_url": "\(broker.tlsURL ?? "none")",
                ])
            }, stop: { broker.stop() }))
        }
        stages.append(StageDefinition(name: StageName.checkpointer, start: { try p.checkpointer?.start() },
                                      stop: { p.checkpointer?.stop() }))
        stages.append(StageDefinition(name: StageName.writer, start: { p.writer.start() }, stop: { p.writer.stop() }))
        // Stops after the MQTT client and the camera workers (whose last jobs can still move the
        // rules), so the saved rule state is final.
        stages.append(StageDefinition(name: StageName.alarmState, stop: {
            p.alarms.persistRuleState(now: p.clock.now(), limit: .max)
        }))
        // Stops after the MQTT client and before the writer: its last rejections and evidence get stored.
        stages.append(StageDefinition(name: StageName.camera, start: { p.camera.start() }, stop: { p.camera.stop() }))
        stages.append(StageDefinition(name: StageName.mqtt, start: {
            if let siteTopics = p.siteTopics {
                siteTopics.update(to: ShardMap.topicFilters(of: p.model.registry.sites.keys))
            } else {
                try p.client.subscribe(TopicFilter.all, qos: 1)
            }
            p.thirdPartyTopics.update(to: thirdPartyFilters(p.pipeline.thirdPartyTopicFilters, registry: p.model.registry,
                                                            shard: p.configuration.shard))
            try p.client.start()
            checkBrokerDelay(client: p.client, probe: p.delayProbe, embedded: p.broker != nil, logger: p.logger)
        }, stop: { p.client.stop() }))
        stages.append(StageDefinition(name: StageName.maintenance, body: periodically(every: .seconds(1)) {
            maintenanceTick(p)
        }))
        // A shard's runtime runs the instance-wide work only if its shard is the one chosen for it.
        let sharedDuties = p.configuration.shard?.runsSharedDuties ?? true
        if sharedDuties { stages.append(StageDefinition(name: StageName.retention, body: periodically(
            first: p.configuration.retentionFirstRun, every: p.configuration.retentionInterval) {
                _ = runRetention(p)
            })) }
        stages.append(StageDefinition(name: StageName.registry, start: { p.watcher.listenForSIGHUP() },
                                      body: periodically(every: p.configuration.registryPollInterval) {
                                          p.watcher.checkForChange()
                                      },
                                      stop: { p.watcher.stop() }))
        // One delivery loop per webhook, so a receiver that hangs holds back only its own messages.
        if sharedDuties {
            stages.append(StageDefinition(name: StageName.webhooks, body: { await p.webhooks.run() }))
            stages.append(StageDefinition(name: StageName.outboxGauge, body: periodically(every: .seconds(1)) {
                if let pending = try? p.store.pendingOutboxCount() { p.metrics.outboxPending.set(Double(pending)) }
            }))
            // Grades are the province's, not a shard's: graded once, by the runtime that runs the shared duties.
            stages.append(StageDefinition(name: StageName.grading, body: periodically(
                first: .seconds(30), every: p.configuration.gradingCheckInterval) {
                    // A shard's model holds its own sites only; the province's are in the registry file.
                    let sites = p.configuration.shard == nil ? Array(p.model.registry.sites.values)
                        : (try? RegistryFile.load(path: p.configuration.registryPath)).map { Array($0.sites.values) } ?? []
                    NightlyGrading.runIfDue(sites: sites, store: p.store, feedback: p.feedback,
                                            now: p.clock.now(), metrics: p.metrics, logger: p.logger)
                }))
        }
        // Polled cameras' frames take the ingest path: started after it, stopped before it.
        stages.append(StageDefinition(name: StageName.snapshotPoll, body: {
            if p.configuration.visionExternal {
                // The vision workers poll; the HTTP client (voice warnings) is still shut down at the end.
                while !Task.isCancelled { try? await Task.sleep(for: .seconds(3_600)) }
            } else {
                await p.snapshots.run()
            }
            await p.cameraHTTP.shutdown()
        }))
        return stages
    }

    /// One maintenance tick: replay retries, gauges, alarm deadlines. Retention is not here
    /// (`runRetention`, on its own schedule): an hour's deletes never delay a 1 s tick.
    static func maintenanceTick(_ p: StageParts) {
        p.ticks.increment()
        let now = p.clock.now()
        let effects = p.model.tick(now: now)
        if !effects.writes.isEmpty { try? p.writer.submit(effects.writes) }
        p.pipeline.deliver(effects)
        let tickStart = ContinuousClock.now
        p.alarms.tick(now: now)
        LatencyProbe.record("tick-alarms", LatencyProbe.ms(tickStart.duration(to: .now)))
        if p.ticks.count % 60 == 1 { surveyMorningChecks(p, now: now) }
        if p.ticks.count % 60 == 1 { surveySamples(p, now: now) }
        if p.ticks.count % 60 == 1 { surveyLedgerDuties(p, now: now) }
        p.pipeline.persistUnmapped()
        p.camera.tick(now: now)
        #if os(Linux)
        // Bursts (a province reconnecting) free a lot at once in several threads' malloc arenas;
        // returning it keeps the resident size near what is live.
        let trimStart = ContinuousClock.now
        _ = releaseFreedHeap(0)
        LatencyProbe.record("tick-trim", LatencyProbe.ms(trimStart.duration(to: .now)))
        #endif
        p.metrics.devicesOnline.set(Double(p.model.onlineDeviceCount()))
        p.metrics.writeQueue.set(Double(p.writer.queued))
    }

    /// Deletes what outlived the retention policy. A failure is logged and the next run tries
    /// again; it never stops the gateway.
    static func runRetention(_ p: StageParts) -> RetentionResult? {
        do {
            let created = try p.store.prepareAhead(now: p.clock.now())
            if !created.isEmpty { p.logger.info("store prepared ahead", metadata: ["created": "\(created)"]) }
            let result = try p.store.applyRetention(p.configuration.retention, now: p.clock.now())
            p.metrics.retentionSucceeded.increment()
            p.logger.info("retention applied", metadata: [
                "readings": "\(result.readingsDeleted)", "events": "\(result.eventsDeleted)",
                "rollups": "\(result.rollupsDeleted)", "tickets": "\(result.ticketsDeleted)",
                "batches": "\(result.batchesDeleted)", "evidence": "\(result.evidenceDeleted)",
            ])
            return result
        } catch {
            p.metrics.retentionFailed.increment()
            p.logger.error("retention failed; next run tries again", metadata: ["error": "\(error)"])
            return nil
        }
    }
}
