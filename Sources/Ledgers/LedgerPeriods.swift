import KitchenModel
import StorageModel

/// Calendar arithmetic the 令60 duties and purchase retention need, on China days.
extension CivilDay {
    /// Any day, also outside the 1970–9999 a typed date may name: the day before 1970-01-01 or
    /// the month after 9999-12 are periods' edges, never refused input.
    init(number: Int64) {
        self.number = number
    }

    public var date: CivilDate { CivilDate(dayNumber: number) }

    /// 0 Monday … 6 Sunday (1970-01-01 was a Thursday).
    public var weekday: Int { Int(((number + 3) % 7 + 7) % 7) }

    public func adding(days: Int64) -> CivilDay { CivilDay(number: number + days) }

    /// The same day `months` later; a day the month lacks becomes its last (31 Aug + 6 months = 28/29 Feb).
    public func adding(months: Int64) -> CivilDay {
        let d = date
        let index = d.year * 12 + (d.month - 1) + months
        let year = index / 12
        let month = index % 12 + 1
        let day = min(d.day, CivilDate.daysIn(month: month, year: year))
        return CivilDay(number: CivilDate(year: year, month: month, day: day)!.dayNumber)
    }
}

/// A day, an ISO week (Monday to Sunday) or a calendar month, in China time.
public struct LedgerPeriod: Sendable, Hashable, CustomStringConvertible {
    public enum Length: Sendable { case day, week, month }

    public let length: Length
    public let first: CivilDay
    /// The day after the period's last.
    public let end: CivilDay

    /// The period of `length` containing `day`.
    public init(_ length: Length, containing day: CivilDay) {
        self.length = length
        switch length {
        case .day:
            first = day
            end = day.adding(days: 1)
        case .week:
            first = day.adding(days: -Int64(day.weekday))
            end = first.adding(days: 7)
        case .month:
            first = day.adding(days: 1 - day.date.day)
            end = first.adding(months: 1)
        }
    }

    public var previous: LedgerPeriod { LedgerPeriod(length, containing: first.adding(days: -1)) }
    public var start: EpochMillis { first.start }
    public var endTime: EpochMillis { end.start }

    public func contains(_ time: EpochMillis) -> Bool { time >= start && time < endTime }

    /// `2026-11-20`, `2026-11-16/2026-11-22` (a week, first to last day), `2026-11`.
    public var description: String {
        switch length {
        case .day: first.description
        case .week: "\(first)/\(end.adding(days: -1))"
        case .month: String(first.description.prefix(7))
        }
    }
}
