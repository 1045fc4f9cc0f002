import KitchenModel
import Testing
@testable import Gateway

@Suite struct NightlyGradingTests {
    /// 2026-12-05 00:00 China time.
    let midnight: EpochMillis = 1_796_400_000_000

    @Test func theDayBeforeIsDueFromTwoInTheMorningChinaTimeOnce() {
        #expect(NightlyGrading.dueDay(now: midnight + 2 * 3_600_000 - 1, gradedThrough: nil) == nil)
        #expect(NightlyGrading.dueDay(now: midnight + 2 * 3_600_000, gradedThrough: nil)?.description == "2026-12-04")
        #expect(NightlyGrading.dueDay(now: midnight + 23 * 3_600_000, gradedThrough: "2026-12-03")?.description == "2026-12-04")
        #expect(NightlyGrading.dueDay(now: midnight + 3 * 3_600_000, gradedThrough: "2026-12-04") == nil)
        // A gateway down for days grades the latest night, not every night it missed.
        #expect(NightlyGrading.dueDay(now: midnight + 3 * 3_600_000, gradedThrough: "2026-11-20")?.description == "2026-12-04")
        // A watermark it cannot read does not stop grading.
        #expect(NightlyGrading.dueDay(now: midnight + 3 * 3_600_000, gradedThrough: "garbage")?.description == "2026-12-04")
    }
}
