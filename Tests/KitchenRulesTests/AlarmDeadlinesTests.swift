import KitchenModel
import KitchenRules
import Testing

@Suite("Overdue: one definition")
struct AlarmDeadlinesTests {
    let lifecycle = AlarmLifecycle()

    /// A class-2 violation raised at 02:00 on day 0: its deadline is three days later.
    func class2() -> AlarmRecord {
        lifecycle.raise(AlarmSignal(.raise, .violation, device: key("cam-1"), label: "smoking", riskClass: .class2,
                                    at: T.at(2), detail: AlarmDetail(count: 1, message: "吸烟", messageEN: "smoking")),
                        id: "a-2").record
    }

    @Test func overdueOnlyWhileAwaitingRectificationAndPastTheDeadline() throws {
        let record = class2()
        let deadline = try #require(record.deadline)
        #expect(!AlarmDeadlines.isOverdue(record, now: deadline - 1))
        #expect(AlarmDeadlines.isOverdue(record, now: deadline))
        let acked = try lifecycle.acknowledge(record, by: "wang", at: T.at(3)).record
        #expect(AlarmDeadlines.isOverdue(acked, now: deadline + T.day))
        let rectified = try lifecycle.rectify(acked, by: "wang", action: "已制止", at: deadline + T.day).record
        #expect(!AlarmDeadlines.isOverdue(rectified, now: deadline + 2 * T.day), "rectified late is no longer overdue")
        #expect(!AlarmDeadlines.isOverdue(state: .closed, deadline: deadline, overdueAt: deadline, now: deadline + 1))
    }

    @Test func noDeadlineNeverOverdueUnlessMarked() {
        #expect(!AlarmDeadlines.isOverdue(state: .raised, deadline: nil, overdueAt: nil, now: .max))
        #expect(AlarmDeadlines.isOverdue(state: .raised, deadline: nil, overdueAt: T.at(1), now: T.at(0)))
    }

    /// The lifecycle marks `overdueAt` by the same rule, exactly once.
    @Test func lifecycleMarksOverdueByTheSameRule() throws {
        let record = class2()
        let deadline = try #require(record.deadline)
        #expect(!AlarmDeadlines.becomesOverdue(record, now: deadline - 1))
        #expect(lifecycle.due(record, now: deadline - 1).record.overdueAt == nil)
        #expect(AlarmDeadlines.becomesOverdue(record, now: deadline))
        let marked = lifecycle.due(record, now: deadline)
        #expect(marked.record.overdueAt == deadline && marked.transitions.map(\.kind) == [.overdue])
        #expect(!AlarmDeadlines.becomesOverdue(marked.record, now: deadline + T.day))
        #expect(lifecycle.due(marked.record, now: deadline + T.day).transitions.isEmpty)
    }

    @Test func reportsCountAlarmsThatWentOverdue() throws {
        let record = class2()
        let deadline = try #require(record.deadline)
        let onTime = try lifecycle.rectify(record, by: "wang", action: "已制止", at: deadline - 1).record
        #expect(!AlarmDeadlines.wentOverdue(onTime, now: deadline + T.day))
        // Rectified after the deadline, before any tick marked it: it still went overdue.
        let late = try lifecycle.rectify(record, by: "wang", action: "已制止", at: deadline + 1).record
        #expect(late.overdueAt == nil && AlarmDeadlines.wentOverdue(late, now: deadline + T.day))
        // Closed as a false detection before the deadline: never overdue.
        let dismissed = try lifecycle.close(record, by: "li", at: deadline - 1, note: "误报").record
        #expect(!AlarmDeadlines.wentOverdue(dismissed, now: deadline + T.day))
        #expect(AlarmDeadlines.wentOverdue(record, now: deadline), "open past the deadline")
    }
}
