import DeviceAdapters
import DeviceIngest
import KitchenModel
import Logging
import StorageModel
import Foundation
import Synchronization

/// The path of every inbound MQTT message: decode, apply to the state model, persist,
/// answer the device. Runs on the MQTT network thread, so it never waits on anything
/// slower than a local SQLite commit, and only for messages that must be durable
/// before the broker gets their acknowledgement.
///
/// `bk/v1/...` goes to the native decoder; every other topic goes through the third-party router
/// (`IngestPipeline+ThirdParty.swift`) and, once adapted, down the same path.
public final class IngestPipeline: Sendable {
    let model: StateModel
    let decoder: NativeDecoder
    let writer: BatchWriter
    let store: any GatewayStore
    let metrics: GatewayMetrics
    let clock: any WallClock
    let logger: Logger
    private let rejectLog: RejectLog
    /// Plug runs, Frigate snapshot ids and the unmapped tally; touched by the MQTT thread, the
    /// registry reload and the maintenance tick.
    let router: Mutex<ThirdPartyRouter>
    let thirdPartyMetrics: ThirdPartyMetrics
    /// Unmapped counts already in the database, per source.
    let persistedUnmapped = Mutex<[UnmappedTally.Source: Int]>([:])
    // Boxed: an optional closure read back out of a Mutex sent the release build into an
    // endless chain of reabstraction thunks (Swift 6.3.1), a stack overflow on the first message.
    private let commandSink = Mutex<Sink<(DeviceKey, DeviceCommand)>?>(nil)
    private let acceptedSink = Mutex<Sink<(DeviceMessage, String)>?>(nil)
    private let weighSink = Mutex<Sink<(DeviceKey, WeighRequest, EpochMillis)>?>(nil)
    private let checkSink = Mutex<Sink<DeviceCheck>?>(nil)
    private let samplerSink = Mutex<Sink<DeviceSamplerEvent>?>(nil)

    public init(model: StateModel, decoder: NativeDecoder, writer: BatchWriter, store: any GatewayStore,
                metrics: GatewayMetrics, clock: any WallClock, logger: Logger) {
        self.model = model
        self.decoder = decoder
        self.writer = writer
        self.store = store
        self.metrics = metrics
        self.clock = clock
        self.logger = logger
        self.rejectLog = RejectLog(logger: logger)
        self.router = Mutex(ThirdPartyRouter(limits: decoder.limits))
        self.thirdPartyMetrics = ThirdPartyMetrics(registry: metrics.registry)
        _ = rebind(model.registry)
    }

    /// Where device commands go (the MQTT client, once it exists).
    public func sendCommands(to sink: @escaping @Sendable (DeviceKey, DeviceCommand) -> Void) {
        let box = Sink(sink)
        commandSink.withLock { $0 = box }
    }

    /// Who hears about every accepted message once it is stored (the alarm engine), with the
    /// topic it arrived on (a third-party device's own topic, not a `bk/v1/...` one).
    public func onAccepted(_ sink: @escaping @Sendable (DeviceMessage, String) -> Void) {
        let box = Sink(sink)
        acceptedSink.withLock { $0 = box }
    }

    /// Who answers weighings (the ticket desk). Called for duplicates too: a scale that
    /// retries with the same message still needs its reply.
    public func onWeigh(_ sink: @escaping @Sendable (DeviceKey, WeighRequest, EpochMillis) -> Void) {
        let box = Sink(sink)
        weighSink.withLock { $0 = box }
    }

    /// Who turns 晨检仪 checks into ledger entries. Called once the event is stored, and again
    /// for a redelivered one: the ledger recognises an event it already holds, and this repairs
    /// an entry lost to a crash between the event's commit and the ledger's.
    public func onCheck(_ sink: @escaping @Sendable (DeviceCheck) -> Void) {
        let box = Sink(sink)
        checkSink.withLock { $0 = box }
    }

    /// Who turns 留样柜 `sample` and `door` events into ledger entries; called like ``onCheck(_:)``.
    public func onSamplerEvent(_ sink: @escaping @Sendable (DeviceSamplerEvent) -> Void) {
        let box = Sink(sink)
        samplerSink.withLock { $0 = box }
    }

    public func handle(topic: String, payload: [UInt8]) {
        let now = clock.now()
        guard Topic.isProtocolNamespace(topic) else { return handleThirdParty(topic: topic, payload: payload, now: now) }
        switch decoder.decode(topic: topic, payload: payload, receivedAt: now, lookup: model.lookup) {
        case .ignored:
            return
        case .rejected(let rejection):
            reject(rejection, topic: topic, payload: payload, now: now)
        case .message(let message):
            apply(message, topic: topic)
        }
    }

