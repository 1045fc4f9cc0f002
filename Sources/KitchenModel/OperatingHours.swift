import Foundation

/// When a kitchen is working, e.g. `"06:00-20:00"` or `"06:00-09:30,10:30-13:30"`.
/// A range may wrap midnight (`"22:00-06:00"`). Times are local to `timeZone`,
/// which defaults to Asia/Shanghai because the program is Chinese.
public struct OperatingHours: Hashable, Sendable, CustomStringConvertible {
    /// Minute-of-day intervals, start inclusive, end exclusive.
    public struct Interval: Hashable, Sendable {
        public let start: Int
        public let end: Int
    }

    public static let defaultTimeZone = "Asia/Shanghai"

    public let intervals: [Interval]
    public let timeZone: TimeZone

    public enum ParseError: Error, CustomStringConvertible, Equatable {
        case badRange(String)
        case unknownTimeZone(String)

        public var description: String {
            switch self {
            case .badRange(let r):
                return "operating hours '\(r)' must look like 06:00-20:00 (24-hour clock, comma separated)"
            case .unknownTimeZone(let z):
                return "unknown time zone '\(z)' (use an IANA name such as Asia/Shanghai)"
            }
        }
    }

    /// Open around the clock, for sites that never close (central kitchens, hospitals).
    public static let always = OperatingHours(intervals: [Interval(start: 0, end: 24 * 60)],
                                              timeZone: TimeZone(identifier: defaultTimeZone)!)

    init(intervals: [Interval], timeZone: TimeZone) {
        self.intervals = intervals
        self.timeZone = timeZone
    }

    public init(parsing text: String, timeZone zoneName: String? = nil) throws {
        let zoneID = zoneName ?? Self.defaultTimeZone
        guard let zone = TimeZone(identifier: zoneID) else { throw ParseError.unknownTimeZone(zoneID) }
        var intervals: [Interval] = []
        for piece in text.split(separator: ",") {
            let range = piece.trimmingCharacters(in: .whitespaces)
            let ends = range.split(separator: "-")
            guard ends.count == 2, let start = Self.minuteOfDay(ends[0]), let end = Self.minuteOfDay(ends[1]),
                  start != end
            else { throw ParseError.badRange(range) }
            if start < end {
                intervals.append(Interval(start: start, end: end))
            } else {
                intervals.append(Interval(start: start, end: 24 * 60))
                intervals.append(Interval(start: 0, end: end))
            }
        }
        guard !intervals.isEmpty else { throw ParseError.badRange(text) }
        self.intervals = intervals
        self.timeZone = zone
    }

    /// Accepts `H:MM` or `HH:MM`, and `24:00` as the end of the day.
    private static func minuteOfDay(_ text: Substring) -> Int? {
        let hm = text.trimmingCharacters(in: .whitespaces).split(separator: ":")
        guard hm.count == 2, hm[1].count == 2, let h = Int(hm[0]), let m = Int(hm[1]),
              (0...24).contains(h), (0..<60).contains(m), h * 60 + m <= 24 * 60
        else { return nil }
        return h * 60 + m
    }

    public func isOpen(at time: EpochMillis) -> Bool {
        let date = Date(timeIntervalSince1970: Double(time) / 1000)
        let localSeconds = Int64(time / 1000) + Int64(timeZone.secondsFromGMT(for: date))
        let minute = Int(((localSeconds % 86_400) + 86_400) % 86_400 / 60)
        return intervals.contains { minute >= $0.start && minute < $0.end }
    }

    public var description: String {
        func hhmm(_ m: Int) -> String {
            let h = m / 60, mm = m % 60
            return (h < 10 ? "0" : "") + "\(h):" + (mm < 10 ? "0" : "") + "\(mm)"
        }
        return intervals.map { "\(hhmm($0.start))-\(hhmm($0.end))" }.joined(separator: ",")
    }
}
