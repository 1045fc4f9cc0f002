import GatewayPorts
import KitchenModel
import Logging
import StorageModel
import Synchronization

/// What the network thread and every analysis thread share.
final class CameraContext: Sendable {
    let config: CameraServiceConfig
    let model: StateModel
    let alarms: AlarmEngine
    let store: any GatewayStore
    let writer: BatchWriter
    let metrics: CameraMetrics
    let clock: any WallClock
    let logger: Logger
    /// Detections wait here for their snapshots and snapshots for their detections.
    let join: Mutex<EvidenceJoin>
    /// Public cameras' latest frames (`CameraJobProcessor.offerToPublic`).
    let pictures: PublicPictures

    init(config: CameraServiceConfig, model: StateModel, alarms: AlarmEngine, store: any GatewayStore, writer: BatchWriter,
         metrics: CameraMetrics, clock: any WallClock, logger: Logger, pictures: PublicPictures = PublicPictures()) {
        self.pictures = pictures
        self.config = config
        self.model = model
        self.alarms = alarms
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
