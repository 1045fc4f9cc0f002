import GatewayPorts
import KitchenModel
import Logging
import Prometheus
import StorageModel

/// Camera pictures in the gateway (docs/camera-vision.md, "In the gateway"). Sees every accepted
/// message after the alarm engine: `frame`s go to video-quality diagnosis and night motion,
/// `snapshot/<id>`s are joined to the detections that name them and kept as evidence of their
/// alarm. The network thread only hands jobs over: decoding runs on the service's own threads,
/// behind bounded queues.
public final class CameraService: Sendable {
    public let metrics: CameraMetrics
    /// The latest frames of cameras sites marked public, for the open-kitchen page.
    public let pictures = PublicPictures()
    private let context: CameraContext
    private let workers: [CameraWorker]
    /// `serve --role ingest --vision external`: frames (and camera telemetry, which only feeds their
    /// analysis) are the vision workers'; detections and snapshots still join here.
    private let framesAnalysedElsewhere: Bool

    public init(config: CameraServiceConfig, model: StateModel, alarms: AlarmEngine, store: any GatewayStore, writer: BatchWriter,
                registry: PrometheusCollectorRegistry, clock: any WallClock, logger: Logger,
                framesAnalysedElsewhere: Bool = false) {
        metrics = CameraMetrics(registry: registry)
        context = CameraContext(config: config, model: model, alarms: alarms, store: store, writer: writer,
                                metrics: metrics, clock: clock, logger: logger, pictures: pictures)
        self.framesAnalysedElsewhere = framesAnalysedElsewhere
        let limits = CameraWorker.Limits(maxJobs: config.queueMaxJobs, maxBytes: config.queueMaxBytes)
        workers = (0..<max(1, config.workers)).map { CameraWorker(name: "bk-camera-\($0)", limits: limits) }
    }

    /// A vision worker's (`serve --role vision`): fault changes and detections go to `remote`.
    init(config: CameraServiceConfig, model: StateModel, remote: any VisionResultPublisher, store: any GatewayStore,
         writer: BatchWriter, registry: PrometheusCollectorRegistry, clock: any WallClock, logger: Logger) {
        metrics = CameraMetrics(registry: registry)
        context = CameraContext(config: config, model: model, remote: remote, store: store, writer: writer,
                                metrics: metrics, clock: clock, logger: logger)
        framesAnalysedElsewhere = false
        let limits = CameraWorker.Limits(maxJobs: config.queueMaxJobs, maxBytes: config.queueMaxBytes)
        workers = (0..<max(1, config.workers)).map { CameraWorker(name: "bk-camera-\($0)", limits: limits) }
    }

    public func start() {
        let context = context
        for worker in workers {
            worker.start {
                let processor = CameraJobProcessor(context: context)
                return processor.handle
            }
        }
    }

    /// Finishes the queued work, then ends the threads.
    public func stop() {
        for worker in workers { worker.stop() }
    }

    /// Called on the MQTT thread for every accepted message, after the alarm engine saw it (so
    /// the alarm a detection raises exists before its evidence looks for it). Never blocks.
    /// `topic` is where the message arrived, shown on a rejected image (nil: its native topic).
    public func observe(_ message: DeviceMessage, topic: String? = nil) {
        let camera = message.key
        switch message.payload {
        case .frame where framesAnalysedElsewhere, .telemetry(.camera) where framesAnalysedElsewhere:
            break
        case let .frame(jpeg):
            submit(.frame(camera, jpeg: jpeg, at: message.receivedAt, topic: topic), for: camera)
        case let .snapshot(id, jpeg):
            submit(.snapshot(camera, id: id, jpeg: jpeg, at: message.receivedAt, topic: topic), for: camera)
        case let .event(.detection(detection)) where detection.snapshot != nil:
            let outcome = context.join.withLock {
                $0.offer(detection: detection, camera: camera, at: message.receivedAt,
                         detectedAt: message.sequence?.deviceTime)
            }
            context.counted(outcome.dropped)
            for pair in outcome.pairs { submit(.evidence(pair), for: camera) }
        case .telemetry(.camera):
            submit(.telemetry(camera, at: message.receivedAt), for: camera)
        default:
            break
        }
    }

    /// Camera telemetry reached a vision worker: the camera is alive even if its frames are not.
    func noteAlive(_ camera: DeviceKey, at time: EpochMillis) {
        submit(.telemetry(camera, at: time), for: camera)
    }

    /// A polled camera's snapshot could not be fetched (`SnapshotPoller`): the camera is
    /// watched for "no frames" from now on, and that alarm's detail names the failures.
    public func notePollFailure(_ camera: DeviceKey, reason: String, detail: String, at time: EpochMillis) {
        submit(.pollFailed(camera, reason: reason, detail: detail, at: time), for: camera)
    }

    /// Maintenance: ends waits past the join window, asks every thread to look for silent cameras.
    public func tick(now: EpochMillis) {
        context.counted(context.join.withLock { $0.expire(now: now) })
        for worker in workers where !worker.submit(.tick(now: now)) { metrics.droppedJob("tick") }
        metrics.queued.set(Double(workers.reduce(0) { $0 + $1.queued }))
    }

    /// Nothing queued and nothing in progress (tests and benchmarks wait for it).
    public var isIdle: Bool { workers.allSatisfy(\.isIdle) }

    /// Snapshots and detections waiting for each other.
    public var pendingJoins: Int { context.join.withLock { $0.pendingItems } }

    private func submit(_ job: CameraJob, for camera: DeviceKey) {
        let worker = workers[Int(UInt(bitPattern: camera.hashValue) % UInt(workers.count))]
        if !worker.submit(job) { metrics.droppedJob(job.name) }
    }
}
