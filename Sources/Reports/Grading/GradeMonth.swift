import KitchenModel
import KitchenRules
import StorageModel

/// A calendar month of grades, `YYYY-MM`: the period of a 红黑榜.
public struct GradeMonth: Sendable, Hashable, CustomStringConvertible {
    public let first: CivilDate
    public let last: CivilDate

    public var days: Int { Int(last.day) }
    public var description: String { String(first.description.prefix(7)) }

    /// Nil unless `text` is `YYYY-MM` with a real month from 1970 on.
    public init?(parsing text: String) {
        guard text.utf8.count == 7, let first = CivilDate(parsing: text + "-01"), first.year >= 1970 else { return nil }
        self.first = first
        last = CivilDate(year: first.year, month: first.month, day: CivilDate.daysIn(month: first.month, year: first.year))!
    }

    /// The month before the one containing `now` (China time): the latest complete month.
    public static func previous(to now: EpochMillis) -> GradeMonth {
        let today = CivilDate(dayNumber: (now + 8 * 3_600_000) / 86_400_000)
        let (y, m) = today.month == 1 ? (today.year - 1, Int64(12)) : (today.year, today.month - 1)
        return GradeMonth(parsing: "\(CivilDate.pad(y, 4))-\(CivilDate.pad(m, 2))")!
    }

    /// The region's lists from the month's stored grades, and those grades.
    public func lists(region: String, store: any GradeStore) throws -> (lists: MonthlyLists, grades: [StoredGrade]) {
        let stored = try store.grades(fromDay: first.description, toDay: last.description, regionPrefix: region)
        let lists = MonthlyLists.build(month: days, grades: stored.compactMap { row in
            GradeBody.decode(row).map { (site: row.site.rawValue, grade: $0.grade) }
        })
        return (lists, stored)
    }
}
