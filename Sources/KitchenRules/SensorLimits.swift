/// What a sensor can physically report, and how to recognise a sick one (DOMAIN.md, "Sensor
/// faults to recognise"). Defaults fit the DS18B20 probes most kitchen thermometers carry.
public struct SensorLimits: Sendable, Hashable, Codable {
    /// The sensor's physical range; DS18B20: −55 to 125 °C. Anything outside is implausible.
    public var minCelsius: Double
    public var maxCelsius: Double
    /// Exact values a sensor reports when it is not measuring: DS18B20 reads 85.0 °C at power-on
    /// and −127 °C when disconnected.
    public var sentinelCelsius: [Double]
    /// Consecutive implausible readings before `implausible_value` is raised. 1 = at once
    /// (an 85 °C reading in a fridge must not be silently dropped).
    public var implausibleAfterReadings: Int
    /// Whether this sensor normally fluctuates, so a constant value means it is stuck.
    public var detectsStuck: Bool
    /// A reading identical to the last for this long is `stuck_value` (6 h).
    public var stuckAfterSeconds: Int
    /// Battery below this percentage raises `low_battery` ...
    public var batteryLowPercent: Double
    /// ... which clears only at or above this one, so a battery hovering at 15 % does not flap.
    public var batteryClearPercent: Double

    public init(minCelsius: Double = -55, maxCelsius: Double = 125, sentinelCelsius: [Double] = [85, -127],
                implausibleAfterReadings: Int = 1, detectsStuck: Bool = true, stuckAfterSeconds: Int = 6 * 3_600,
                batteryLowPercent: Double = 15, batteryClearPercent: Double = 20) {
        self.minCelsius = minCelsius
        self.maxCelsius = maxCelsius
        self.sentinelCelsius = sentinelCelsius
        self.implausibleAfterReadings = implausibleAfterReadings
        self.detectsStuck = detectsStuck
        self.stuckAfterSeconds = stuckAfterSeconds
        self.batteryLowPercent = batteryLowPercent
        self.batteryClearPercent = batteryClearPercent
    }

    enum CodingKeys: String, CodingKey {
        case minCelsius, maxCelsius, sentinelCelsius, implausibleAfterReadings, detectsStuck,
             stuckAfterSeconds, batteryLowPercent, batteryClearPercent
    }

    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        let d = SensorLimits()
        self.init(
            minCelsius: try c.decode(.minCelsius, default: d.minCelsius),
            maxCelsius: try c.decode(.maxCelsius, default: d.maxCelsius),
            sentinelCelsius: try c.decode(.sentinelCelsius, default: d.sentinelCelsius),
            implausibleAfterReadings: try c.decode(.implausibleAfterReadings, default: d.implausibleAfterReadings),
            detectsStuck: try c.decode(.detectsStuck, default: d.detectsStuck),
            stuckAfterSeconds: try c.decode(.stuckAfterSeconds, default: d.stuckAfterSeconds),
            batteryLowPercent: try c.decode(.batteryLowPercent, default: d.batteryLowPercent),
            batteryClearPercent: try c.decode(.batteryClearPercent, default: d.batteryClearPercent))
    }

    /// Whether the rules would judge this temperature at all; the dashboard's charts draw only these.
    public func isPlausible(celsius value: Double) -> Bool { implausibility(ofCelsius: value) == nil }

    /// Why a temperature cannot be trusted, or nil when it can.
    func implausibility(ofCelsius value: Double) -> Implausibility? {
        if !value.isFinite { return .outOfRange }
        if sentinelCelsius.contains(value) {
            return value == 85 ? .powerOnValue : value == -127 ? .disconnected : .sentinel
        }
        if value < minCelsius || value > maxCelsius { return .outOfRange }
        return nil
    }

    func implausibility(ofHumidity value: Double) -> Implausibility? {
        value.isFinite && (0...100).contains(value) ? nil : .outOfRange
    }

    enum Implausibility {
        case powerOnValue, disconnected, sentinel, outOfRange
    }
}
