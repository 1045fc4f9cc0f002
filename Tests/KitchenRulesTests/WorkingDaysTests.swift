import Foundation
import KitchenModel
import KitchenRules
import Testing

/// The calendar this repository ships (Sources/WebAPI/Complaints/holidays-cn.txt), read from the checkout.
private func bundledCalendar() throws -> HolidayCalendar {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Sources/WebAPI/Complaints/holidays-cn.txt")
    return try HolidayCalendar.parse(String(contentsOf: url, encoding: .utf8))
}

private func day(_ text: String) -> CivilDate {
    let p = text.split(separator: "-").map { Int64($0)! }
    return CivilDate(year: p[0], month: p[1], day: p[2])!
}

/// Beijing midnight starting `text`, in epoch milliseconds.
private func beijingMidnight(_ text: String) -> EpochMillis { day(text).dayNumber * 86_400_000 - 8 * 3_600_000 }

@Suite struct WorkingDaysTests {
    @Test func theBundledCalendarHolds2026AsTheStateCouncilSetIt() throws {
        let calendar = try bundledCalendar()
        #expect(calendar.covers(2026))
        #expect(calendar.sources.first?.contains("国办发明电〔2025〕7号") == true)
        // Spring Festival: Sunday 15 to Monday 23 February off; Saturdays 14 and 28 February worked.
        #expect(!calendar.isWorkingDay(day("2026-02-16")))
        #expect(!calendar.isWorkingDay(day("2026-02-23")))
        #expect(calendar.isWorkingDay(day("2026-02-14")))
        #expect(calendar.isWorkingDay(day("2026-02-28")))
        #expect(calendar.isWorkingDay(day("2026-02-24")))
        // National Day: 1–7 October off; Sunday 20 September and Saturday 10 October worked.
        #expect(!calendar.isWorkingDay(day("2026-10-05")))
        #expect(calendar.isWorkingDay(day("2026-09-20")))
        #expect(calendar.isWorkingDay(day("2026-10-10")))
        // An ordinary week.
        #expect(calendar.isWorkingDay(day("2026-11-23")))
        #expect(!calendar.isWorkingDay(day("2026-11-22")))
    }

    @Test func sevenWorkingDaysSkipWeekendsHolidaysAndCountMakeUpDays() throws {
        let calendar = try bundledCalendar()
        // Filed Wednesday 11 Feb 2026: 12, 13, 14 (make-up Saturday), then 24, 25, 26, 27 February.
        #expect(calendar.workingDay(7, after: day("2026-02-11")) == day("2026-02-27"))
        // Filed Monday 28 Sep: 29, 30 Sep, then 8, 9, 10 (make-up Saturday), 12, 13 October.
        #expect(calendar.workingDay(7, after: day("2026-09-28")) == day("2026-10-13"))
        // Without a calendar: Monday to Friday only.
        #expect(HolidayCalendar().workingDay(7, after: day("2026-09-28")) == day("2026-10-07"))
    }

    @Test func aDeadlineEndsAtBeijingMidnightAfterItsLastWorkingDay() throws {
        let calendar = try bundledCalendar()
        // 23:30 Beijing on Monday 23 Nov 2026 is still the 23rd: seven working days end with Wednesday 2 December.
        let filed = beijingMidnight("2026-11-24") - 30 * 60_000
        #expect(ComplaintClocks.deadline(7, after: filed, calendar: calendar) == beijingMidnight("2026-12-03"))
        // 00:30 Beijing on the 24th (16:30 UTC the day before) counts from the 24th.
        let later = beijingMidnight("2026-11-24") + 30 * 60_000
        #expect(ComplaintClocks.deadline(7, after: later, calendar: calendar) == beijingMidnight("2026-12-04"))
        #expect(ComplaintClocks.beijingDate(later) == day("2026-11-24"))
    }

    @Test func aBadFileIsRefusedWithItsLine() {
        #expect(throws: HolidayCalendar.Problem(line: 2, message: "2027-01-01 lies in a year without a 'year 2027' line")) {
            try HolidayCalendar.parse("year 2026\n2027-01-01 holiday 元旦\n")
        }
        #expect(throws: HolidayCalendar.Problem(line: 3, message: "2026-01-04 is also a holiday")) {
            try HolidayCalendar.parse("year 2026\n2026-01-04 holiday x\n2026-01-04 workday y\n")
        }
        #expect(throws: (any Error).self) { try HolidayCalendar.parse("year 2026\n2026-02-30 holiday x\n") }
        #expect(throws: (any Error).self) { try HolidayCalendar.parse("year 2026\n2026-02-03 vacation\n") }
        #expect(throws: (any Error).self) { try HolidayCalendar.parse("year twenty\n") }
    }
}
