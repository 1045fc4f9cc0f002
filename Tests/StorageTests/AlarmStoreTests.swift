import KitchenModel
import Storage
import StorageModel
import TestSupport
import Testing

@Suite struct AlarmStoreTests {
    func row(_ id: String, site: String = "canteen-01", region: String = "420106", state: AlarmState = .raised,
             riskClass: RiskClass? = .class1, at: EpochMillis = hourStart) -> AlarmRow {
        AlarmRow(id: id, identity: "\(site)/cam-1/violation/rodent", site: SiteID(site)!, region: region,
                 device: "cam-1", kind: .violation, riskClass: riskClass, state: state, card: .none, raisedAt: at,
                 updatedAt: at, recordJSON: #"{"id":"\#(id)"}"#)
    }

    func transition(_ id: String, _ kind: String, at: EpochMillis = hourStart) -> TransitionRow {
        TransitionRow(alarmID: id, at: at, kind: kind, actor: nil, note: nil, bodyJSON: #"{"alarm":"\#(id)","transition":"\#(kind)"}"#)
    }

    @Test(arguments: StoreBackend.allCases) func recordsAlarmTrailAndOutboxTogether(_ backend: StoreBackend) throws {
        let opened = try TestStore(backend)
        let store = opened.store
        try store.record(alarm: row("a1"), transition: transition("a1", "raised"), outboxTargets: ["ops", "city"],
                         now: hourStart)
        var acknowledged = row("a1", state: .acknowledged)
        acknowledged.updatedAt = hourStart + 60_000
        try store.record(alarm: acknowledged, transition: transition("a1", "acknowledged", at: hourStart + 60_000),
                         outboxTargets: ["ops"], now: hourStart + 60_000)
        #expect(try store.alarm(id: "a1")?.state == .acknowledged)
        #expect(try store.alarm(id: "a1")?.raisedAt == hourStart)
        #expect(try store.transitions(ofAlarm: "a1").map(\.kind) == ["raised", "acknowledged"])
        #expect(try store.pendingOutbox().map(\.target) == ["ops", "city", "ops"])
        #expect(try store.openAlarms().count == 1)
    }

    @Test(arguments: StoreBackend.allCases) func filtersByRegionStateClassAndTime(_ backend: StoreBackend) throws {
        let opened = try TestStore(backend)
        let store = opened.store
        try store.record(alarm: row("a1"), transition: transition("a1", "raised"), outboxTargets: [], now: hourStart)
        try store.record(alarm: row("a2", site: "canteen-02", region: "420105", riskClass: .class2, at: hourStart + 10),
                         transition: transition("a2", "raised"), outboxTargets: [], now: hourStart)
        try store.record(alarm: row("a3", site: "market-01", region: "430102", state: .closed, at: hourStart + 20),
                         transition: transition("a3", "closed"), outboxTargets: [], now: hourStart)
        #expect(try store.alarms(AlarmQuery(regionPrefix: "4201")).map(\.id) == ["a2", "a1"])
        #expect(try store.alarms(AlarmQuery(regionPrefix: "42_1")).isEmpty)  // LIKE wildcards are escaped
        #expect(try store.alarms(AlarmQuery(states: [.closed])).map(\.id) == ["a3"])
        #expect(try store.alarms(AlarmQuery(states: [.closed, .raised])).map(\.id) == ["a3", "a2", "a1"])
        #expect(try store.alarms(AlarmQuery(limit: 1)).map(\.id) == ["a3"])
        #expect(try store.alarms(AlarmQuery(riskClass: .class2)).map(\.id) == ["a2"])
        #expect(try store.alarms(AlarmQuery(since: hourStart + 5)).map(\.id) == ["a3", "a2"])
        #expect(try store.alarms(AlarmQuery(site: SiteID("canteen-01")!)).map(\.id) == ["a1"])
        #expect(try store.openAlarms().map(\.id).sorted() == ["a1", "a2"])
    }

    @Test(arguments: StoreBackend.allCases) func outboxRetriesUntilDelivered(_ backend: StoreBackend) throws {
        let opened = try TestStore(backend)
        let store = opened.store
        try store.enqueueOutbox(targets: ["ops"], body: Array("{}".utf8), now: hourStart)
        let first = try #require(try store.dueOutbox(now: hourStart).first)
        try store.outboxFailed(id: first.id, error: "HTTP 503", nextAttemptAt: hourStart + 2_000)
        #expect(try store.dueOutbox(now: hourStart + 1_000).isEmpty)
        #expect(try store.dueOutboxTargets(now: hourStart + 2_000) == ["ops"])
        #expect(try store.dueOutbox(now: hourStart + 2_000, target: "city").isEmpty)
        let retry = try #require(try store.dueOutbox(now: hourStart + 2_000, target: "ops").first)
        #expect(retry.attempts == 1)
        #expect(retry.lastError == "HTTP 503")
        try store.outboxDelivered(id: retry.id)
        #expect(try store.pendingOutbox().isEmpty)
    }

    @Test(arguments: StoreBackend.allCases) func ruleStateSurvivesReopening(_ backend: StoreBackend) throws {
        let opened = try TestStore(backend)
        let store = opened.store
        try store.saveRuleState(fridge, json: #"{"excursionSince":1}"#, now: hourStart)
        let reopened = try opened.reopen()
        #expect(try reopened.ruleStates()[fridge] == #"{"excursionSince":1}"#)
    }
}
