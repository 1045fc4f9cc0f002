import KitchenModel

/// China's working days: Monday to Friday, minus the public holidays, plus the weekend days
/// worked in their place (调休), as the State Council's yearly notice (国务院办公厅关于 N 年部分节假日
/// 安排的通知) sets them. The deployment keeps the file up to date each November, when the next
/// year's notice is published (docs/rules.md, "Complaint clocks", gives the format).
///
/// A year the file does not cover is counted Monday to Friday; `covers(_:)` says so and the
/// gateway warns, because a clock running through an uncovered Spring Festival ends early.
public struct HolidayCalendar: Sendable, Equatable {
    public private(set) var holidays: Set<CivilDate> = []
    public private(set) var workdays: Set<CivilDate> = []
    /// Years the file declares complete (`year 2026`).
    public private(set) var years: Set<Int64> = []
    /// `source ...` lines, as written.
    public private(set) var sources: [String] = []

    public init() {}

    public struct Problem: Error, Equatable, CustomStringConvertible {
        public let line: Int
        public let message: String
        public var description: String { "line \(line): \(message)" }

        public init(line: Int, message: String) {
            self.line = line
            self.message = message
        }
    }

    /// Reads the calendar file: one entry a line, `#` starts a comment.
    ///
    ///     source <where the dates come from>
    ///     year 2026
    ///     2026-10-01 holiday 国庆节
    ///     2026-10-10 workday 国庆节调休上班
    ///
    /// A date's year must be declared by a `year` line; a date both holiday and workday is refused.
    public static func parse(_ text: String) throws(Problem) -> HolidayCalendar {
        var calendar = HolidayCalendar()
        var dated: [(Int, CivilDate)] = []
        for (index, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = index + 1
            let content = raw.split(separator: "#", maxSplits: 1, omittingEmptySubsequences: false).first ?? ""
            let words = content.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
            guard let first = words.first else { continue }
            switch first {
            case "source":
                calendar.sources.append(words.dropFirst().joined(separator: " "))
            case "year":
                guard words.count == 2, let year = Int64(words[1]), (2000...2200).contains(year) else {
                    throw Problem(line: line, message: "expected 'year YYYY'")
                }
                calendar.years.insert(year)
            default:
                guard words.count >= 2, let date = Self.date(first) else {
                    throw Problem(line: line, message: "expected 'YYYY-MM-DD holiday|workday [name]', 'year YYYY' or 'source ...'")
                }
                switch words[1] {
                case "holiday":
                    guard !calendar.workdays.contains(date) else { throw Problem(line: line, message: "\(date) is also a workday") }
                    calendar.holidays.insert(date)
                case "workday":
                    guard !calendar.holidays.contains(date) else { throw Problem(line: line, message: "\(date) is also a holiday") }
                    calendar.workdays.insert(date)
                default:
                    throw Problem(line: line, message: "'\(words[1].prefix(20))' is neither 'holiday' nor 'workday'")
                }
                dated.append((line, date))
            }
        }
        for (line, date) in dated where !calendar.years.contains(date.year) {
            throw Problem(line: line, message: "\(date) lies in a year without a 'year \(date.year)' line")
        }
        return calendar
    }

    static func date(_ text: Substring) -> CivilDate? {
        let parts = text.split(separator: "-")
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let y = Int64(parts[0]), let m = Int64(parts[1]), let d = Int64(parts[2]) else { return nil }
        return CivilDate(year: y, month: m, day: d)
    }

    public func covers(_ year: Int64) -> Bool { years.contains(year) }

    public func isWorkingDay(_ date: CivilDate) -> Bool {
        if holidays.contains(date) { return false }
        if workdays.contains(date) { return true }
        // 1970-01-01 was a Thursday: day number 0 → weekday 4 (Monday = 1 … Sunday = 7).
        let weekday = ((date.dayNumber % 7) + 7 + 3) % 7 + 1
        return weekday <= 5
    }

    /// The `n`th working day after `date` (the day itself not counted).
    public func workingDay(_ n: Int, after date: CivilDate) -> CivilDate {
        var day = date.dayNumber
        var counted = 0
        while counted < n {
            day += 1
            if isWorkingDay(CivilDate(dayNumber: day)) { counted += 1 }
        }
        return CivilDate(dayNumber: day)
    }
}

/// The legal clocks of complaints and tip-offs (投诉举报处理暂行办法, SAMR 令20; DOMAIN.md,
/// "Co-governance and grading"), in Beijing time: each ends at midnight after its last working day.
public enum ComplaintClocks {
    /// Working days to accept or refuse a complaint.
    public static let decideWorkingDays = 7
    /// Working days to check a tip-off.
    public static let checkWorkingDays = 15
    /// Working days mediation of an accepted complaint may take.
    public static let mediateWorkingDays = 45

    static let beijingOffset: EpochMillis = 8 * 3_600_000
    static let day: EpochMillis = 86_400_000

    /// The Beijing-time date of an instant.
    public static func beijingDate(_ at: EpochMillis) -> CivilDate {
        let shifted = at + beijingOffset
        return CivilDate(dayNumber: (shifted >= 0 ? shifted : shifted - day + 1) / day)
    }

    /// The end (exclusive) of the `n`th working day after the day of `at`.
    public static func deadline(_ n: Int, after at: EpochMillis, calendar: HolidayCalendar) -> EpochMillis {
        let last = calendar.workingDay(n, after: beijingDate(at))
        return (last.dayNumber + 1) * day - beijingOffset
    }
}
