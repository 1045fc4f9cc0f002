import CameraVision
import Foundation
import KitchenModel
import KitchenRules
import StorageModel

/// Does the jobs of one analysis thread. Owns that thread's libjpeg state: one
/// `CameraFrameAnalyzer` per camera (created on the camera's first frame) and the thumbnail
/// makers for snapshots. Never shared, so none of it is locked.
final class CameraJobProcessor {
    private struct Camera {
        let analyzer: CameraFrameAnalyzer
        var frames = 0
    }

    private let context: CameraContext
    private var cameras: [DeviceKey: Camera] = [:]
    private var thumbnailMakers: [(ThumbnailConfig, JPEGLimits, ThumbnailMaker)] = []
    private var lastLogged: [String: EpochMillis] = [:]
    /// Polled cameras whose snapshots fail, since their last good frame (`SnapshotPoller`).
    private var pollFailures: [DeviceKey: PollFailures] = [:]

    init(context: CameraContext) {
        self.context = context
    }

    func handle(_ job: CameraJob) {
        let started = ContinuousClock.now
        switch job {
        case let .frame(camera, jpeg, at, topic):
            analyze(jpeg, from: camera, at: at, topic: topic)
        case let .snapshot(camera, id, jpeg, at, topic):
            offer(snapshot: jpeg, id: id, from: camera, at: at, topic: topic)
        case let .evidence(pair):
            keep(pair)
        case let .telemetry(camera, at):
            cameras[camera]?.analyzer.noteTelemetry(at: at)
        case let .tick(now):
            tick(now: now)
            return
        case let .pollFailed(camera, reason, detail, at):
            notePollFailure(camera, reason: reason, detail: detail, at: at)
            return
        }
        context.metrics.analysisSeconds.record(started.duration(to: .now).inSeconds)
    }

    // MARK: - Frames

    private func analyze(_ jpeg: [UInt8], from key: DeviceKey, at time: EpochMillis, topic: String?) {
        guard let site = context.model.site(key.site) else { return }
        guard var camera = cameras[key] ?? startWatching(key, at: time) else { return }
        let analysis: CameraFrameAnalysis
        do {
            analysis = try camera.analyzer.analyze(jpeg, at: time, operating: site.hours.isOpen(at: time))
        } catch {
            reject(error, source: "frame", topic: topic ?? Topic.device(key, .frame).description, payload: jpeg, at: time)
            return
        }
        context.metrics.framesAnalyzed.increment()
        pollFailures[key] = nil
        if analysis.recalibrated { context.metrics.recalibrations.increment() }
        for change in analysis.faultChanges { report(change, camera: key) }
        camera.frames += 1
        cameras[key] = camera
        if camera.frames == Self.settledAfter(camera.analyzer.config.quality) { reconcile(key, camera, at: time) }
        for evidence in analysis.detections { raise(evidence, camera: key) }
        offerToPublic(jpeg, camera: key, site: site, at: time, raisedSomething: !analysis.detections.isEmpty)
    }

    /// A public camera's frame becomes its latest public picture only when it was taken while
    /// the site is open, raised nothing and the camera has no open alarm: the page must never
    /// show an open alarm's evidence. A frame that raised something takes the picture down.
    private func offerToPublic(_ jpeg: [UInt8], camera key: DeviceKey, site: SiteConfig, at time: EpochMillis,
                               raisedSomething: Bool) {
        // A vision worker keeps no public pictures: the open-kitchen page is served elsewhere.
        guard site.publicCameras.contains(key.device), let alarms = context.alarms else { return }
        guard !raisedSomething, site.hours.isOpen(at: time),
              !alarms.openAlarms(site: key.site).contains(where: { $0.device == key }) else {
            context.pictures.forget(key)
            return
        }
        context.pictures.keep(jpeg, camera: key, at: time)
    }

    private func startWatching(_ key: DeviceKey, at time: EpochMillis, clearNoFrames: Bool = true) -> Camera? {
        var vision = context.config.vision(for: key)
        if let polling = context.model.registry.device(key)?.cameraHTTP?.snapshot {
            // A polled camera's frames come once per poll interval, however the defaults are set.
            vision.quality.frameIntervalMillis = max(vision.quality.frameIntervalMillis, Int64(polling.intervalSeconds) * 1_000)
        }
        guard let analyzer = CameraFrameAnalyzer(config: vision) else {
            context.logger.error("cannot create a frame analyzer (libjpeg out of memory)", metadata: ["camera": "\(key)"])
            return nil
        }
        // A frame is proof that frames arrive, whatever was raised before a restart.
        if clearNoFrames, context.findings.raisedConditions(device: key, among: [.cameraNoFrames]).contains(.cameraNoFrames) {
            report(VideoDiagnosisChange(fault: .noFrames, transition: .cleared, at: time, detail: "frames arrive again"),
                   camera: key)
        }
        return Camera(analyzer: analyzer)
    }

    /// Frames a fresh analyzer needs before its silence about a fault means the fault is gone.
    static func settledAfter(_ quality: VideoQualityConfig) -> Int {
        max(quality.frozenFrames, quality.baselineFrames + quality.raiseAfterFrames,
            quality.raiseAfterFrames + quality.clearAfterFrames)
    }

