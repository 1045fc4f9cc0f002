import Foundation
import Gateway
import KitchenModel
import Ledgers
import Logging
import Storage
import StorageModel
import TestSupport
import Testing
import Traceability
import Synchronization

/// 留样 findings through the real alarm engine on a real store: `sample_missing` names the dishes
/// and meal once the service is over, is raised once, and its condition clears when the sample
/// arrives; an early removal raises `sample_removed_early`.
@Suite struct SampleAlarmTests {
    static let day: EpochMillis = 1_795_276_800_000   // 2026-11-22 00:00 Asia/Shanghai
    static let hour: EpochMillis = 3_600_000

    @Test func aDishWithoutASampleAfterServiceRaisesAnAlarmNamingItThatItsSampleClears() throws {
        let dir = TemporaryDirectory("bk-samples")
        let store = try Store(path: dir.file("bk.sqlite"))
        let registry = try RegistryFile.parse(yaml: """
            sites:
              - {id: canteen-01, name: 食堂, kind: canteen, region: "420106", hours: "06:00-20:00"}
              - {id: canteen-02, name: 没有菜单, kind: canteen, region: "420106", hours: "06:00-20:00"}
            devices:
              - {id: sampler-1, site: canteen-01, kind: sampler}
            """)
        #expect(registry.device(DeviceKey(site: SiteID("canteen-01")!, device: DeviceID("sampler-1")!))?.zone == .sample,
                "a sampler's fridge is judged as a sample fridge unless told otherwise")
        let model = StateModel(registry: registry, restoring: [], startedAt: Self.day)
        let engine = try AlarmEngine(config: .init(), store: store, model: model, clock: SystemClock(),
                                     logger: Logger(label: "test"), webhookTargets: []) { _, _ in }
        let clock = Mutex(Self.day + 11 * Self.hour)
        let book = LedgerBook(store: store, keyring: .generate(), clock: { clock.withLock { $0 } })
        let canteen = SiteID("canteen-01")!
        try MealPlanDesk(book: book).record(MealPlan(meals: [PlannedMeal(meal: .lunch, ends: "12:30", dishes: ["番茄炒蛋", "红烧排骨"])]),
                                            site: canteen, source: "test")
        let desk = SampleDesk(book: book)
        _ = try desk.record(SampleInput(meal: .lunch, dish: "番茄炒蛋", grams: 150, at: Self.day + 11 * Self.hour, by: "王芳",
                                        fridge: "sampler-1", box: "L1"), site: canteen, source: "test")
        func survey(at time: EpochMillis) throws {
            clock.withLock { $0 = time }
            let found = try SampleJudge(ledger: store, readings: store).survey(Array(registry.sites.keys), now: time)
            #expect(found[SiteID("canteen-02")!] == nil, "a site without a meal plan is not surveyed")
            engine.samples(found.mapValues(AlarmEngine.SampleConditions.init), now: time)
            engine.waitForCommits()
        }
        try survey(at: Self.day + 12 * Self.hour)
        #expect(engine.openAlarms(site: canteen).isEmpty, "lunch is still being served")
        try survey(at: Self.day + 12 * Self.hour + 31 * 60_000)
        let open = engine.openAlarms(site: canteen)
        #expect(open.map(\.kind) == [.sampleMissing] && open.first?.device.device.rawValue == "_ledger")
        let stored = try #require(try store.alarms(AlarmQuery()).first)
        #expect(stored.recordJSON.contains("午餐 红烧排骨") && !stored.recordJSON.contains("番茄炒蛋"), "\(stored.recordJSON)")
        try survey(at: Self.day + 12 * Self.hour + 32 * 60_000)
        #expect(engine.openAlarms(site: canteen).count == 1, "raised once, not once a minute")

        _ = try desk.record(SampleInput(meal: .lunch, dish: "红烧排骨", grams: 140, at: Self.day + 12 * Self.hour + 33 * 60_000,
                                        by: "王芳", fridge: "sampler-1", box: "L2"), site: canteen, source: "test")
        try survey(at: Self.day + 12 * Self.hour + 34 * 60_000)
        #expect(engine.openAlarms(site: canteen).first?.conditionCleared == true, "the late sample clears the condition")

        // Taken out the same afternoon: removed before its 48 h.
        clock.withLock { $0 = Self.day + 15 * Self.hour }
        let first = try #require(try store.ledgerEntries(site: canteen, kind: "sample").first)
        try desk.remove([first.seq], at: Self.day + 15 * Self.hour, by: "李强", site: canteen, source: "test")
        try survey(at: Self.day + 15 * Self.hour + 60_000)
        let early = engine.openAlarms(site: canteen).filter { $0.kind == .sampleRemovedEarly }
        #expect(early.count == 1)
        let message = try #require(try store.alarms(AlarmQuery()).first { $0.kind == .sampleRemovedEarly }).recordJSON
        #expect(message.contains("午餐 番茄炒蛋"), "\(message)")
    }
}
