import KitchenModel

/// The limits a thermometer/hygrometer is judged against, with the delay and hysteresis that
/// keep door openings and defrost cycles from raising alarms (DOMAIN.md, "Temperature and
/// humidity zones").
public struct ZoneProfile: Sendable, Hashable, Codable {
    /// The zone the limits come from; names the place in messages ("冷藏库", "留样冰箱").
    public var zone: Zone
    /// Lowest acceptable temperature; nil for no lower limit.
    public var minCelsius: Double?
    /// Highest acceptable temperature; nil for no upper limit.
    public var maxCelsius: Double?
    /// Highest acceptable relative humidity (%RH); nil for no limit.
    public var maxHumidity: Double?
    /// Readings this close inside a temperature limit show as `warning` on the dashboard.
    public var warningBandCelsius: Double
    /// Readings this close inside the humidity limit show as `warning`.
    public var warningBandHumidity: Double
    /// A limit must be exceeded this long before an alarm is raised (0 to 7,200 s).
    public var alarmDelaySeconds: Int
    /// After an alarm, readings must be back inside the limit by this margin to count as recovered.
    public var hysteresisCelsius: Double
    public var hysteresisHumidity: Double
    /// ... and stay recovered this long before the alarm clears.
    public var recoverySeconds: Int
    /// While an alarm is open, an `update` goes out when the peak worsens by this much ...
    public var updatePeakStep: Double
    /// ... or at least this often, so the duration on the alarm keeps up.
    public var updateEverySeconds: Int

    public init(zone: Zone, minCelsius: Double? = nil, maxCelsius: Double? = nil, maxHumidity: Double? = nil,
                warningBandCelsius: Double = 1, warningBandHumidity: Double = 5,
                alarmDelaySeconds: Int = 900, hysteresisCelsius: Double = 0.5, hysteresisHumidity: Double = 3,
                recoverySeconds: Int = 300, updatePeakStep: Double = 0.5, updateEverySeconds: Int = 900) {
        self.zone = zone
        self.minCelsius = minCelsius
        self.maxCelsius = maxCelsius
        self.maxHumidity = maxHumidity
        self.warningBandCelsius = warningBandCelsius
        self.warningBandHumidity = warningBandHumidity
        self.alarmDelaySeconds = alarmDelaySeconds
        self.hysteresisCelsius = hysteresisCelsius
        self.hysteresisHumidity = hysteresisHumidity
        self.recoverySeconds = recoverySeconds
        self.updatePeakStep = updatePeakStep
        self.updateEverySeconds = updateEverySeconds
    }

    /// The defaults for a zone. Limits are from 餐饮服务食品安全操作规范 (2018) via DOMAIN.md; the
    /// 15-minute delay is the low end of the 15–30 min commercial HACCP monitors use; hysteresis,
    /// recovery time and warning bands are this project's choices (see docs/rules.md).
    /// - Parameter freezerLimit: −12 °C by the 2018 code; many HACCP plans use −18 °C.
    public static func defaults(for zone: Zone, freezerLimit: Double = -12) -> ZoneProfile {
        switch zone {
        case .cold, .sample:
            // 0–8 °C. The sample fridge (留样冰箱) has the same range.
            ZoneProfile(zone: zone, minCelsius: 0, maxCelsius: 8)
        case .freezer:
            // Defrost cycles lift freezers for 10–20 min; the delay rides them out.
            ZoneProfile(zone: zone, maxCelsius: freezerLimit)
        case .hot:
            // Food held over 2 h must stay above 60 °C. A 15 min delay (lids lifted while serving)
            // still catches a failing bain-marie long before the 2 h mark; 63 °C warns early.
            ZoneProfile(zone: zone, minCelsius: 60, warningBandCelsius: 3)
        case .dry:
            // Humidity limit is chosen per site; 70 %RH is the example in DOMAIN.md.
            ZoneProfile(zone: zone, maxHumidity: 70)
        case .ambient:
            ZoneProfile(zone: zone)
        }
    }

    var delayMillis: EpochMillis { Millis.seconds(alarmDelaySeconds) }
    var recoveryMillis: EpochMillis { Millis.seconds(recoverySeconds) }
    var updateEveryMillis: EpochMillis { Millis.seconds(updateEverySeconds) }

    enum CodingKeys: String, CodingKey {
        case zone, minCelsius, maxCelsius, maxHumidity, warningBandCelsius, warningBandHumidity,
             alarmDelaySeconds, hysteresisCelsius, hysteresisHumidity, recoverySeconds,
             updatePeakStep, updateEverySeconds
    }

    /// Only `zone` is required: every other field defaults to that zone's defaults, so an
    /// override names just what it changes (`{"zone": "cold", "maxCelsius": 5}`).
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let zone = try c.decode(Zone.self, forKey: .zone)
        let d = ZoneProfile.defaults(for: zone)
        self.init(
            zone: zone,
            minCelsius: try c.decode(.minCelsius, default: d.minCelsius),
            maxCelsius: try c.decode(.maxCelsius, default: d.maxCelsius),
            maxHumidity: try c.decode(.maxHumidity, default: d.maxHumidity),
            warningBandCelsius: try c.decode(.warningBandCelsius, default: d.warningBandCelsius),
            warningBandHumidity: try c.decode(.warningBandHumidity, default: d.warningBandHumidity),
            alarmDelaySeconds: try c.decode(.alarmDelaySeconds, default: d.alarmDelaySeconds),
            hysteresisCelsius: try c.decode(.hysteresisCelsius, default: d.hysteresisCelsius),
            hysteresisHumidity: try c.decode(.hysteresisHumidity, default: d.hysteresisHumidity),
            recoverySeconds: try c.decode(.recoverySeconds, default: d.recoverySeconds),
            updatePeakStep: try c.decode(.updatePeakStep, default: d.updatePeakStep),
            updateEverySeconds: try c.decode(.updateEverySeconds, default: d.updateEverySeconds))
    }
}

extension Zone {
    /// The place as a site manager names it.
    var placeZH: String {
        switch self {
        case .cold: "冷藏库"
        case .freezer: "冷冻库"
        case .hot: "热保持设备"
        case .sample: "留样冰箱"
        case .dry: "干货库"
        case .ambient: "环境"
        }
    }

    var placeEN: String {
        switch self {
        case .cold: "Cold store"
        case .freezer: "Freezer"
        case .hot: "Hot holding"
        case .sample: "Sample fridge"
        case .dry: "Dry store"
        case .ambient: "Room"
        }
    }
}

/// A thermometer as the dashboard colours it.
public enum ZoneStatus: String, Sendable, Hashable, Codable {
    /// No trustworthy reading yet (none, or the latest was implausible).
    case unknown
    case ok
    /// Inside the warning band, or past a limit but still within the alarm delay.
    case warning
    /// An excursion alarm is open.
    case alarm
}
