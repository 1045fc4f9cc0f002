import KitchenModel

/// Work for an analysis thread. Everything that decodes a JPEG is a job, never done on the
/// MQTT network thread.
enum CameraJob: Sendable {
    /// A periodic `frame`: video-quality diagnosis and, when the kitchen is closed, night motion.
    /// `topic`: where it arrived, for the dead-letter row (nil: the native topic).
    case frame(DeviceKey, jpeg: [UInt8], at: EpochMillis, topic: String?)
    /// A `snapshot/<id>`: checked, then offered to the join.
    case snapshot(DeviceKey, id: String, jpeg: [UInt8], at: EpochMillis, topic: String?)
    /// A snapshot joined to its detection on the network thread: thumbnail and store.
    case evidence(EvidenceJoin.Pair)
    /// Camera telemetry: the camera is alive even if its frames are not.
    case telemetry(DeviceKey, at: EpochMillis)
    /// Periodic check for cameras that stopped sending frames.
    case tick(now: EpochMillis)
    /// The gateway could not fetch a polled camera's snapshot: `reason` feeds "no frames".
    case pollFailed(DeviceKey, reason: String, detail: String, at: EpochMillis)

    static let names = ["frame", "snapshot", "evidence", "telemetry", "tick", "poll_failed"]

    var name: String {
        switch self {
        case .frame: "frame"
        case .snapshot: "snapshot"
        case .evidence: "evidence"
        case .telemetry: "telemetry"
        case .tick: "tick"
        case .pollFailed: "poll_failed"
        }
    }

    /// JPEG bytes the job holds, for the queue's memory bound.
    var bytes: Int {
        switch self {
        case .frame(_, let jpeg, _, _), .snapshot(_, _, let jpeg, _, _): jpeg.count
        case .evidence(let pair): pair.jpeg.count
        case .telemetry, .tick, .pollFailed: 0
        }
    }
}
