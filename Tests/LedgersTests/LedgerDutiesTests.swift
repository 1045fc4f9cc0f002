import KitchenModel
import Ledgers
import StorageModel
import TestSupport
import Testing

/// What a site owes and when: a reminder near the end of a period, overdue (an alarm for the
/// regulator) once a period the site kept ledgers through ended without the record. 陪餐 per
/// meal service is a reminder only.
@Suite struct LedgerDutiesTests {
    static let day: EpochMillis = 24 * hour

    func duty(_ d: SiteLedgerDuties, _ duty: LedgerDuty) throws -> DutyStatus {
        try #require(d.duties.first { $0.duty == duty })
    }

    @Test(arguments: StoreBackend.allCases) func remindersComeFirstThenAMissedPeriodIsOverdue(_ backend: StoreBackend) throws {
        let f = try LedgerFixture(backend)
        try LedgerChecksTests.staff(f)   // recorded Friday 2026-11-20 07:00
        let site = try LedgerChecksTests.schoolSite()
        func status(at time: EpochMillis) throws -> SiteLedgerDuties {
            f.clock.now = time
            return try LedgerDuties.status(site, store: f.store, now: time)
        }

        // Friday noon: breakfast went without an escort; lunch is on; the week ends soon.
        var now = try status(at: dayOne + 12 * hour)
        #expect(now.meals.map(\.label) == ["06:30-08:30", "11:00-13:00", "17:00-19:00"])
        #expect(now.meals.map(\.reminder) == [true, false, false] && now.meals.allSatisfy { !$0.done })
        #expect(try !duty(now, .dailyCheck).reminder, "the day's check is due by closing")
        #expect(try duty(now, .weeklyReview).reminder, "Friday: the week's review is due")
        #expect(try !duty(now, .monthlyMeeting).reminder, "the 20th: the meeting is due from the 25th")
        #expect(now.overdue.isEmpty, "the site began keeping ledgers this morning: no earlier period is owed")
        try MealEscortDesk(book: f.book).record(MealEscortRecord(at: dayOne + 12 * hour, meal: "lunch", escort: "李校长", escortRole: "leader"),
                                                site: site, source: "test")
        now = try status(at: dayOne + 19 * hour + 30 * 60_000)
        #expect(now.meals.map(\.done) == [false, true, false] && now.meals.map(\.reminder) == [true, false, true])
        #expect(try duty(now, .dailyCheck).reminder, "closing time has passed without the daily check")

        // Saturday goes by without a daily check: overdue on Sunday, and the survey says alarm.
        now = try status(at: dayOne + 2 * Self.day + 8 * hour)
        #expect(try duty(now, .dailyCheck).overdue?.description == "2026-11-21")
        var survey = try LedgerDuties.survey([site], store: f.store, now: f.clock.now)
        #expect(survey.missing[.dailyCheckMissed] == [canteen] && survey.missing[.weeklyReviewMissed] == nil)
        #expect(survey.fine[.weeklyReviewMissed] == [canteen] && survey.fine[.monthlyMeetingMissed] == [canteen])

        // A late record of Saturday's check (made then, filed now) settles it.
        try SafetyCheckDesk(book: f.book).daily(DailyCheckInput(at: dayOne + Self.day + 18 * hour, officer: "w-009",
                                                                answers: LedgerChecksTests.answers()), site: site, source: "test")
        now = try status(at: f.clock.now)
        #expect(try duty(now, .dailyCheck).overdue == nil)
        survey = try LedgerDuties.survey([site], store: f.store, now: f.clock.now)
        #expect(survey.missing.isEmpty && survey.fine[.dailyCheckMissed] == [canteen])

        // The whole next week without a review; then all of December without a meeting.
        now = try status(at: dayOne + 10 * Self.day + 8 * hour)   // Monday 2026-11-30
        #expect(try duty(now, .weeklyReview).overdue?.description == "2026-11-23/2026-11-29")
        try SafetyCheckDesk(book: f.book).weekly(WeeklyReviewRecord(at: f.clock.now, officer: "w-009", summary: "补记"),
                                                 site: canteen, source: "test")
        #expect(try duty(try status(at: f.clock.now), .weeklyReview).overdue != nil,
                "a review made this week does not make up for last week's")
        now = try status(at: dayOne + 42 * Self.day + 8 * hour)   // 2027-01-01
        #expect(try duty(now, .monthlyMeeting).overdue?.description == "2026-12")
        try SafetyCheckDesk(book: f.book).monthly(MonthlyMeetingRecord(at: dayOne + 40 * Self.day, chair: "w-009", attendees: ["w-009"],
                                                                       minutes: "十二月调度会"), site: canteen, source: "test")
        #expect(try duty(try status(at: f.clock.now), .monthlyMeeting).overdue == nil)
    }

    @Test(arguments: StoreBackend.allCases) func sitesWithoutActiveStaffAreNotSurveyed(_ backend: StoreBackend) throws {
        let f = try LedgerFixture(backend)
        let site = try LedgerChecksTests.schoolSite()
        var left = StaffTests.worker("w-001")
        try StaffDesk(book: f.book).record(left, site: canteen, source: "test")
        left.active = false
        try StaffDesk(book: f.book).record(left, site: canteen, source: "test")
        let later = dayOne + 3 * Self.day + 8 * hour
        f.clock.now = later
        #expect(try LedgerDuties.status(site, store: f.store, now: later).overdue == [.dailyCheck], "the ledger itself says what is owed")
        let survey = try LedgerDuties.survey([site], store: f.store, now: later)
        #expect(survey.missing.isEmpty && survey.fine.isEmpty, "but no one works there: no alarm")
    }
}
