import KitchenModel
import Ledgers
import StorageModel
import TestSupport
import Testing

/// 留样 (issue 17 item 3): samples checked against the meal plan and chained; impossible ones refused
/// with nothing stored; missing dishes, early removals and fridge excursions found, naming dish and meal.
@Suite struct SampleTests {
    static let plan = MealPlan(meals: [
        PlannedMeal(meal: .lunch, ends: "12:30", dishes: ["番茄炒蛋", "红烧排骨", "清炒时蔬"]),
        PlannedMeal(meal: .dinner, ends: "19:00", dishes: ["米饭"]),
    ])
    static let lunch = dayOne + 11 * hour

    func desk(_ f: LedgerFixture) throws -> SampleDesk {
        try MealPlanDesk(book: f.book).record(Self.plan, site: canteen, source: "test")
        return SampleDesk(book: f.book)
    }

    func sample(_ dish: String, _ grams: Double, at: EpochMillis = lunch, meal: Meal = .lunch, fridge: String = "fridge-1",
                box: String = "") -> SampleInput {
        SampleInput(meal: meal, dish: dish, grams: grams, at: at, by: "王芳", reviewer: "李主管", fridge: fridge, box: box)
    }

    func reading(_ fridge: DeviceKey, _ seq: Int64, _ t: Double, at: EpochMillis) -> WriteItem {
        .reading(ReadingRecord(key: fridge, boot: 1, seq: seq, deviceTime: at, receivedAt: at + 50,
                               readings: .thermo(ThermoReading(celsius: t, humidity: 70, battery: 90))))
    }

    @Test(arguments: StoreBackend.allCases) func impossibleSamplesAreRefusedWithAReasonAndNothingIsStored(_ backend: StoreBackend) throws {
        let f = try LedgerFixture(backend)
        f.clock.now = Self.lunch + hour
        let desk = try desk(f)
        let before = try f.store.ledgerEntries(site: canteen, fromSeq: 1, limit: 100)
        func refused(_ input: SampleInput, fridges: Set<String>? = nil, corrects: Int64? = nil) -> String? {
            do {
                _ = try desk.record(input, site: canteen, source: "test", fridges: fridges, corrects: corrects)
                return nil
            } catch { return (error as? LedgerRefusal)?.reason ?? "\(error)" }
        }
        #expect(refused(sample("番茄炒蛋", -5)) == "negative-value")
        #expect(refused(sample("番茄炒蛋", 150, at: f.clock.now + hour)) == "future-time")
        #expect(refused(sample("宫保鸡丁", 150)) == "unknown-dish")
        #expect(refused(sample("番茄炒蛋", 150, meal: .breakfast)) == "unknown-meal", "the plan serves no breakfast")
        #expect(refused(sample("米饭", 150)) == "unknown-dish", "米饭 is a dinner dish, not lunch")
        #expect(refused(sample("番茄炒蛋", 150, fridge: "freezer-9"), fridges: ["fridge-1", "sampler-1"]) == "unknown-fridge")
        #expect(refused(sample("番茄炒蛋", 150), corrects: 1) == "unknown-correction", "#1 is the meal plan, not a sample")
        #expect(refused(sample("番茄炒蛋", .infinity)) == "invalid-value")
        #expect(refused(SampleInput(meal: .lunch, dish: "番茄炒蛋", grams: 150, at: Self.lunch, by: "", fridge: "fridge-1")) == "invalid-value")
        #expect(try f.store.ledgerEntries(site: canteen, fromSeq: 1, limit: 100) == before, "a refusal stores nothing")
        #expect { try desk.remove([99], at: f.clock.now, by: "王芳", site: canteen, source: "test") }
            throws: { ($0 as? LedgerRefusal)?.reason == "unknown-sample" }
    }

