import KitchenModel

/// A disinfection controller: when it runs, for how long, and what it reaches.
public struct DisinfectorBehaviour: Sendable, Hashable {
    public var mode: DisinfectionMode
    /// Local start times (minutes of the day, site time zone) the site or regulator preset.
    public var scheduleMinutes: [Int]
    /// Alternatively a run every N simulated minutes (demos at speed 1 want runs within minutes).
    public var everyMinutes: Double?
    public var runMinutes: Double
    /// Temperature the chamber holds during a run; nil for modes that do not heat (UV, ozone).
    public var targetCelsius: Double?
    public var heatUpMinutes: Double
    /// UV only: lamp hours at start, rated life and irradiance of a new lamp at 1 m (µW/cm²).
    public var lampHours: Double
    public var lampRatedHours: Double
    public var uvNew: Double
    /// Fraction of runs cut short (door opened, power cut), for the gateway's "run too short" rule.
    public var shortRunRate: Double

    /// The temperature a heat mode must hold (DOMAIN.md); nil when the mode has none.
    public var requiredCelsius: Double? {
        switch mode {
        case .steam: 100
        case .infrared: 120
        case .dishwasher: 85
        case .uv, .ozone: nil
        }
    }

    public static func defaultTarget(for mode: DisinfectionMode) -> Double? {
        switch mode {
        case .steam: 102
        case .infrared: 125
        case .dishwasher: 86
        case .uv, .ozone: nil
        }
    }

    public init(mode: DisinfectionMode, scheduleMinutes: [Int] = [], everyMinutes: Double? = nil,
                runMinutes: Double = 30, targetCelsius: Double? = nil, heatUpMinutes: Double = 8,
                lampHours: Double = 300, lampRatedHours: Double = 1000, uvNew: Double = 95,
                shortRunRate: Double = 0) {
        self.mode = mode
        self.scheduleMinutes = scheduleMinutes
        self.everyMinutes = everyMinutes
        self.runMinutes = runMinutes
        self.targetCelsius = targetCelsius ?? Self.defaultTarget(for: mode)
        self.heatUpMinutes = heatUpMinutes
        self.lampHours = lampHours
        self.lampRatedHours = lampRatedHours
        self.uvNew = uvNew
        self.shortRunRate = shortRunRate
    }
}
