import KitchenModel
import KitchenRules

/// Plain `EpochMillis` arithmetic is the fake clock: days pass in microseconds.
enum T {
    static let second: EpochMillis = 1_000
    static let minute: EpochMillis = 60 * second
    static let hour: EpochMillis = 60 * minute
    static let day: EpochMillis = 24 * hour
    /// 2025-03-10 00:00 Asia/Shanghai (a Monday).
    static let midnight: EpochMillis = 1_741_536_000_000

    static func at(_ hour: Int, _ minute: Int = 0, day: Int = 0) -> EpochMillis {
        midnight + EpochMillis(day) * T.day + EpochMillis(hour) * T.hour + EpochMillis(minute) * T.minute
    }
}

func key(_ device: String, site: String = "site-1") -> DeviceKey {
    DeviceKey(site: SiteID(site)!, device: DeviceID(device)!)
}

extension Array where Element == AlarmSignal {
    var actions: [String] { map { "\($0.action.rawValue) \($0.kind.rawValue)" } }
    func of(_ kind: AlarmKind) -> [AlarmSignal] { filter { $0.kind == kind } }
}

/// Feeds a thermometer one reading a minute.
struct ThermoSimulation {
    var rules: ThermoRules
    var profile: ZoneProfile
    var sensor = SensorLimits()
    var now: EpochMillis = T.midnight
    var log: [(minute: Int, signal: AlarmSignal)] = []
    private var minute = 0

    init(zone: Zone, device: String = "fridge-1", profile: ZoneProfile? = nil) {
        rules = ThermoRules(device: key(device))
        self.profile = profile ?? .defaults(for: zone)
    }

    /// `minutes` readings, one a minute; returns the signals they caused.
    @discardableResult
    mutating func run(minutes: Int, _ reading: (Int) -> ThermoReading) -> [AlarmSignal] {
        var out: [AlarmSignal] = []
        for i in 0..<minutes {
            let signals = rules.observe(reading(i), at: now, profile: profile, sensor: sensor)
            out += signals
            log += signals.map { (minute, $0) }
            now += T.minute
            minute += 1
        }
        return out
    }

    @discardableResult
    mutating func run(minutes: Int, celsius: Double) -> [AlarmSignal] {
        run(minutes: minutes) { _ in ThermoReading(celsius: celsius) }
    }
}