    @Test(arguments: StoreBackend.allCases) func everyDishNeedsASampleOf125GramsByTheEndOfItsService(_ backend: StoreBackend) throws {
        let f = try LedgerFixture(backend)
        f.clock.now = Self.lunch + 5 * 60_000
        let desk = try desk(f)
        let first = try desk.record(sample("番茄炒蛋", 152), site: canteen, source: "api:王")
        #expect(first.entry.kind == "sample" && first.record.enough && first.entry.at == Self.lunch)
        let light = try desk.record(sample("红烧排骨", 100), site: canteen, source: "api:王")
        #expect(!light.record.enough, "under 125 g is on record but is not the dish's sample")

        let judge = SampleJudge(ledger: f.store, readings: f.store)
        let plans = try MealPlanDesk(book: f.book).plans(canteen)
        #expect(try judge.findings(site: canteen, plans: plans, now: Self.lunch + hour).missing.isEmpty, "lunch is still being served")
        let afterLunch = dayOne + 12 * hour + 31 * 60_000
        let missing = try judge.findings(site: canteen, plans: plans, now: afterLunch).missing
        #expect(missing.map(\.dish) == ["红烧排骨", "清炒时蔬"] && missing.allSatisfy { $0.meal == .lunch }, "in the plan's order")

        var day = try SampleDay.build(site: canteen, day: CivilDay(containing: afterLunch), ledger: f.store, readings: f.store,
                                      now: afterLunch)
        #expect(day.lines.map(\.status) == [.sampled, .missing, .missing, .due])
        // A correction (a new entry naming the wrong one) puts it right; the original stays in the chain.
        f.clock.now = afterLunch
        _ = try desk.record(sample("红烧排骨", 131), site: canteen, source: "api:王", corrects: light.entry.seq)
        #expect(try judge.findings(site: canteen, plans: plans, now: afterLunch).missing.map(\.dish) == ["清炒时蔬"])
        day = try SampleDay.build(site: canteen, day: CivilDay(containing: afterLunch), ledger: f.store, readings: f.store,
                                  now: afterLunch)
        #expect(day.lines[1].samples.map(\.input.grams) == [131] && day.sampled == 2)
        #expect(try f.store.ledgerEntries(site: canteen, kind: "sample").count == 3)
        #expect(try f.verify().intact)
    }

