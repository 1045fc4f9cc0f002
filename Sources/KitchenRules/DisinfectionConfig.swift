import KitchenModel

/// What a run of one disinfection mode must achieve (DOMAIN.md, "Disinfection").
public struct DisinfectionRequirement: Sendable, Hashable, Codable {
    /// Temperature that must be reached; nil for modes without one (UV, ozone).
    public var minCelsius: Double?
    /// How long the controller must hold `minCelsius`.
    public var minHoldSeconds: Double?
    /// How long the run itself must last (UV lamp on-time; for heat modes the hold bounds it).
    public var minRunSeconds: Double?

    public init(minCelsius: Double? = nil, minHoldSeconds: Double? = nil, minRunSeconds: Double? = nil) {
        self.minCelsius = minCelsius
        self.minHoldSeconds = minHoldSeconds
        self.minRunSeconds = minRunSeconds
    }

    /// DOMAIN.md: steam/boiling 100 °C ≥ 10 min; infrared cabinet 120 °C ≥ 10 min; dishwasher final
    /// rinse 85 °C ≥ 40 s; UV lamp on ≥ 30 min. Ozone has no figure in DOMAIN.md: runs are recorded
    /// in the ledger but judged on nothing until a deployment configures a requirement.
    public static func defaults(for mode: DisinfectionMode) -> DisinfectionRequirement {
        switch mode {
        case .steam: DisinfectionRequirement(minCelsius: 100, minHoldSeconds: 600, minRunSeconds: 600)
        case .infrared: DisinfectionRequirement(minCelsius: 120, minHoldSeconds: 600, minRunSeconds: 600)
        case .dishwasher: DisinfectionRequirement(minCelsius: 85, minHoldSeconds: 40, minRunSeconds: 40)
        case .uv: DisinfectionRequirement(minRunSeconds: 1_800)
        case .ozone: DisinfectionRequirement()
        }
    }
}

public struct DisinfectionConfig: Sendable, Hashable, Codable {
    /// Overrides by mode name (`"steam"`, `"uv"`, ...); modes not listed use `DisinfectionRequirement.defaults`.
    public var requirements: [String: DisinfectionRequirement]
    /// A scheduled slot with no run started by this long after it is `run_missed` (project default).
    public var graceSeconds: Int
    /// A run started up to this long before its slot still counts for it (project default).
    public var earlySeconds: Int
    /// UV irradiance at 1 m below this while running is `uv_low` (DOMAIN.md: ≥ 70 µW/cm²).
    public var minUVIrradiance: Double
    /// Lamp hours at or past this are `lamp_expired` (DOMAIN.md: rated ≥ 1000 h; the deployment sets it).
    public var lampLifeHours: Double

    public init(requirements: [String: DisinfectionRequirement] = [:], graceSeconds: Int = 1_800,
                earlySeconds: Int = 1_800, minUVIrradiance: Double = 70, lampLifeHours: Double = 1_000) {
        self.requirements = requirements
        self.graceSeconds = graceSeconds
        self.earlySeconds = earlySeconds
        self.minUVIrradiance = minUVIrradiance
        self.lampLifeHours = lampLifeHours
    }

    public func requirement(for mode: DisinfectionMode) -> DisinfectionRequirement {
        requirements[mode.rawValue] ?? .defaults(for: mode)
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = DisinfectionConfig()
        self.init(
            requirements: try c.decode(.requirements, default: d.requirements),
            graceSeconds: try c.decode(.graceSeconds, default: d.graceSeconds),
            earlySeconds: try c.decode(.earlySeconds, default: d.earlySeconds),
            minUVIrradiance: try c.decode(.minUVIrradiance, default: d.minUVIrradiance),
            lampLifeHours: try c.decode(.lampLifeHours, default: d.lampLifeHours))
    }

    var graceMillis: EpochMillis { Millis.seconds(graceSeconds) }
    var earlyMillis: EpochMillis { Millis.seconds(earlySeconds) }
}

extension DisinfectionMode {
    var nameZH: String {
        switch self {
        case .uv: "紫外线消毒"
        case .steam: "蒸汽消毒"
        case .infrared: "红外线消毒柜"
        case .ozone: "臭氧消毒"
        case .dishwasher: "洗碗机"
        }
    }
}
