import KitchenModel
import Testing
import KitchenRules

@Suite("Alarm lifecycle: the closed loop")
struct AlarmLifecycleTests {
    let lifecycle = AlarmLifecycle()
    let cam = key("cam-1")
    let fridge = key("fridge-1")

    func violation(_ label: String, _ riskClass: RiskClass, at time: EpochMillis = T.at(2)) -> AlarmRecord {
        let signal = AlarmSignal(.raise, .violation, device: cam, label: label, riskClass: riskClass, at: time,
                                 detail: AlarmDetail(count: 1, message: "发现", messageEN: "seen"))
        return lifecycle.raise(signal, id: "a-1").record
    }

    func equipment(_ action: AlarmSignal.Action = .raise, at time: EpochMillis = T.at(2)) -> AlarmSignal {
        AlarmSignal(action, .tooWarm, device: fridge, at: time, detail: AlarmDetail(value: 9, message: "热", messageEN: "warm"))
    }

    @Test("happy path: raised → acknowledged → rectified → closed")
    func happyPath() throws {
        let raised = lifecycle.raise(AlarmSignal(.raise, .violation, device: cam, label: "rodent", riskClass: .class1,
                                                 at: T.at(2), detail: AlarmDetail(snapshot: "s1", message: "鼠", messageEN: "rat")),
                                     id: "a-1")
        #expect(raised.transitions.map(\.kind) == [.raised])
        #expect(raised.record.state == .raised && raised.record.notifyCount == 1 && raised.record.evidence == ["s1"])
        #expect(raised.record.deadline == nil)
        let acked = try lifecycle.acknowledge(raised.record, by: "wang", at: T.at(2, 5))
        #expect(acked.transitions.map(\.kind) == [.acknowledged])
        #expect(acked.record.acknowledgedBy == "wang" && acked.record.acknowledgedAt == T.at(2, 5))
        let fixed = try lifecycle.rectify(acked.record, by: "wang", action: "封堵洞口，放置粘鼠板", evidence: ["photo-1"],
                                          at: T.at(9))
        #expect(fixed.transitions.map(\.kind) == [.rectified])
        #expect(fixed.record.state == .rectified && fixed.record.rectifyAction == "封堵洞口，放置粘鼠板")
        #expect(fixed.record.evidence == ["s1", "photo-1"])
        let closed = try lifecycle.close(fixed.record, by: "regulator-li", at: T.at(10), note: "复查合格")
        #expect(closed.transitions.map(\.kind) == [.closed])
        #expect(closed.record.state == .closed && closed.record.closedBy == "regulator-li")
        #expect(closed.transitions[0].by == "regulator-li" && closed.transitions[0].note == "复查合格")
        #expect(lifecycle.due(closed.record, now: T.at(0, 0, day: 20)).transitions.isEmpty)
    }

    @Test("rectifying an unacknowledged alarm acknowledges it too")
    func rectifyImpliesAck() throws {
        let step = try lifecycle.rectify(violation("smoking", .class2), by: "zhao", action: "已批评教育", at: T.at(3))
        #expect(step.transitions.map(\.kind) == [.acknowledged, .rectified])
        #expect(step.record.acknowledgedBy == "zhao")
    }

