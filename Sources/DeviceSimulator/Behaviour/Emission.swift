import KitchenModel

/// What a device's behaviour produced in one step. The device adds `seq`, `ts` and `boot`,
/// because those belong to its message stream, not to the physics.
enum Emission: Sendable {
    case telemetry([JSONField])
    /// The first field is `type`.
    case event([JSONField])
    /// A weighing; `req` is `<prefix>-<seq>` so that it is unique for the fleet's life.
    case weigh(reqPrefix: String, [JSONField])
}

/// Everything a behaviour may look at when it advances.
struct StepContext: Sendable {
    let wall: EpochMillis
    let simulated: EpochMillis
    /// Simulated seconds since the previous step of this device.
    let elapsed: Double
    let siteOpen: Bool
    let clock: SimulationClock
    let warmFridge: Bool
}