    @Test(arguments: StoreBackend.allCases) func anEarlyRemovalAndAFridgeExcursionAreFindingsOfTheirSamplesOnly(_ backend: StoreBackend) throws {
        let f = try LedgerFixture(backend)
        f.clock.now = Self.lunch + 60_000
        let desk = try desk(f)
        let fridge = DeviceKey(site: canteen, device: DeviceID("fridge-1")!)
        let cabinet = DeviceKey(site: canteen, device: DeviceID("sampler-1")!)
        // Both fridges read 4 °C every 10 min for three days; fridge-1 once reads 9.5 °C, 20 h after lunch.
        var items: [WriteItem] = []
        for n in 0..<(3 * 24 * 6) {
            let at = Self.lunch - hour + EpochMillis(n) * 600_000
            items.append(reading(fridge, Int64(n), n == 21 * 6 ? 9.5 : 4.0, at: at))
            items.append(reading(cabinet, Int64(n), 4.0, at: at))
        }
        _ = try f.store.makeBatchCommitter(maxRejects: 10, snapshotInterval: .seconds(60)).commit(items, flushSnapshots: true)
        let warm = try desk.record(sample("番茄炒蛋", 150, fridge: "fridge-1"), site: canteen, source: "test")
        let early = try desk.record(sample("红烧排骨", 150, fridge: "sampler-1", box: "L2"), site: canteen, source: "test")
        let fine = try desk.record(sample("清炒时蔬", 150, fridge: "sampler-1", box: "L3"), site: canteen, source: "test")

        f.clock.now = Self.lunch + 30 * hour
        let removed = try desk.remove([early.entry.seq], at: f.clock.now, by: "李强", site: canteen, source: "test")
        #expect(removed.first?.removal.early == true && removed.first?.removal.dish == "红烧排骨")
        #expect { try desk.remove([early.entry.seq], at: f.clock.now, by: "李强", site: canteen, source: "test") }
            throws: { ($0 as? LedgerRefusal)?.reason == "unknown-sample" }
        f.clock.now = Self.lunch + 49 * hour
        let late = try desk.remove([fine.entry.seq], at: f.clock.now, by: "李强", site: canteen, source: "test")
        #expect(late.first?.removal.early == false, "disposed of after its 48 h")

        let judge = SampleJudge(ledger: f.store, readings: f.store)
        let findings = try judge.findings(site: canteen, plans: try MealPlanDesk(book: f.book).plans(canteen), now: f.clock.now)
        #expect(findings.removedEarly.map(\.dish) == ["红烧排骨"] && findings.removedEarly.first?.meal == .lunch)
        #expect(findings.excursions.map(\.dish) == ["番茄炒蛋"])
        let log = try desk.log(canteen, since: dayOne, until: dayOne + 86_400_000)
        let keeping = try judge.keeping(log.samples, site: canteen, now: f.clock.now)
        #expect(keeping[warm.entry.seq] == .excursion(FridgeExcursion(celsius: 9.5, at: Self.lunch - hour + 21 * 6 * 600_000)))
        #expect(keeping[early.entry.seq] == .removedEarly(at: Self.lunch + 30 * hour))
        #expect(keeping[fine.entry.seq] == .kept)
        // A reading outside 0–8 °C after the sample's window ends is not its finding.
        _ = try f.store.makeBatchCommitter(maxRejects: 10, snapshotInterval: .seconds(60))
            .commit([reading(cabinet, 9_999, 12, at: Self.lunch + 50 * hour)], flushSnapshots: true)
        #expect(try judge.keeping(log.samples, site: canteen, now: Self.lunch + 51 * hour)[fine.entry.seq] == .kept)
        #expect(try f.verify().intact)
    }