    /// After a restart the analyzer starts blank while the alarms it raised are still open: once it
    /// has seen enough frames, the faults it does not find again are cleared.
    private func reconcile(_ key: DeviceKey, _ camera: Camera, at time: EpochMillis) {
        let active = Set(camera.analyzer.quality.activeFaults.map(\.alarmKind))
        let raised = context.findings.raisedConditions(device: key, among: CameraFaultMessages.kinds)
        for kind in raised.subtracting(active) {
            let detail = CameraFaultMessages.detail(kind, camera: key, active: false,
                                                    measured: "not found again after a gateway restart")
            context.findings.reportCondition(kind, device: key, active: false, at: time, detail: detail)
        }
    }

    private func report(_ change: VideoDiagnosisChange, camera: DeviceKey) {
        let kind = change.fault.alarmKind
        let active = change.transition == .raised
        var measured = change.detail
        if active, change.fault == .noFrames, let failures = pollFailures[camera] { measured += "; " + failures.summary }
        context.findings.reportCondition(kind, device: camera, active: active, at: change.at,
                                       detail: CameraFaultMessages.detail(kind, camera: camera, active: active,
                                                                          measured: measured))
    }

    // MARK: - Snapshot polling

    /// A failed poll starts the camera's analyzer if it has none (a camera polled but never
    /// answering must still be reported) and is remembered for the "no frames" detail.
    private func notePollFailure(_ key: DeviceKey, reason: String, detail: String, at time: EpochMillis) {
        guard context.model.registry.device(key) != nil else { return }
        if cameras[key] == nil, let camera = startWatching(key, at: time, clearNoFrames: false) { cameras[key] = camera }
        pollFailures[key, default: PollFailures(since: time)].add(reason, detail: detail)
    }

    private func tick(now: EpochMillis) {
        let registry = context.model.registry
        for key in Array(cameras.keys) {
            guard registry.device(key) != nil else {
                cameras[key] = nil  // removed from the registry: its analyzer and buffers go too
                pollFailures[key] = nil
                continue
            }
            for change in cameras[key]!.analyzer.tick(now: now) { report(change, camera: key) }
        }
    }

    // MARK: - Night motion

    /// A detection the gateway made itself goes to the alarm engine exactly like a camera's own,
    /// then its frame is kept as evidence of the alarm it raised or joined.
    private func raise(_ evidence: MotionEvidence, camera: DeviceKey) {
        let found = evidence.detection
        context.metrics.motionDetection(found.label)
        let box = KitchenModel.DetectionBox(x: found.box.x, y: found.box.y, width: found.box.width,
                                            height: found.box.height)
        let detection = Detection(label: found.label.rawValue, score: found.score, box: box,
                                  snapshot: "motion-\(found.at)-\(found.trackID)")
        guard let alarms = context.alarms else { return send(evidence, detection: detection, camera: camera) }
        alarms.observe(DeviceMessage(key: camera, receivedAt: found.at, payload: .event(.detection(detection))))
        guard let alarm = alarms.openViolation(for: detection, camera: camera, at: found.at) else {
            context.metrics.evidence(.noAlarm)
            return
        }
        // Made only now that an alarm keeps the evidence (the analysis leaves it out).
        guard let maker = thumbnailMaker(for: camera), let thumbnail = try? maker.make(from: evidence.snapshot, box: found.box)
        else {
            context.metrics.evidence(.failed)
            return
        }
        store(EvidenceRecord(alarmID: alarm.id, camera: camera, snapshot: detection.snapshot!, source: .gateway,
                             label: detection.label, score: found.score, box: found.box.fractions, at: found.at,
                             storedAt: context.clock.now(), original: evidence.snapshot,
                             originalWidth: thumbnail.sourceHeader.width, originalHeight: thumbnail.sourceHeader.height,
                             thumbnail: thumbnail.jpeg, thumbnailWidth: thumbnail.width, thumbnailHeight: thumbnail.height))
    }

    /// A vision worker's detection: the owner of the camera's shard raises or joins the alarm and
    /// keeps the evidence, so the thumbnail is made here, before anyone knows whether it is needed.
    private func send(_ evidence: MotionEvidence, detection: Detection, camera: DeviceKey) {
        guard let remote = context.remote, let maker = thumbnailMaker(for: camera),
              let thumbnail = try? maker.make(from: evidence.snapshot, box: evidence.detection.box) else {
            context.metrics.evidence(.failed)
            return
        }
        remote.publish(.motion(.init(label: detection.label, score: detection.score, box: evidence.detection.box.fractions,
                                     snapshot: detection.snapshot!, at: evidence.detection.at,
                                     original: Data(evidence.snapshot), originalWidth: thumbnail.sourceHeader.width,
                                     originalHeight: thumbnail.sourceHeader.height, thumbnail: Data(thumbnail.jpeg),
                                     thumbnailWidth: thumbnail.width, thumbnailHeight: thumbnail.height)), camera: camera)
    }

    // MARK: - Snapshots

