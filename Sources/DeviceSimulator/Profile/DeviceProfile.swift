import KitchenModel

/// One simulated device: what it tells the gateway about itself and how it behaves.
public struct DeviceProfile: Sendable, Hashable {
    public var id: DeviceID
    public var kind: DeviceKind
    public var zone: Zone
    /// Report interval at speed 1, in seconds.
    public var intervalSeconds: Int
    public var model: String
    public var firmware: String
    /// QoS of `telemetry` (the protocol allows 0 or 1); events and weighings always use 1.
    public var telemetryQoS: Int
    public var behaviour: DeviceBehaviour

    public init(id: DeviceID, kind: DeviceKind, zone: Zone, intervalSeconds: Int, model: String, firmware: String,
                telemetryQoS: Int = 1, behaviour: DeviceBehaviour) {
        self.id = id
        self.kind = kind
        self.zone = zone
        self.intervalSeconds = intervalSeconds
        self.model = model
        self.firmware = firmware
        self.telemetryQoS = telemetryQoS
        self.behaviour = behaviour
    }
}

/// The kind-specific knobs of a device; the case always matches `DeviceProfile.kind`.
public enum DeviceBehaviour: Sendable, Hashable {
    case thermo(ThermoBehaviour)
    case disinfector(DisinfectorBehaviour)
    case camera(CameraBehaviour)
    case scale(ScaleBehaviour)
    case checker(CheckerBehaviour)
    case sampler(SamplerBehaviour)
}
