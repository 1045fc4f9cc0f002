import GatewayPorts
import KitchenModel
import Logging
import StorageModel
import Synchronization

/// What the network thread and every analysis thread share.
final class CameraContext: Sendable {
    let config: CameraServiceConfig
    let model: StateModel
    /// The gateway's alarm engine; nil in a vision worker, whose alarms are the shard owner's.
    let alarms: AlarmEngine?
    /// Where faults are reported: `alarms`, or the shard owner over MQTT.
    let findings: any CameraFindings
    /// A vision worker's way to the shard owner (night motion goes there with its evidence).
    let remote: (any VisionResultPublisher)?
    let store: any GatewayStore
    let writer: BatchWriter
    let metrics: CameraMetrics
    let clock: any WallClock
    let logger: Logger
    /// Detections wait here for their snapshots and snapshots for their detections.
    let join: Mutex<EvidenceJoin>
    /// Public cameras' latest frames (`CameraJobProcessor.offerToPublic`).
    let pictures: PublicPictures

    convenience init(config: CameraServiceConfig, model: StateModel, alarms: AlarmEngine, store: any GatewayStore, writer: BatchWriter,
         metrics: CameraMetrics, clock: any WallClock, logger: Logger, pictures: PublicPictures = PublicPictures()) {
        self.init(config: config, model: model, alarms: alarms, findings: alarms, remote: nil, store: store, writer: writer,
                  metrics: metrics, clock: clock, logger: logger, pictures: pictures)
    }

    /// A vision worker's: results go to `remote`.
    convenience init(config: CameraServiceConfig, model: StateModel, remote: any VisionResultPublisher, store: any GatewayStore,
                     writer: BatchWriter, metrics: CameraMetrics, clock: any WallClock, logger: Logger) {
        self.init(config: config, model: model, alarms: nil, findings: remote, remote: remote, store: store, writer: writer,
                  metrics: metrics, clock: clock, logger: logger, pictures: PublicPictures())
    }

    private init(config: CameraServiceConfig, model: StateModel, alarms: AlarmEngine?, findings: any CameraFindings,
                 remote: (any VisionResultPublisher)?, store: any GatewayStore, writer: BatchWriter,
                 metrics: CameraMetrics, clock: any WallClock, logger: Logger, pictures: PublicPictures) {
        self.pictures = pictures
        self.config = config
        self.model = model
        self.alarms = alarms
        self.findings = findings
        self.remote = remote
        self.store = store
        self.writer = writer
        self.metrics = metrics
        self.clock = clock
        self.logger = logger
        join = Mutex(EvidenceJoin(limits: .init(windowMillis: EpochMillis(config.joinWindowSeconds) * 1_000,
                                                maxPending: config.joinMaxPending, maxBytes: config.joinMaxBytes)))
    }

    func counted(_ dropped: [EvidenceJoin.Dropped]) {
        for drop in dropped { metrics.joinDropped(drop) }
    }
}
