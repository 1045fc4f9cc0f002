import KitchenModel

/// How a thermometer/hygrometer's readings move. Temperatures in °C, times in simulated time.
public struct ThermoBehaviour: Sendable, Hashable {
    /// Where the appliance settles when it works.
    public var baseline: Double
    /// Standard deviation of the sensor's sample-to-sample noise.
    public var noise: Double
    /// How far the slow wander (compressor cycling, load, weather) strays from the baseline.
    public var drift: Double
    public var humidity: Double
    public var humidityNoise: Double
    /// Door openings per hour while the site is open; each lifts the reading by `doorRise`
    /// (negative for hot cabinets, whose lid lets heat out) and fades over a few minutes.
    public var doorsPerHour: Double
    public var doorRise: Double
    /// Freezer defrost cycles: every `defrostEveryHours` the reading rises by `defrostRise` for
    /// `defrostMinutes`. Zero disables them.
    public var defrostEveryHours: Double
    public var defrostRise: Double
    public var defrostMinutes: Double
    /// Battery at start (%) and its drain per simulated day.
    public var battery: Double
    public var batteryDrainPerDay: Double
    /// Where cold-zone devices drift to under `FaultOptions.warmFridge`.
    public var warmTarget: Double

    /// Defaults that suit the zone, so a profile only states what differs.
    public static func defaults(for zone: Zone) -> ThermoBehaviour {
        switch zone {
        case .cold:
            ThermoBehaviour(baseline: 3, noise: 0.15, drift: 0.5, humidity: 82, doorsPerHour: 4, doorRise: 2.5)
        case .sample:
            ThermoBehaviour(baseline: 4, noise: 0.12, drift: 0.4, humidity: 70, doorsPerHour: 1, doorRise: 2)
        case .freezer:
            ThermoBehaviour(baseline: -19, noise: 0.3, drift: 0.8, humidity: 60, doorsPerHour: 2, doorRise: 4,
                            defrostEveryHours: 6, defrostRise: 7, defrostMinutes: 20)
        case .hot:
            ThermoBehaviour(baseline: 68, noise: 0.6, drift: 1.5, humidity: 45, doorsPerHour: 6, doorRise: -5)
        case .dry:
            ThermoBehaviour(baseline: 20, noise: 0.2, drift: 1.5, humidity: 55, doorsPerHour: 3, doorRise: 0.5)
        case .ambient:
            ThermoBehaviour(baseline: 24, noise: 0.2, drift: 2, humidity: 60, doorsPerHour: 0, doorRise: 0)
        }
    }

    public init(baseline: Double, noise: Double, drift: Double, humidity: Double, humidityNoise: Double = 1.5,
                doorsPerHour: Double, doorRise: Double, defrostEveryHours: Double = 0, defrostRise: Double = 0,
                defrostMinutes: Double = 20, battery: Double = 100, batteryDrainPerDay: Double = 0.3,
                warmTarget: Double = 9.5) {
        self.baseline = baseline
        self.noise = noise
        self.drift = drift
        self.humidity = humidity
        self.humidityNoise = humidityNoise
        self.doorsPerHour = doorsPerHour
        self.doorRise = doorRise
        self.defrostEveryHours = defrostEveryHours
        self.defrostRise = defrostRise
        self.defrostMinutes = defrostMinutes
        self.battery = battery
        self.batteryDrainPerDay = batteryDrainPerDay
        self.warmTarget = warmTarget
    }
}
