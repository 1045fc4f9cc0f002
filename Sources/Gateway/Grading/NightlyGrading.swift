import KitchenModel
import KitchenRules
import Logging
import Reports
import StorageModel

/// The nightly grading stage: from 02:00 China time it grades the day before for every
/// registered site, once (a meta watermark), and catches up after a gateway was down that night.
enum NightlyGrading {
    static let watermarkKey = "grades_through_day"
    /// Late enough that the day's alarms, readings and ledgers have arrived.
    static let runsFrom: EpochMillis = 2 * 3_600_000

    /// The day due for grading at `now`, or nil before 02:00 China time or when it is done.
    static func dueDay(now: EpochMillis, gradedThrough: String?) -> CivilDate? {
        let china = now + 8 * 3_600_000
        let today = china >= 0 ? china / 86_400_000 : (china - 86_399_999) / 86_400_000
        guard china - today * 86_400_000 >= runsFrom else { return nil }
        let day = CivilDate(dayNumber: today - 1)
        if let gradedThrough, let done = CivilDate(parsing: gradedThrough), done >= day { return nil }
        return day
    }

    static func runIfDue(sites: [SiteConfig], store: any GatewayStore, feedback: (any FeedbackFacts)?, now: EpochMillis,
                         metrics: GatewayMetrics, logger: Logger) {
        do {
            guard let day = dueDay(now: now, gradedThrough: try store.meta(watermarkKey)) else { return }
            let start = ContinuousClock.now
            let outcome = try NightlyGrades.run(day: day, sites: sites.map(GradedSite.init), store: store, feedback: feedback,
                                                now: now)
            try store.setMeta(watermarkKey, day.description)
            metrics.gradesComputed.increment(by: Int64(outcome.stored))
            logger.info("sites graded", metadata: [
                "day": "\(day)", "sites": "\(outcome.stored)", "seconds": "\(start.duration(to: .now))",
            ])
        } catch {
            metrics.gradingFailed.increment()
            logger.error("nightly grading failed; the next check tries again", metadata: ["error": "\(error)"])
        }
    }
}
