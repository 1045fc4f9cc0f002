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

/// 令60's daily check missed: the site is reminded (the ledger's duties), and once the day is over
/// the real alarm engine raises `daily_check_missed` for the regulator; a late record clears the
/// condition and people close the alarm as any other.
@Suite struct LedgerDutyAlarmTests {
    static let day: EpochMillis = 1_795_276_800_000   // 2026-11-22 00:00 Asia/Shanghai (a Sunday)
    static let hour: EpochMillis = 3_600_000

    @Test func aDayEndedWithoutTheDailyCheckRaisesAnAlarmThatALateRecordClears() throws {
        let dir = TemporaryDirectory("bk-duties")
        let store = try Store(path: dir.file("bk.sqlite"))
        let registry = try RegistryFile.parse(yaml: """
            sites:
              - {id: canteen-01, name: 食堂, kind: canteen, region: "420106", hours: "06:00-19:00"}
            devices: []
            """)
        let model = StateModel(registry: registry, restoring: [], startedAt: Self.day)
        let engine = try AlarmEngine(config: .init(), store: store, model: model, clock: SystemClock(),
                                     logger: Logger(label: "test"), webhookTargets: []) { _, _ in }
        let clock = Mutex(Self.day + 7 * Self.hour)
        let book = LedgerBook(store: store, keyring: .generate(), clock: { clock.withLock { $0 } })
        let canteen = SiteID("canteen-01")!
        let site = try #require(registry.site(canteen))
        try StaffDesk(book: book).record(Worker(id: "w-009", name: "赵敏", role: "food-safety-officer", certificateNumber: "420106-0009",
                                                certificateExpiry: "2027-12-31"), site: canteen, source: "test")
        func survey(at time: EpochMillis) throws {
            clock.withLock { $0 = time }
            let result = try LedgerDuties.survey(Array(registry.sites.values), store: store, now: time)
            engine.ledgerDuties(missing: result.missing, fine: result.fine, now: time)
            engine.waitForCommits()
        }

        // Monday 2026-11-23: after closing the site is reminded; no alarm yet.
        let monday = Self.day + 24 * Self.hour
        try survey(at: monday + 20 * Self.hour)
        let reminded = try LedgerDuties.status(site, store: store, now: monday + 20 * Self.hour)
        #expect(reminded.duties.first { $0.duty == .dailyCheck }?.reminder == true)
        #expect(engine.openAlarms(site: canteen).isEmpty, "a reminder is the site's, not yet the regulator's")
        // Tuesday: Monday ended without it.
        try survey(at: monday + 24 * Self.hour + 60_000)
        let open = engine.openAlarms(site: canteen)
        #expect(open.map(\.kind) == [.dailyCheckMissed] && open.first?.device.device.rawValue == "_ledger")
        try survey(at: monday + 24 * Self.hour + 120_000)
        #expect(engine.openAlarms(site: canteen).count == 1, "raised once, not once a minute")

        let answers = SafetyChecklist.for(.canteen).items.map { DailyCheckInput.Answer(item: $0.id, ok: true) }
        try SafetyCheckDesk(book: book).daily(DailyCheckInput(at: monday + 18 * Self.hour, officer: "w-009", answers: answers),
                                              site: site, source: "test")
        try survey(at: monday + 24 * Self.hour + 180_000)
        let cleared = engine.openAlarms(site: canteen)
        #expect(cleared.count == 1 && cleared.first?.conditionCleared == true, "the late record clears the condition")
        let stored = try store.alarms(AlarmQuery())
        #expect(stored.count == 1 && stored.first?.kind == .dailyCheckMissed)
    }
}
import Synchronization
