import KitchenModel
import Storage
import StorageModel
import TestSupport
import Testing

@Suite struct GradeStoreTests {
    func alarm(_ id: String, site: String, kind: AlarmKind = .violation, riskClass: RiskClass? = .class1, card: Card = .none,
               at: EpochMillis) -> AlarmRow {
        AlarmRow(id: id, identity: "\(site)/dev/\(kind.rawValue)/\(id)", site: SiteID(site)!, region: "420106", device: "dev",
                 kind: kind, riskClass: riskClass, state: .raised, card: card, raisedAt: at, updatedAt: at, recordJSON: "{}")
    }

    func grade(_ site: String, _ day: String, region: String = "420106", score: Int = 90) -> StoredGrade {
        StoredGrade(site: SiteID(site)!, day: day, region: region, score: score, smiley: "excellent", risk: "A",
                    body: #"{"score":\#(score)}"#, computedAt: hourStart)
    }

    @Test(arguments: StoreBackend.allCases) func talliesCountAlarmsRaisedInTheWindowByKindClassAndCard(_ backend: StoreBackend) throws {
        let opened = try TestStore(backend)
        let store = opened.store
        let rows = [
            alarm("a1", site: "canteen-01", at: hourStart),
            alarm("a2", site: "canteen-01", card: .red, at: hourStart + 1),
            alarm("a3", site: "canteen-01", at: hourStart + 2),
            alarm("a4", site: "canteen-02", kind: .tooWarm, riskClass: nil, at: hourStart + 3),
            alarm("early", site: "canteen-01", at: hourStart - 1),
            alarm("late", site: "canteen-01", at: hourStart + 10),
        ]
        try store.record(rows.map { AlarmWrite.transition($0, TransitionRow(alarmID: $0.id, at: $0.raisedAt, kind: "raised", actor: nil,
                                                                  note: nil, bodyJSON: "{}"), outboxTargets: []) },
                         now: hourStart)
        let tallies = try store.alarmTallies(since: hourStart, until: hourStart + 10)
            .sorted { ($0.site.rawValue, $0.card.rawValue) < ($1.site.rawValue, $1.card.rawValue) }
        #expect(tallies == [
            AlarmTally(site: SiteID("canteen-01")!, kind: "violation", riskClass: .class1, card: .none, count: 2),
            AlarmTally(site: SiteID("canteen-01")!, kind: "violation", riskClass: .class1, card: .red, count: 1),
            AlarmTally(site: SiteID("canteen-02")!, kind: "too_warm", riskClass: nil, card: .none, count: 1),
        ])
    }

    @Test(arguments: StoreBackend.allCases) func aNightGradedAgainReplacesItsRows(_ backend: StoreBackend) throws {
        let opened = try TestStore(backend)
        let store = opened.store
        #expect(try store.latestGradeDay() == nil)
        try store.saveGrades([grade("canteen-01", "2026-11-30"), grade("canteen-02", "2026-11-30", region: "430102")])
        try store.saveGrades([grade("canteen-01", "2026-12-01", score: 80), grade("canteen-01", "2026-11-30", score: 70)])
        #expect(try store.latestGradeDay() == "2026-12-01")
        #expect(try store.grades(site: SiteID("canteen-01")!, fromDay: "2026-01-01", toDay: "2026-12-31").map(\.score) == [70, 80])
        #expect(try store.grades(fromDay: "2026-11-30", toDay: "2026-11-30", regionPrefix: nil).map(\.site.rawValue)
                == ["canteen-01", "canteen-02"])
        #expect(try store.grades(fromDay: "2026-11-30", toDay: "2026-12-01", regionPrefix: "4201").map(\.day)
                == ["2026-11-30", "2026-12-01"])
        #expect(try store.grades(fromDay: "2026-11-30", toDay: "2026-12-01", regionPrefix: "42_1").isEmpty)  // no wildcard
        #expect(try store.grades(fromDay: "2026-12-02", toDay: "2026-12-31", regionPrefix: nil).isEmpty)
    }

    @Test(arguments: StoreBackend.allCases) func manyGradesAreSavedInOneCall(_ backend: StoreBackend) throws {
        let opened = try TestStore(backend)
        let store = opened.store
        let many = (0..<2_345).map { grade("site-\($0)", "2026-12-01", score: $0 % 100) }
        try store.saveGrades(many)
        let stored = try store.grades(fromDay: "2026-12-01", toDay: "2026-12-01", regionPrefix: "420106")
        #expect(stored.count == 2_345)
        #expect(Set(stored.map(\.site)) == Set(many.map(\.site)))
    }
}
