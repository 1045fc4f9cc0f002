import Foundation
import KitchenModel

/// Calendar days as the program counts them: local days in the sites' time zone (Asia/Shanghai
/// by default), so "today" and a daily log start at local midnight, not at UTC midnight.
public struct ReportCalendar: Sendable {
    public let timeZone: TimeZone

    public init(timeZone: TimeZone) {
        self.timeZone = timeZone
    }

    public static let china = ReportCalendar(timeZone: TimeZone(identifier: OperatingHours.defaultTimeZone)!)

    private var calendar: Calendar {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        return calendar
    }

    public func startOfDay(containing time: EpochMillis) -> EpochMillis {
        Self.millis(calendar.startOfDay(for: Self.date(time)))
    }

    /// `[start, end)` of a `YYYY-MM-DD` day, nil if the text is not a real date.
    public func day(_ text: String) -> (start: EpochMillis, end: EpochMillis)? {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard text.utf8.count == 10, parts.count == 3, let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
              let date = calendar.date(from: DateComponents(year: y, month: m, day: d)),
              calendar.component(.day, from: date) == d, calendar.component(.month, from: date) == m,
              let next = calendar.date(byAdding: .day, value: 1, to: date)
        else { return nil }
        return (Self.millis(date), Self.millis(next))
    }

    /// `YYYY-MM-DD` of the local day holding `time`.
    public func dayText(_ time: EpochMillis) -> String {
        let c = calendar.dateComponents([.year, .month, .day], from: Self.date(time))
        return String(format: "%04d-%02d-%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0)
    }

    /// `YYYY-MM-DD HH:MM:SS` local time, for reports people read.
    public func timestamp(_ time: EpochMillis) -> String {
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: Self.date(time))
        return String(format: "%04d-%02d-%02d %02d:%02d:%02d", c.year ?? 0, c.month ?? 0, c.day ?? 0,
                      c.hour ?? 0, c.minute ?? 0, c.second ?? 0)
    }

    static func date(_ time: EpochMillis) -> Date { Date(timeIntervalSince1970: Double(time) / 1000) }
    static func millis(_ date: Date) -> EpochMillis { EpochMillis((date.timeIntervalSince1970 * 1000).rounded()) }
}
