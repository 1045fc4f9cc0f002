import KitchenRules
import Logging
import ServiceLifecycle

/// Runs the complaint clocks beside the HTTP server: every minute it re-reads the holiday
/// calendar if its file changed, warns (once a day) while the calendar lacks this year or, from
/// November, next year, and escalates the complaints whose clock ran out (`FeedbackDesk.sweep`).
public struct ComplaintClockService: Service {
    let dependencies: APIDependencies
    let logger: Logger
    let interval: Duration

    public init(_ dependencies: APIDependencies, logger: Logger, interval: Duration = .seconds(60)) {
        self.dependencies = dependencies
        self.logger = logger
        self.interval = interval
    }

    public func run() async throws {
        let desk = FeedbackDesk(dependencies)
        await cancelWhenGracefulShutdown {
            var warnedOn: String?
            while !Task.isCancelled {
                warnedOn = tick(desk, warnedOn: warnedOn)
                try? await Task.sleep(for: interval)
            }
        }
    }

    /// One pass; returns the day a coverage warning was last logged.
    func tick(_ desk: FeedbackDesk, warnedOn: String?) -> String? {
        let file = dependencies.feedback.calendar
        if let problem = file.reloadIfChanged() {
            logger.error("holiday calendar not reloaded; the last good one stays", metadata: ["problem": "\(problem)"])
        }
        let today = ComplaintClocks.beijingDate(dependencies.clock.now())
        var warned = warnedOn
        let missing = [today.year, today.month >= 11 ? today.year + 1 : nil].compactMap { $0 }
            .filter { !file.calendar.covers($0) }
        if !missing.isEmpty && warnedOn != today.description {
            logger.warning("the holiday calendar lacks a year: complaint clocks count it Monday to Friday", metadata: [
                "years": "\(missing)", "file": "\(file.path ?? "bundled")",
                "fix": "add the State Council's notice for the year (docs/rules.md, Complaint clocks)",
            ])
            warned = today.description
        }
        do {
            let escalated = try desk.sweep()
            if escalated > 0 { logger.notice("overdue complaints escalated", metadata: ["count": "\(escalated)"]) }
        } catch {
            logger.error("complaint clocks not checked; next minute tries again", metadata: ["error": "\(error)"])
        }
        return warned
    }
}
