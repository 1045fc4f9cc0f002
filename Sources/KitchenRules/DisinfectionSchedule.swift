import Foundation
import KitchenModel

/// When a disinfection controller is expected to run ("设备运行时间预设"), as local times of day.
/// Derived schedules ("30 min before each service", "after each service") are resolved to times
/// when built, so the stored schedule is exactly what was pushed to the controller.
public struct DisinfectionSchedule: Sendable, Hashable, Codable {
    public var mode: DisinfectionMode
    /// Minutes after local midnight, sorted, unique.
    public var minutes: [Int]
    /// How long each run should last; sent to the controller as `run_min`.
    public var runMinutes: Int
    /// IANA time zone the times are local to (the site's operating-hours zone).
    public var timeZone: String

    public enum ScheduleError: Error, Hashable, CustomStringConvertible {
        case badTime(String)
        case unknownTimeZone(String)
        case badRunMinutes(Int)

        public var description: String {
            switch self {
            case .badTime(let t): "schedule time '\(t)' must look like 10:30 (24-hour clock, 00:00-23:59)"
            case .unknownTimeZone(let z): "unknown time zone '\(z)' (use an IANA name such as Asia/Shanghai)"
            case .badRunMinutes(let m): "run length \(m) min must be between 1 and 1440"
            }
        }
    }

    /// Explicit times, e.g. `["06:00", "10:30", "16:30"]`.
    public init(mode: DisinfectionMode, times: [String], runMinutes: Int,
                timeZone: String = OperatingHours.defaultTimeZone) throws(ScheduleError) {
        guard (1...1_440).contains(runMinutes) else { throw .badRunMinutes(runMinutes) }
        guard TimeZone(identifier: timeZone) != nil else { throw .unknownTimeZone(timeZone) }
        var minutes: [Int] = []
        for text in times {
            guard let m = Self.minuteOfDay(text) else { throw .badTime(text) }
            minutes.append(m)
        }
        self.init(mode: mode, minutes: minutes, runMinutes: runMinutes, timeZone: timeZone)
    }

    init(mode: DisinfectionMode, minutes: [Int], runMinutes: Int, timeZone: String) {
        self.mode = mode
        self.minutes = Array(Set(minutes.map { (($0 % 1_440) + 1_440) % 1_440 })).sorted()
        self.runMinutes = runMinutes
        self.timeZone = timeZone
    }

    /// A run `leadMinutes` before each service starts, e.g. UV 30 min before each meal service
    /// (so the room has been irradiated for 30 min before anyone works in it).
    public static func beforeEachService(_ hours: OperatingHours, leadMinutes: Int, mode: DisinfectionMode = .uv,
                                         runMinutes: Int = 30) -> DisinfectionSchedule {
        DisinfectionSchedule(mode: mode, minutes: serviceStarts(hours).map { $0 - leadMinutes },
                             runMinutes: runMinutes, timeZone: hours.timeZone.identifier)
    }

    /// A run `lagMinutes` after each service ends, e.g. the dish cabinet after each meal.
    public static func afterEachService(_ hours: OperatingHours, lagMinutes: Int = 0,
                                        mode: DisinfectionMode = .infrared, runMinutes: Int = 20) -> DisinfectionSchedule {
        DisinfectionSchedule(mode: mode, minutes: serviceEnds(hours).map { $0 + lagMinutes },
                             runMinutes: runMinutes, timeZone: hours.timeZone.identifier)
    }

    /// `"06:00,10:30"`
    public var timesText: String {
        minutes.map(LocalTime.hhmm).joined(separator: ",")
    }

    /// The fields of `{"cmd": "schedule", ...}`: `times`, `mode`, `run_min`.
    public var commandFields: [String: String] {
        ["times": timesText, "mode": mode.rawValue, "run_min": String(runMinutes)]
    }

    /// Slot instants in `(after, through]`, in time order.
    func slots(after: EpochMillis, through: EpochMillis) -> [EpochMillis] {
        guard through > after, !minutes.isEmpty else { return [] }
        let zone = LocalTime.timeZone(timeZone)
        var result: [EpochMillis] = []
        var day = LocalTime.dayNumber(after, in: zone)
        let lastDay = LocalTime.dayNumber(through, in: zone)
        while day <= lastDay {
            let midnight = LocalTime.midnight(ofDay: day, in: zone)
            for minute in minutes {
                let slot = midnight + EpochMillis(minute) * Millis.minute
                if slot > after, slot <= through { result.append(slot) }
            }
            day += 1
        }
        return result
    }

    /// Operating hours split at midnight (`22:00-06:00` is stored as two intervals); the pieces
    /// touching 00:00 / 24:00 are a continuation, not a service boundary. `always` has none.
    static func serviceStarts(_ hours: OperatingHours) -> [Int] {
        let wrapsIn = hours.intervals.contains { $0.end == 1_440 }
        return hours.intervals.map(\.start).filter { !($0 == 0 && wrapsIn) }
    }

    static func serviceEnds(_ hours: OperatingHours) -> [Int] {
        let wrapsOut = hours.intervals.contains { $0.start == 0 }
        return hours.intervals.map(\.end).filter { !($0 == 1_440 && wrapsOut) }
    }

    static func minuteOfDay(_ text: String) -> Int? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[1].count == 2, (1...2).contains(parts[0].count),
              let h = Int(parts[0]), let m = Int(parts[1]), (0..<24).contains(h), (0..<60).contains(m)
        else { return nil }
        return h * 60 + m
    }
}
