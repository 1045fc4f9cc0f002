import KitchenModel
import KitchenRules

/// Where the analysis threads report camera faults: the gateway's own alarm engine, or, in a
/// `serve --role vision` worker, the camera's shard owner over MQTT (`VisionResultPublisher`).
protocol CameraFindings: Sendable {
    /// The equipment conditions of `kinds` raised on a camera now. A vision worker cannot know
    /// (the alarms are the shard owner's) and answers all of them: clearing one that is not raised
    /// is a no-op at the owner (`AlarmEngine.reportCondition`).
    func raisedConditions(device: DeviceKey, among kinds: [AlarmKind]) -> Set<AlarmKind>
    func reportCondition(_ kind: AlarmKind, device: DeviceKey, active: Bool, at time: EpochMillis, detail: AlarmDetail)
}

extension AlarmEngine: CameraFindings {}

/// A vision worker's way to the camera's shard owner: one result per fault change or night-motion
/// detection, on the camera's group session (docs/scale-out.md, "Vision workers").
protocol VisionResultPublisher: CameraFindings {
    func publish(_ body: VisionResult.Body, camera: DeviceKey)
}

extension VisionResultPublisher {
    func raisedConditions(device: DeviceKey, among kinds: [AlarmKind]) -> Set<AlarmKind> { Set(kinds) }

    func reportCondition(_ kind: AlarmKind, device: DeviceKey, active: Bool, at time: EpochMillis, detail: AlarmDetail) {
        publish(.condition(.init(kind: kind, active: active, at: time, detail: detail)), camera: device)
    }
}
