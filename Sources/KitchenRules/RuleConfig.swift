import KitchenModel

/// Every tunable of the rules, with defaults from `../shared/DOMAIN.md` (sections named on each
/// field of the section types) or, where DOMAIN.md leaves a choice, this project's choice. The
/// table in `docs/rules.md` lists them all. Decoding accepts partial documents: anything absent
/// keeps its default.
public struct RuleConfig: Sendable, Hashable, Codable {
    /// The freezer limit (DOMAIN.md: below −12 °C; many HACCP plans use −18 °C).
    public var freezerLimitCelsius: Double
    /// Zone-wide overrides by zone name (`"cold"`, `"freezer"`, ...).
    public var zones: [String: ZoneProfile]
    /// Per-device overrides; they win over `zones`. Encoded with keys `"site/device"`.
    public var deviceOverrides: [DeviceKey: ZoneProfile]
    public var sensor: SensorLimits
    public var presence: PresenceConfig
    public var disinfection: DisinfectionConfig
    public var violations: ViolationConfig
    public var lifecycle: LifecycleConfig

    public init(freezerLimitCelsius: Double = -12, zones: [String: ZoneProfile] = [:],
                deviceOverrides: [DeviceKey: ZoneProfile] = [:], sensor: SensorLimits = SensorLimits(),
                presence: PresenceConfig = PresenceConfig(), disinfection: DisinfectionConfig = DisinfectionConfig(),
                violations: ViolationConfig = ViolationConfig(), lifecycle: LifecycleConfig = LifecycleConfig()) {
        self.freezerLimitCelsius = freezerLimitCelsius
        self.zones = zones
        self.deviceOverrides = deviceOverrides
        self.sensor = sensor
        self.presence = presence
        self.disinfection = disinfection
        self.violations = violations
        self.lifecycle = lifecycle
    }

    /// The profile a device is judged by: its own override, else its zone's, else the defaults.
    public func profile(for device: DeviceKey, zone: Zone) -> ZoneProfile {
        deviceOverrides[device] ?? zones[zone.rawValue] ?? .defaults(for: zone, freezerLimit: freezerLimitCelsius)
    }

    enum CodingKeys: String, CodingKey {
        case freezerLimitCelsius, zones, deviceOverrides, sensor, presence, disinfection, violations, lifecycle
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = RuleConfig()
        var overrides: [DeviceKey: ZoneProfile] = [:]
        for (text, profile) in try c.decode(.deviceOverrides, default: [String: ZoneProfile]()) {
            guard let key = DeviceKeyCoded.key(from: text) else {
                throw DecodingError.dataCorruptedError(
                    forKey: .deviceOverrides, in: c, debugDescription: "device override '\(text)' must look like site/device")
            }
            overrides[key] = profile
        }
        self.init(
            freezerLimitCelsius: try c.decode(.freezerLimitCelsius, default: d.freezerLimitCelsius),
            zones: try c.decode(.zones, default: d.zones),
            deviceOverrides: overrides,
            sensor: try c.decode(.sensor, default: d.sensor),
            presence: try c.decode(.presence, default: d.presence),
            disinfection: try c.decode(.disinfection, default: d.disinfection),
            violations: try c.decode(.violations, default: d.violations),
            lifecycle: try c.decode(.lifecycle, default: d.lifecycle))
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(freezerLimitCelsius, forKey: .freezerLimitCelsius)
        try c.encode(zones, forKey: .zones)
        let overrides = Dictionary(uniqueKeysWithValues: deviceOverrides.map { (DeviceKeyCoded.string(from: $0.key), $0.value) })
        try c.encode(overrides, forKey: .deviceOverrides)
        try c.encode(sensor, forKey: .sensor)
        try c.encode(presence, forKey: .presence)
        try c.encode(disinfection, forKey: .disinfection)
        try c.encode(violations, forKey: .violations)
        try c.encode(lifecycle, forKey: .lifecycle)
    }
}