    @Test("illegal transitions are refused with a clear error")
    func illegal() throws {
        let open = violation("rodent", .class1)
        let acked = try lifecycle.acknowledge(open, by: "wang", at: T.at(3))
        let closed = try lifecycle.close(open, by: "li", at: T.at(4), note: "误报：玩具")

        #expect(throws: LifecycleError.alreadyAcknowledged(alarmID: "a-1", by: "wang", at: T.at(3))) {
            try lifecycle.acknowledge(acked.record, by: "zhang", at: T.at(4))
        }
        #expect(throws: LifecycleError.alarmClosed(alarmID: "a-1", closedAt: T.at(4))) {
            try lifecycle.acknowledge(closed.record, by: "wang", at: T.at(5))
        }
        #expect(throws: LifecycleError.alarmClosed(alarmID: "a-1", closedAt: T.at(4))) {
            try lifecycle.rectify(closed.record, by: "wang", action: "x", at: T.at(5))
        }
        #expect(throws: LifecycleError.alarmClosed(alarmID: "a-1", closedAt: T.at(4))) {
            try lifecycle.close(closed.record, by: "li", at: T.at(5))
        }
        #expect(throws: LifecycleError.actionRequired(alarmID: "a-1")) {
            try lifecycle.rectify(acked.record, by: "wang", action: "  \n ", at: T.at(5))
        }
        #expect(throws: LifecycleError.actorRequired(alarmID: "a-1")) {
            try lifecycle.acknowledge(open, by: " ", at: T.at(5))
        }
        #expect(throws: LifecycleError.reasonRequired(alarmID: "a-1")) {
            try lifecycle.close(acked.record, by: "li", at: T.at(5))
        }
        let fixed = try lifecycle.rectify(acked.record, by: "wang", action: "灭鼠", at: T.at(6))
        #expect(throws: LifecycleError.alreadyRectified(alarmID: "a-1", at: T.at(6))) {
            try lifecycle.rectify(fixed.record, by: "wang", action: "again", at: T.at(7))
        }
        #expect(throws: LifecycleError.alreadyRectified(alarmID: "a-1", at: T.at(6))) {
            try lifecycle.acknowledge(fixed.record, by: "wang", at: T.at(7))
        }
        let warm = lifecycle.raise(equipment(), id: "a-2").record
        #expect(throws: LifecycleError.conditionNotCleared(alarmID: "a-2", kind: .tooWarm)) {
            try lifecycle.close(warm, by: "li", at: T.at(5))
        }
    }

    @Test("errors say what to fix", arguments: [
        LifecycleError.actorRequired(alarmID: "a-9"), .alarmClosed(alarmID: "a-9", closedAt: 1),
        .alreadyAcknowledged(alarmID: "a-9", by: "wang", at: 1), .alreadyRectified(alarmID: "a-9", at: 1),
        .actionRequired(alarmID: "a-9"), .conditionNotCleared(alarmID: "a-9", kind: .offline),
        .reasonRequired(alarmID: "a-9"),
    ])
    func errorMessages(error: LifecycleError) {
        #expect(error.description.contains("a-9"))
        #expect(!error.messageZH.isEmpty)
    }

    @Test("unacknowledged alarms re-notify every 2 h up to 24 h")
    func renotifyCadence() {
        var record = violation("rodent", .class1)
        var transitions: [Transition] = []
        var now = record.raisedAt
        while now <= record.raisedAt + 30 * T.hour {
            let step = lifecycle.due(record, now: now)
            record = step.record
            transitions += step.transitions
            now += 10 * T.minute
        }
        let reminders = transitions.filter { $0.kind == .renotified }
        #expect(reminders.map(\.at) == (1...12).map { record.raisedAt + EpochMillis($0) * 2 * T.hour })
        #expect(record.notifyCount == 13)
        #expect(lifecycle.nextDue(record) == record.raisedAt + 5 * T.day)  // only the yellow card is left
    }

    @Test("acknowledging stops the reminders")
    func ackStopsReminders() throws {
        var record = violation("rodent", .class1)
        var reminders = 0
        var now = record.raisedAt
        while now <= record.raisedAt + 24 * T.hour {
            if now == record.raisedAt + 5 * T.hour { record = try lifecycle.acknowledge(record, by: "wang", at: now).record }
            let step = lifecycle.due(record, now: now)
            record = step.record
            reminders += step.transitions.filter { $0.kind == .renotified }.count
            now += 10 * T.minute
        }
        #expect(reminders == 2)
    }

    @Test("a late tick (after a restart) sends one reminder, not a burst")
    func lateTick() {
        let record = violation("rodent", .class1)
        let step = lifecycle.due(record, now: record.raisedAt + 7 * T.hour)
        #expect(step.transitions.map(\.kind) == [.renotified])
        #expect(step.record.notifyCount == 4)
        #expect(lifecycle.nextDue(step.record) == record.raisedAt + 8 * T.hour)
        let lastOne = lifecycle.due(record, now: record.raisedAt + 25 * T.hour)
        #expect(lastOne.transitions.map(\.kind) == [.renotified])
        let afterWindow = lifecycle.due(record, now: record.raisedAt + 3 * T.day)
        #expect(afterWindow.transitions.isEmpty)
        #expect(afterWindow.record.notifyCount == 13)
    }

    @Test("class 1 not rectified: yellow card at day 5, red at day 10")
    func cards() throws {
        var record = try lifecycle.acknowledge(violation("rodent", .class1), by: "wang", at: T.at(3)).record
        var seen: [Transition] = []
        var now = record.raisedAt
        while now <= record.raisedAt + 12 * T.day {
            let step = lifecycle.due(record, now: now)
            record = step.record
            seen += step.transitions
            now += T.hour
        }
        #expect(seen.map(\.kind) == [.escalatedYellow, .escalatedRed])
        #expect(seen.map(\.at) == [record.raisedAt + 5 * T.day, record.raisedAt + 10 * T.day])
        #expect(seen.map(\.card) == [.yellow, .red])
        #expect(record.card == .red)
        #expect(lifecycle.nextDue(record) == nil)
    }

    @Test("rectified before day 10: the yellow card stays, no red")
    func rectifiedStopsCards() throws {
        var record = violation("intrusion", .class1)
        record = lifecycle.due(record, now: record.raisedAt + 5 * T.day).record
        #expect(record.card == .yellow)
        record = try lifecycle.rectify(record, by: "wang", action: "更换门锁", at: record.raisedAt + 7 * T.day).record
        #expect(lifecycle.due(record, now: record.raisedAt + 11 * T.day).transitions.isEmpty)
        #expect(record.card == .yellow)
    }

    @Test("a tick after day 10 with no card yet gives both cards in order")
    func catchUpCards() {
        let step = lifecycle.due(violation("pest", .class1), now: T.at(2, day: 11))
        #expect(step.transitions.map(\.kind) == [.escalatedYellow, .escalatedRed])
    }

    @Test("class 2 past its 3-day deadline is overdue, once")
    func overdue() throws {
        let record = violation("bin_open", .class2)
        #expect(record.deadline == record.raisedAt + 3 * T.day)
        #expect(lifecycle.due(record, now: record.raisedAt + 3 * T.day - 1).transitions.filter { $0.kind == .overdue }.isEmpty)
        let late = lifecycle.due(record, now: record.raisedAt + 3 * T.day)
        #expect(late.transitions.map(\.kind).contains(.overdue))
        #expect(late.record.overdueAt == record.raisedAt + 3 * T.day)
        #expect(!lifecycle.due(late.record, now: record.raisedAt + 4 * T.day).transitions.map(\.kind).contains(.overdue))
        #expect(late.record.card == .none)  // cards are for class 1
        let fixed = try lifecycle.rectify(record, by: "zhao", action: "加盖", at: record.raisedAt + T.day)
        #expect(lifecycle.due(fixed.record, now: record.raisedAt + 4 * T.day).transitions.isEmpty)
    }

    @Test("equipment fault cleared before acknowledgement closes on acknowledgement")
    func equipmentClearedThenAck() throws {
        let raised = lifecycle.raise(equipment(), id: "a-2").record
        let cleared = try #require(lifecycle.apply(equipment(.clear, at: T.at(3)), to: raised, newID: { "x" }))
        #expect(cleared.transitions.map(\.kind) == [.cleared])
        #expect(cleared.record.state == .raised && cleared.record.conditionCleared)
        let acked = try lifecycle.acknowledge(cleared.record, by: "wang", at: T.at(4))
        #expect(acked.transitions.map(\.kind) == [.acknowledged, .closed])
        #expect(acked.record.state == .closed && acked.record.closedBy == nil)
    }

    @Test("equipment fault acknowledged first closes when its condition clears")
    func equipmentAckThenCleared() throws {
        let raised = lifecycle.raise(equipment(), id: "a-2").record
        let acked = try lifecycle.acknowledge(raised, by: "wang", at: T.at(2, 10))
        #expect(acked.record.state == .acknowledged)
        let cleared = try #require(lifecycle.apply(equipment(.clear, at: T.at(3)), to: acked.record, newID: { "x" }))
        #expect(cleared.transitions.map(\.kind) == [.cleared, .closed])
        #expect(cleared.record.closedAt == T.at(3))
    }

    @Test("without the acknowledgement requirement, equipment faults close when cleared")
    func equipmentAutoClose() throws {
        let relaxed = AlarmLifecycle(config: LifecycleConfig(equipmentCloseNeedsAcknowledgement: false))
        let raised = relaxed.raise(equipment(), id: "a-2").record
        let cleared = try #require(relaxed.apply(equipment(.clear, at: T.at(3)), to: raised, newID: { "x" }))
        #expect(cleared.transitions.map(\.kind) == [.cleared, .closed])
    }

    @Test("signals applied to records")
    func applySignals() throws {
        var ids = 0
        let newID = { ids += 1; return "n-\(ids)" }
        #expect(lifecycle.apply(equipment(.clear), to: nil, newID: newID) == nil)
        let opened = try #require(lifecycle.apply(equipment(.update), to: nil, newID: newID))
        #expect(opened.record.id == "n-1" && opened.transitions.map(\.kind) == [.raised])
        let updated = try #require(lifecycle.apply(equipment(.update, at: T.at(3)), to: opened.record, newID: newID))
        #expect(updated.transitions.map(\.kind) == [.updated] && updated.record.id == "n-1")
        let cleared = try #require(lifecycle.apply(equipment(.clear, at: T.at(4)), to: updated.record, newID: newID))
        let again = try #require(lifecycle.apply(equipment(.raise, at: T.at(5)), to: cleared.record, newID: newID))
        #expect(again.record.occurrences == 2 && !again.record.conditionCleared)
        #expect(again.transitions.map(\.kind) == [.updated])
        let closed = try lifecycle.acknowledge(cleared.record, by: "wang", at: T.at(6)).record
        let fresh = try #require(lifecycle.apply(equipment(.raise, at: T.at(7)), to: closed, newID: newID))
        #expect(fresh.record.id == "n-2" && fresh.transitions.map(\.kind) == [.raised])

        let rodent = violation("rodent", .class1)
        let ended = AlarmSignal(.clear, .violation, device: cam, label: "rodent", riskClass: .class1, at: T.at(3),
                                detail: AlarmDetail(count: 50, message: "", messageEN: ""))
        let incidentOver = try #require(lifecycle.apply(ended, to: rodent, newID: newID))
        #expect(incidentOver.transitions.isEmpty)
        #expect(incidentOver.record.state == .raised && incidentOver.record.detail.count == 50)
    }

    @Test("nextDue points at the next reminder, card or deadline")
    func nextDue() throws {
        let rodent = violation("rodent", .class1)
        #expect(lifecycle.nextDue(rodent) == rodent.raisedAt + 2 * T.hour)
        let acked = try lifecycle.acknowledge(rodent, by: "w", at: T.at(3)).record
        #expect(lifecycle.nextDue(acked) == rodent.raisedAt + 5 * T.day)
        let smoking = try lifecycle.acknowledge(violation("smoking", .class2), by: "w", at: T.at(3)).record
        #expect(lifecycle.nextDue(smoking) == smoking.raisedAt + 3 * T.day)
        let warm = try lifecycle.acknowledge(lifecycle.raise(equipment(), id: "e").record, by: "w", at: T.at(3)).record
        #expect(lifecycle.nextDue(warm) == nil)
    }
}