    @Test(arguments: StoreBackend.allCases) func aCabinetsEventsAreRecordedOnceAndADoorRemovesItsBoxes(_ backend: StoreBackend) throws {
        let f = try LedgerFixture(backend)
        f.clock.now = Self.lunch + 60_000
        let desk = try desk(f)
        let cabinet = DeviceID("sampler-1")!
        let event = SampleEvent(box: "L1", meal: .lunch, dish: "番茄炒蛋", grams: 148)
        guard case .recorded(let entries) = try desk.record(event, device: cabinet, site: canteen, at: Self.lunch, boot: 2, seq: 7),
              let entry = entries.first else {
            Issue.record("the first delivery must be recorded")
            return
        }
        #expect(entry.source == "device:sampler-1")
        let record = try LedgerBody.decode(SampleRecord.self, from: entry.body)
        #expect(record.sample.fridge == "sampler-1" && record.sample.box == "L1" && record.deviceEvent == "2/7")
        guard case .alreadyRecorded = try desk.record(event, device: cabinet, site: canteen, at: Self.lunch, boot: 2, seq: 7) else {
            Issue.record("a redelivered event must not be appended again")
            return
        }
        f.clock.now = Self.lunch + 2 * hour
        let before = try f.store.ledgerEntries(site: canteen, fromSeq: 1, limit: 100)
        #expect { try desk.record(SampleEvent(box: "L2", meal: .lunch, dish: "鱼香肉丝", grams: 150), device: cabinet, site: canteen,
                                  at: Self.lunch, boot: 2, seq: 8) } throws: { ($0 as? LedgerRefusal)?.reason == "unknown-dish" }
        #expect { try desk.record(DoorEvent(openSeconds: 20, removed: ["L1", "L9"]), device: cabinet, site: canteen,
                                  at: Self.lunch + hour, boot: 2, seq: 9) } throws: { ($0 as? LedgerRefusal)?.reason == "unknown-sample" }
        #expect(try f.store.ledgerEntries(site: canteen, fromSeq: 1, limit: 100) == before, "refusals store nothing, not even L1's removal")

        let door = DoorEvent(openSeconds: 20, removed: ["L1"])
        guard case .recorded(let removals) = try desk.record(door, device: cabinet, site: canteen, at: Self.lunch + hour, boot: 2, seq: 10)
        else {
            Issue.record("the door event must be recorded")
            return
        }
        let removal = try LedgerBody.decode(SampleRemoval.self, from: try #require(removals.first).body)
        #expect(removal.sample == entry.seq && removal.early && removal.deviceEvent == "2/10/L1")
        guard case .alreadyRecorded = try desk.record(door, device: cabinet, site: canteen, at: Self.lunch + hour, boot: 2, seq: 10) else {
            Issue.record("a redelivered door event must not be appended again")
            return
        }
        #expect(try f.store.ledgerEntries(site: canteen, kind: "sample-removal").count == 1)
        // A cabinet with the longest id a device may have: `by` is then `device:` and 64 characters.
        let long = DeviceID(String(repeating: "s", count: 64))!
        guard case .recorded = try desk.record(event, device: long, site: canteen, at: Self.lunch, boot: 1, seq: 1) else {
            Issue.record("a cabinet with a 64-character id must be able to record")
            return
        }
        #expect(try f.verify().intact)
    }

    @Test(arguments: StoreBackend.allCases) func aDaysOwnPlanReplacesTheStandingOneAndAnUnchangedPlanAppendsNothing(_ backend: StoreBackend) throws {
        let f = try LedgerFixture(backend)
        let plans = MealPlanDesk(book: f.book)
        #expect(try plans.record(Self.plan, site: canteen, source: "registry") != nil)
        #expect(try plans.record(Self.plan, site: canteen, source: "registry") == nil, "the same plan again appends nothing")
        let holiday = MealPlan(date: "2026-11-21", meals: [PlannedMeal(meal: .lunch, dishes: ["饺子"])])
        try plans.record(holiday, site: canteen, source: "api:王")
        let read = try plans.plans(canteen)
        #expect(read.plan(on: CivilDay("2026-11-21")!)?.meals.first?.dishes == ["饺子"])
        #expect(read.plan(on: CivilDay("2026-11-21")!)?.meals.first?.ends == "13:30", "lunch ends at 13:30 unless told")
        #expect(read.plan(on: CivilDay("2026-11-22")!) == Self.plan)
        #expect { try plans.record(MealPlan(meals: [PlannedMeal(meal: .lunch, ends: "25:00", dishes: ["饺子"])]), site: canteen,
                                   source: "test") } throws: { ($0 as? LedgerRefusal)?.reason == "invalid-value" }
        #expect { try plans.record(MealPlan(meals: [PlannedMeal(meal: .lunch, dishes: ["饺子", "饺子"])]), site: canteen,
                                   source: "test") } throws: { ($0 as? LedgerRefusal)?.reason == "invalid-value" }
        #expect { try plans.record(MealPlan(meals: [PlannedMeal(meal: .lunch, dishes: ["a\u{202E}b"])]), site: canteen,
                                   source: "test") } throws: { ($0 as? LedgerRefusal)?.reason == "invalid-value" }

        let file = try MealPlanFile.parse(yaml: """
            sites:
              - id: canteen-01
                meal_plan:
                  - {meal: breakfast, ends: "08:30", dishes: [包子, 豆浆]}
              - id: canteen-02
            """)
        #expect(file[canteen]?.meals.first?.dishes == ["包子", "豆浆"] && file.count == 1)
        #expect(throws: MealPlanFile.LoadError.self) {
            try MealPlanFile.parse(yaml: "sites:\n  - id: canteen-01\n    meal_plan:\n      - {meal: brunch, dishes: [x]}\n")
        }
    }
}
