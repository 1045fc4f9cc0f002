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

/// 晨检 not done by opening time: the survey over the ledger, then the real alarm engine raising
/// and clearing `morning_check_missed` on a real store.
@Suite struct MorningCheckAlarmTests {
    static let day: EpochMillis = 1_795_276_800_000   // 2026-11-22 00:00 Asia/Shanghai
    static let hour: EpochMillis = 3_600_000

    @Test func openingHoursDecideWhenACheckIsDue() throws {
        let hours = try OperatingHours(parsing: "06:00-20:00")
        #expect(!MorningCheckRules.isMissing(hours: hours, now: Self.day + 5 * Self.hour, activeStaff: 3, checksToday: 0))
        #expect(MorningCheckRules.isMissing(hours: hours, now: Self.day + 6 * Self.hour, activeStaff: 3, checksToday: 0))
        #expect(!MorningCheckRules.isMissing(hours: hours, now: Self.day + 7 * Self.hour, activeStaff: 3, checksToday: 1))
        #expect(!MorningCheckRules.isMissing(hours: hours, now: Self.day + 7 * Self.hour, activeStaff: 0, checksToday: 0))
        #expect(!MorningCheckRules.isMissing(hours: .always, now: Self.day + 7 * Self.hour, activeStaff: 3, checksToday: 0))
    }

    @Test func aSiteWithoutAMorningCheckByOpeningRaisesAnAlarmThatACheckClears() throws {
        let dir = TemporaryDirectory("bk-morning")
        let store = try Store(path: dir.file("bk.sqlite"))
        let registry = try RegistryFile.parse(yaml: """
            sites:
              - {id: canteen-01, name: 食堂, kind: canteen, region: "420106", hours: "06:00-20:00"}
              - {id: canteen-02, name: 没有员工记录, kind: canteen, region: "420106", hours: "06:00-20:00"}
            devices: []
            """)
        let model = StateModel(registry: registry, restoring: [], startedAt: Self.day)
        let engine = try AlarmEngine(config: .init(), store: store, model: model, clock: SystemClock(),
                                     logger: Logger(label: "test"), webhookTargets: []) { _, _ in }
        let clock = Mutex(Self.day + 5 * Self.hour)
        let book = LedgerBook(store: store, keyring: .generate(), clock: { clock.withLock { $0 } })
        try StaffDesk(book: book).record(Worker(id: "w-001", name: "王芳", role: "cook", certificateNumber: "420106-0001",
                                                certificateExpiry: "2027-12-31"), site: SiteID("canteen-01")!, source: "test")
        func survey(at time: EpochMillis) throws {
            clock.withLock { $0 = time }
            let result = try MorningCheckRules.survey(Array(registry.sites.values), store: store, now: time)
            engine.morningChecks(missing: result.missing, fine: result.fine, now: time)
            engine.waitForCommits()
        }
        let canteen = SiteID("canteen-01")!
        try survey(at: Self.day + 5 * Self.hour)
        #expect(engine.openAlarms(site: canteen).isEmpty, "before opening nothing is due")
        try survey(at: Self.day + 6 * Self.hour + 60_000)
        let open = engine.openAlarms(site: canteen)
        #expect(open.map(\.kind) == [.morningCheckMissed] && open.first?.device.device.rawValue == "_ledger")
        #expect(engine.openAlarms(site: SiteID("canteen-02")!).isEmpty, "no staff on its ledger: nothing to check")
        try survey(at: Self.day + 6 * Self.hour + 120_000)
        #expect(engine.openAlarms(site: canteen).count == 1, "raised once, not once a minute")

        _ = try MorningCheckDesk(book: book).record(MorningCheckInput(worker: "w-001", at: Self.day + 6 * Self.hour + 150_000,
                                                                      temperatureC: 36.6, checker: "王主管"),
                                                    site: canteen, source: "test")
        try survey(at: Self.day + 6 * Self.hour + 180_000)
        let cleared = engine.openAlarms(site: canteen)
        #expect(cleared.count == 1 && cleared.first?.conditionCleared == true,
                "the check clears the condition; people close the alarm as any other")
        let stored = try store.alarms(AlarmQuery())
        #expect(stored.count == 1 && stored.first?.kind == .morningCheckMissed)
    }
}

import Synchronization
