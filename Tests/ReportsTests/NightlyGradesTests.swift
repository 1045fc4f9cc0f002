import KitchenModel
import KitchenRules
import Reports
import Storage
import StorageModel
import TestSupport
import Testing

@Suite struct NightlyGradesTests {
    struct Feedback: FeedbackFacts {
        var answer: [SiteID: SiteFeedback]
        func feedback(since: EpochMillis, until: EpochMillis) throws -> [SiteID: SiteFeedback] { answer }
    }

    let day = CivilDate(year: 2026, month: 12, day: 4)!
    let canteen = SiteConfig(id: SiteID("canteen-01")!, name: "一中食堂", kind: .canteen, region: RegionCode("420106")!)
    let restaurant = SiteConfig(id: SiteID("rest-01")!, name: "小馆", kind: .restaurant, region: RegionCode("420102")!)

    func raise(_ store: any GatewayStore, _ id: String, site: SiteConfig, kind: AlarmKind = .violation, riskClass: RiskClass? = .class1,
               card: Card = .none, at: EpochMillis) throws {
        let row = AlarmRow(id: id, identity: "\(site.id)/d/\(id)", site: site.id, region: site.region.description, device: "d",
                           kind: kind, riskClass: riskClass, state: .closed, card: card, raisedAt: at, updatedAt: at,
                           recordJSON: "{}")
        try store.record([.transition(row, TransitionRow(alarmID: id, at: at, kind: "raised", actor: nil, note: nil, bodyJSON: "{}"),
                                      outboxTargets: [])], now: at)
    }

    @Test func theWindowIsNinetyChinaDaysEndingWithTheDay() {
        let (since, until) = NightlyGrades.window(endingWith: day, days: 90)
        // 2026-12-05 00:00 China time is 2026-12-04 16:00 UTC.
        #expect(until == 1_796_400_000_000)
        #expect(until - since == 90 * 86_400_000)
    }

    /// On SQLite; both stores' grade queries are walked in StorageTests' GradeStoreTests.
    @Test func gradesEverySiteFromItsOwnRecordAndStoresThem() throws {
        let dir = TemporaryDirectory("bk-grades")
        let store = try Store(path: dir.file("bk.sqlite"))
        let (since, until) = NightlyGrades.window(endingWith: day, days: 90)
        try raise(store, "in-1", site: canteen, at: since)
        try raise(store, "in-2", site: canteen, kind: .tooWarm, riskClass: nil, card: .yellow, at: until - 1)
        try raise(store, "missed", site: canteen, kind: .morningCheckMissed, riskClass: nil, at: until - 2)
        try raise(store, "before", site: canteen, at: since - 1)
        try raise(store, "after", site: canteen, at: until)
        var licensed = restaurant
        licensed.licensedOn = CivilDate(year: 2026, month: 10, day: 1)
        let feedback = Feedback(answer: [restaurant.id: SiteFeedback(ratings: 20, satisfaction: 0.1, upheldComplaints: 1)])
        let outcome = try NightlyGrades.run(day: day, sites: [GradedSite(canteen), GradedSite(licensed)], store: store,
                                            feedback: feedback, now: until + 3_600_000)
        #expect(outcome.stored == 2)
        let stored = try store.grades(fromDay: "2026-12-04", toDay: "2026-12-04", regionPrefix: "42")
        #expect(stored.map { $0.site } == [canteen.id, restaurant.id])
        let canteenBody = try #require(GradeBody.decode(stored[0]))
        #expect(canteenBody.facts.class1Violations == 1)
        #expect(canteenBody.facts.temperatureExcursions == 1)
        #expect(canteenBody.facts.yellowCards == 1)
        #expect(canteenBody.facts.ledgerMissedDays == 1)
        #expect(canteenBody.grade.score == 82)  // 100 - 10 - 2 - 4 - 2
        #expect(stored[0].score == 82)
        let restaurantBody = try #require(GradeBody.decode(stored[1]))
        #expect(restaurantBody.facts.daysSinceLicensed == 64)
        #expect(restaurantBody.facts.upheldComplaints == 1)
        #expect(restaurantBody.grade.smiley == SmileyGrade.ungraded)
        #expect(restaurantBody.grade.ungradedBecause == UngradedReason.newlyLicensed)
        #expect(restaurantBody.grade.deductions.map { $0.rule } == ["upheld_complaints", "ratings"])

        // Graded again (say after a rule change): the night's rows are replaced, not doubled.
        try raise(store, "in-3", site: canteen, at: since + 1)
        _ = try NightlyGrades.run(day: day, sites: [GradedSite(canteen)], store: store, feedback: nil, now: until + 7_200_000)
        let again = try store.grades(site: canteen.id, fromDay: "2026-12-04", toDay: "2026-12-04")
        #expect(again.map { $0.score } == [72])
    }
}