    private func apply(_ message: DeviceMessage, topic: String) {
        let probeStart = ContinuousClock.now
        let effects = model.apply(message)
        if case .weigh(let request) = message.payload, effects.outcome != .staleBoot {
            weighSink.withLock { $0 }?.call((message.key, request, message.receivedAt))
        }
        commit(message, effects, topic: topic, probeStart: probeStart)
    }

    /// Counts, stores and passes on what the state model made of an accepted message.
    func commit(_ message: DeviceMessage, _ effects: IngestEffects, topic: String, probeStart: ContinuousClock.Instant) {
        // The latency probe (histograms on /metrics) times detections only: the alarm path.
        var isDetection = false
        if case .event(.detection) = message.payload { isDetection = true }
        if isDetection, let ts = message.sequence?.deviceTime { LatencyProbe.record("0-transit", Double(message.receivedAt - ts)) }
        switch effects.outcome {
        case .duplicate:
            metrics.duplicates.increment()
            passOnCheck(message, effects, topic: topic, redelivered: true)
            passOnSamplerEvent(message, effects, topic: topic, redelivered: true)
            return
        case .staleBoot:
            metrics.staleBoot.increment()
            return
        case .accepted:
            if let kind = effects.kind { metrics.accepted(channel: message.payload.channelFamily, kind: kind) }
        }
        if let config = effects.provisioned {
            logger.notice("provisioned a new device", metadata: ["device": "\(config.key)", "kind": "\(config.kind)"])
            do {
                try store.recordProvisioned(config.key, kind: config.kind, at: message.receivedAt)
            } catch {
                logger.error("cannot record provisioned device", metadata: ["error": "\(error)"])
            }
        }
        Failpoint.hit("before-commit", topic: topic)
        do {
            if effects.durable {
                try writer.submitAndWait(effects.writes)
            } else {
                try writer.submit(effects.writes)
            }
        } catch {
            logger.error("write refused", metadata: ["topic": "\(TerminalText.escape(topic))", "error": "\(error)"])
            return
        }
        Failpoint.hit("after-commit", topic: topic)
        let probeCommitted = isDetection ? ContinuousClock.now : probeStart
        deliver(effects)
        passOnCheck(message, effects, topic: topic, redelivered: false)
        passOnSamplerEvent(message, effects, topic: topic, redelivered: false)
        acceptedSink.withLock { $0 }?.call((message, topic))
        if isDetection {
            LatencyProbe.record("1-commit", LatencyProbe.ms(probeStart.duration(to: probeCommitted)))
            LatencyProbe.record("2-alarm", LatencyProbe.ms(probeCommitted.duration(to: .now)))
        }
    }

    /// Sends the commands a state change asked for and counts what was lost.
    func deliver(_ effects: IngestEffects) {
        if effects.lost > 0 { metrics.seqLost.increment(by: effects.lost) }
        if effects.recovered { metrics.seqRecovered.increment() }
        guard !effects.commands.isEmpty, let sink = commandSink.withLock({ $0 }) else { return }
        for (key, command) in effects.commands {
            sink.call((key, command))
            metrics.commandsSent.increment()
        }
    }

    func reject(_ rejection: Rejection, topic: String, payload: [UInt8], now: EpochMillis) {
        metrics.rejected(rejection.reason)
        rejectLog.record(rejection, topic: topic, payloadSize: payload.count, now: now)
        let record = RejectRecord(at: now, reason: rejection.reason.rawValue, topic: String(topic.prefix(512)),
                                  message: rejection.message, payload: payload)
        try? writer.submit([.reject(record)])
    }

    private func passOnSamplerEvent(_ message: DeviceMessage, _ effects: IngestEffects, topic: String, redelivered: Bool) {
        guard case .event(let event) = message.payload, let sequence = message.sequence, let boot = effects.boot else { return }
        let body: DeviceSamplerEvent.Body
        switch event {
        case .sample(let sample): body = .sample(sample)
        case .door(let door): body = .door(door)
        default: return
        }
        guard let sink = samplerSink.withLock({ $0 }) else { return }
        sink.call(DeviceSamplerEvent(key: message.key, body: body, at: sequence.deviceTime, boot: boot, seq: sequence.seq,
                                     topic: topic, redelivered: redelivered))
    }

    private func passOnCheck(_ message: DeviceMessage, _ effects: IngestEffects, topic: String, redelivered: Bool) {
        guard case .event(.check(let check)) = message.payload, let sequence = message.sequence,
              let boot = effects.boot, let sink = checkSink.withLock({ $0 }) else { return }
        sink.call(DeviceCheck(key: message.key, check: check, at: sequence.deviceTime, boot: boot, seq: sequence.seq,
                              topic: topic, redelivered: redelivered))
    }
}

/// A callback held by reference.
final class Sink<Value>: Sendable {
    let call: @Sendable (Value) -> Void

    init(_ call: @escaping @Sendable (Value) -> Void) { self.call = call }
}
