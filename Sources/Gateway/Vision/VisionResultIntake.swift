import Foundation
import KitchenModel
import Logging
import Prometheus
import StorageModel
import Synchronization

/// The shard owner's side of `serve --role vision` (`serve --role ingest --vision external`):
/// results arriving on `bk/v1/<site>/_vision/<device>` are applied to the shard's own alarm engine
/// and store, in the MQTT handler, so the PUBACK leaves only after they took effect.
///
/// Exactly once: a fault report moves an alarm only when it changes what is raised
/// (`AlarmEngine.reportCondition`), so a redelivered one, or the same fault found again by the
/// worker that took the camera group over, is a no-op; a redelivered detection joins the alarm it
/// raised the first time, and its evidence is kept once (looked up by snapshot id first). A result
/// of an epoch older than one already seen for its group comes from a worker that lost its lease
/// and is dropped.
final class VisionResultIntake: Sendable {
    private let alarms: AlarmEngine
    private let model: StateModel
    private let store: any GatewayStore
    private let camera: CameraMetrics
    private let maxEvidencePerAlarm: Int
    private let clock: any WallClock
    private let logger: Logger
    private let epochs = Mutex<[Int: Int64]>([:])
    private let counters: [String: Counter]

    static let outcomes = ["applied", "stale_epoch", "unknown_camera", "malformed"]

    init(alarms: AlarmEngine, model: StateModel, store: any GatewayStore, camera: CameraMetrics, maxEvidencePerAlarm: Int,
         registry: PrometheusCollectorRegistry, clock: any WallClock, logger: Logger) {
        self.alarms = alarms
        self.model = model
        self.store = store
        self.camera = camera
        self.maxEvidencePerAlarm = maxEvidencePerAlarm
        self.clock = clock
        self.logger = logger
        var counters: [String: Counter] = [:]
        for outcome in Self.outcomes {
            counters[outcome] = registry.makeCounter(name: "bk_vision_results_total", labels: [("outcome", outcome)],
                                                     help: "Results from vision workers, by what became of them")
        }
        self.counters = counters
    }

    /// True when `topic` is a vision result's (applied or refused); false for every other topic.
    func handle(topic: String, payload: [UInt8]) -> Bool {
        guard let key = VisionResult.camera(inTopic: topic) else { return false }
        guard let result = try? JSONDecoder().decode(VisionResult.self, from: Data(payload)) else {
            count("malformed")
            logger.warning("malformed vision result", metadata: ["topic": "\(TerminalText.escape(topic.prefix(200)))"])
            return true
        }
        guard model.registry.device(key)?.kind == .camera else {
            count("unknown_camera")
            return true
        }
        let current = epochs.withLock { seen -> Bool in
            guard result.epoch >= seen[result.group, default: 0] else { return false }
            seen[result.group] = result.epoch
            return true
        }
        guard current else {
            count("stale_epoch")
            return true
        }
        switch result.body {
        case let .condition(condition):
            alarms.reportCondition(condition.kind, device: key, active: condition.active, at: condition.at,
                                   detail: condition.detail)
        case let .motion(motion):
            apply(motion, camera: key)
        }
        count("applied")
        return true
    }

    private func count(_ outcome: String) { counters[outcome]?.increment() }

    private func apply(_ motion: VisionResult.Motion, camera key: DeviceKey) {
        let box = motion.box.count == 4
            ? DetectionBox(x: motion.box[0], y: motion.box[1], width: motion.box[2], height: motion.box[3]) : nil
        let detection = Detection(label: motion.label, score: motion.score, box: box, snapshot: motion.snapshot)
        alarms.observe(DeviceMessage(key: key, receivedAt: motion.at, payload: .event(.detection(detection))))
        guard let alarm = alarms.openViolation(for: detection, camera: key, at: motion.at) else {
            camera.evidence(.noAlarm)
            return
        }
        do {
            // A redelivered result: its picture is kept already.
            if try store.evidence(ofAlarm: alarm.id).contains(where: { $0.snapshot == motion.snapshot }) { return }
            let record = EvidenceRecord(
                alarmID: alarm.id, camera: key, snapshot: motion.snapshot, source: .gateway, label: motion.label,
                score: motion.score, box: box == nil ? nil : motion.box, at: motion.at, storedAt: clock.now(),
                original: [UInt8](motion.original), originalWidth: motion.originalWidth, originalHeight: motion.originalHeight,
                thumbnail: [UInt8](motion.thumbnail), thumbnailWidth: motion.thumbnailWidth,
                thumbnailHeight: motion.thumbnailHeight)
            let id = try store.insertEvidence(record, limit: maxEvidencePerAlarm)
            camera.evidence(id == nil ? .overLimit : .stored)
        } catch {
            camera.evidence(.failed)
            logger.error("cannot store evidence from a vision worker", metadata: ["alarm": "\(alarm.id)", "error": "\(error)"])
        }
    }
}
