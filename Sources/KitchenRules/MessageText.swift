import Foundation
import KitchenModel

/// Number, duration and clock formatting for the sentences in `AlarmDetail`. Kept free of
/// `String(format:)` and locale machinery: messages must read the same on every host.
enum MessageText {
    /// One decimal, no trailing `.0`: 9.2, 8, -18.5.
    static func number(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        if rounded == rounded.rounded(), abs(rounded) < 1e15 {
            return String(Int64(rounded))
        }
        return String(rounded)
    }

    static func durationZH(_ millis: EpochMillis) -> String {
        let minutes = max(0, millis) / Millis.minute
        if minutes < 60 { return "\(minutes) 分钟" }
        let hours = minutes / 60, rest = minutes % 60
        if hours < 48 { return rest == 0 ? "\(hours) 小时" : "\(hours) 小时 \(rest) 分钟" }
        return "\(hours / 24) 天 \(hours % 24) 小时"
    }

    static func durationEN(_ millis: EpochMillis) -> String {
        let minutes = max(0, millis) / Millis.minute
        if minutes < 60 { return "\(minutes) min" }
        let hours = minutes / 60, rest = minutes % 60
        if hours < 48 { return rest == 0 ? "\(hours) h" : "\(hours) h \(rest) min" }
        return "\(hours / 24) d \(hours % 24) h"
    }

    static func seconds(_ value: Double) -> String {
        value >= 120 ? "\(Int(value / 60)) 分钟" : "\(Int(value.rounded())) 秒"
    }

    static func secondsEN(_ value: Double) -> String {
        value >= 120 ? "\(Int(value / 60)) min" : "\(Int(value.rounded())) s"
    }
}

/// Local wall-clock arithmetic for schedules and daily digests. Pure: the instant is an argument.
enum LocalTime {
    static func timeZone(_ identifier: String) -> TimeZone {
        TimeZone(identifier: identifier) ?? TimeZone(identifier: OperatingHours.defaultTimeZone)!
    }

    static func offsetMillis(_ zone: TimeZone, at time: EpochMillis) -> EpochMillis {
        EpochMillis(zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(time) / 1_000))) * Millis.second
    }

    /// Days since 1970-01-01 in local time.
    static func dayNumber(_ time: EpochMillis, in zone: TimeZone) -> Int64 {
        let local = time + offsetMillis(zone, at: time)
        return Int64((Double(local) / Double(Millis.day)).rounded(.down))
    }

    /// The UTC instant of local midnight that starts local day `day`.
    static func midnight(ofDay day: Int64, in zone: TimeZone) -> EpochMillis {
        let guess = day * Millis.day
        return guess - offsetMillis(zone, at: guess)
    }

    static func minuteOfDay(_ time: EpochMillis, in zone: TimeZone) -> Int {
        let local = time + offsetMillis(zone, at: time)
        let inDay = ((local % Millis.day) + Millis.day) % Millis.day
        return Int(inDay / Millis.minute)
    }

    /// `2025-03-14` for a local day number (Hinnant's civil-from-days).
    static func dayString(_ day: Int64) -> String {
        let date = CivilDate(dayNumber: day)
        return "\(date.year)-\(pad(date.month))-\(pad(date.day))"
    }

    static func hhmm(_ minuteOfDay: Int) -> String {
        "\(pad(Int64(minuteOfDay / 60))):\(pad(Int64(minuteOfDay % 60)))"
    }

    static func clock(_ time: EpochMillis, in zone: TimeZone) -> String {
        hhmm(minuteOfDay(time, in: zone))
    }

    private static func pad(_ n: Int64) -> String { n < 10 ? "0\(n)" : "\(n)" }
}