    private func offer(snapshot jpeg: [UInt8], id: String, from camera: DeviceKey, at time: EpochMillis, topic: String?) {
        // Checked before it may take memory in the join: size, markers, header dimensions.
        do {
            _ = try JPEGInspector(limits: context.config.vision(for: camera).limits).inspect(jpeg)
        } catch {
            reject(error, source: "snapshot", topic: topic ?? Self.snapshotTopic(camera, id), payload: jpeg, at: time)
            return
        }
        let outcome = context.join.withLock { $0.offer(snapshot: jpeg, id: id, camera: camera, at: time) }
        context.counted(outcome.dropped)
        for pair in outcome.pairs { keep(pair) }
    }

    /// Makes the thumbnail of a joined snapshot and keeps both with the detection's open alarm.
    private func keep(_ pair: EvidenceJoin.Pair) {
        guard let alarm = context.alarms?.openViolation(for: pair.detection, camera: pair.camera, at: pair.detectedAt) else {
            context.metrics.evidence(.noAlarm)
            return
        }
        guard let maker = thumbnailMaker(for: pair.camera) else {
            context.metrics.evidence(.failed)
            return
        }
        let box = pair.detection.box.flatMap { CameraVision.DetectionBox(fractions: [$0.x, $0.y, $0.width, $0.height]) }
        let snapshot: EvidenceSnapshot
        do {
            snapshot = try EvidenceSnapshot.prepare(pair.jpeg, box: box, using: maker)
        } catch {
            context.metrics.evidence(.failed)
            if case let .rejected(rejection) = error {
                reject(rejection, source: "snapshot", topic: Self.snapshotTopic(pair.camera, pair.snapshotID),
                       payload: pair.jpeg, at: pair.detectedAt)
            } else {
                context.logger.error("cannot make an evidence thumbnail", metadata: [
                    "camera": "\(pair.camera)", "snapshot": "\(pair.snapshotID)", "error": "\(error)",
                ])
            }
            return
        }
        store(EvidenceRecord(alarmID: alarm.id, camera: pair.camera, snapshot: pair.snapshotID, source: .camera,
                             label: pair.detection.label, score: pair.detection.score, box: box?.fractions,
                             at: pair.detectedAt, storedAt: context.clock.now(),
                             original: snapshot.original, originalWidth: snapshot.header.width,
                             originalHeight: snapshot.header.height, thumbnail: snapshot.thumbnail.jpeg,
                             thumbnailWidth: snapshot.thumbnail.width, thumbnailHeight: snapshot.thumbnail.height))
    }

    private func thumbnailMaker(for camera: DeviceKey) -> ThumbnailMaker? {
        let vision = context.config.vision(for: camera)
        if let found = thumbnailMakers.first(where: { $0.0 == vision.thumbnail && $0.1 == vision.limits }) {
            return found.2
        }
        guard let maker = ThumbnailMaker(config: vision.thumbnail, limits: vision.limits) else { return nil }
        thumbnailMakers.append((vision.thumbnail, vision.limits, maker))
        return maker
    }

    private func store(_ record: EvidenceRecord) {
        do {
            let id = try context.store.insertEvidence(record, limit: context.config.maxEvidencePerAlarm)
            context.metrics.evidence(id == nil ? .overLimit : .stored)
        } catch {
            context.metrics.evidence(.failed)
            context.logger.error("cannot store evidence", metadata: ["alarm": "\(record.alarmID)", "error": "\(error)"])
        }
    }

    // MARK: - Rejections

    /// A device's unusable JPEG: counted by reason, kept in the dead-letter table like every
    /// other refused message, logged at most once a minute per reason.
    private func reject(_ rejection: JPEGRejection, source: String, topic: String, payload: [UInt8], at time: EpochMillis) {
        context.metrics.rejected(rejection, source: source)
        let record = RejectRecord(at: time, reason: rejection.code, topic: String(topic.prefix(512)),
                                  message: rejection.description, payload: payload)
        try? context.writer.submit([.reject(record)])
        if time - (lastLogged[rejection.code] ?? .min / 2) >= 60_000 {
            lastLogged[rejection.code] = time
            context.logger.warning("rejected camera image", metadata: [
                "reason": "\(rejection.code)", "topic": "\(TerminalText.escape(topic.prefix(200)))", "bytes": "\(payload.count)",
                "detail": "\(rejection.description)",
            ])
        }
    }

    private static func snapshotTopic(_ camera: DeviceKey, _ id: String) -> String {
        Topic.device(camera, .snapshot(id: id)).description
    }
}

/// A polled camera's failures since its last good frame, by reason, for the "no frames" detail.
struct PollFailures {
    let since: EpochMillis
    var counts: [String: Int] = [:]
    var lastDetail = ""

    init(since: EpochMillis) { self.since = since }

    mutating func add(_ reason: String, detail: String) {
        counts[reason, default: 0] += 1
        lastDetail = detail
    }

    /// `snapshot polls failing: http_401 ×3, timeout ×1 (last: the camera refused the credentials (401))`
    var summary: String {
        let list = counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            .map { "\($0.key) ×\($0.value)" }.joined(separator: ", ")
        return "snapshot polls failing: \(list) (last: \(lastDetail))"
    }
}
