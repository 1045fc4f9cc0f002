import Foundation
import KitchenModel
import KitchenRules
import Logging
import Storage
import StorageModel
import TestSupport

/// 2026-11-22 08:00 in Wuhan (00:00 UTC); the report day is local 2026-11-22.
let t0: EpochMillis = 1_795_305_600_000
let hour: EpochMillis = 3_600_000

/// A real SQLite store holding one canteen's report day: a fridge's readings (2.0 … 6.0 °C, then
/// 9.0), a 40-minute excursion rectified with a corrective action, a disinfection run that
/// failed, and a class-2 violation at a station site that went overdue before it was rectified.
struct ReportStore {
    let dir = TemporaryDirectory("bk-reports")
    let store: Store

    static let fridge = DeviceKey(site: SiteID("canteen-01")!, device: DeviceID("fridge-1")!)
    static let site = SiteConfig(id: SiteID("canteen-01")!, name: "第一中学食堂", kind: .canteen, region: RegionCode("420106")!)
    static let thermometer = DeviceConfig(key: fridge, kind: .thermo, zone: .cold)

    init() throws {
        store = try Store(path: dir.file("bk.sqlite"))
        let writer = BatchWriter(store: store, logger: Logger(label: "test"))
        writer.start()
        defer { writer.stop() }
        try writer.submitAndWait([2.0, 3.0, 4.0, 5.0, 6.0, 9.0].enumerated().map { i, celsius in
            let at = t0 - 7 * hour + EpochMillis(i) * hour
            return .reading(ReadingRecord(key: Self.fridge, boot: 1, seq: Int64(i + 1), deviceTime: at, receivedAt: at,
                                          readings: .thermo(ThermoReading(celsius: celsius))))
        })
        // A steam run that reached 85 °C but held it 30 s of the 60 required.
        let cabinet = DeviceKey(site: SiteID("canteen-01")!, device: DeviceID("dis-1")!)
        let run = DisinfectionRun(mode: .steam, start: t0 - hour, end: t0 - hour + 600_000, peakCelsius: 85, holdSeconds: 30)
        let entry = LedgerEntry(device: cabinet, run: run,
                                requirement: DisinfectionRequirement(minCelsius: 80, minHoldSeconds: 60, minRunSeconds: 300),
                                scheduledFor: t0 - hour)
        try store.recordLedger(LedgerRow(key: cabinet, start: run.start, end: run.end, mode: run.mode.rawValue,
                                         passed: entry.passed, scheduledFor: entry.scheduledFor,
                                         entryJSON: String(decoding: try JSONEncoder().encode(entry), as: UTF8.self)))
        let lifecycle = AlarmLifecycle()
        let start = t0 - 2 * hour
        var excursion = lifecycle.raise(AlarmSignal(.raise, .tooWarm, device: Self.fridge, at: start + 600_000,
                                                    detail: AlarmDetail(value: 9, limit: 8, peak: 9.4, since: start,
                                                                        message: "冷藏温度过高", messageEN: "too warm")),
                                        id: "al_warm").record
        excursion = lifecycle.apply(AlarmSignal(.clear, .tooWarm, device: Self.fridge, at: start + 2_400_000,
                                                detail: AlarmDetail(message: "恢复", messageEN: "back")),
                                    to: excursion, newID: { "al_warm" })!.record
        excursion = try lifecycle.rectify(excursion, by: "张师傅", action: "=食材移入备用冰箱", at: start + 3_000_000).record
        try Self.record(excursion, region: "420106", store: store)
        // Class 2, raised five days ago (a three-day deadline), rectified a day ago: late.
        let camera = DeviceKey(site: SiteID("canteen-03")!, device: DeviceID("cam-1")!)
        let violation = lifecycle.raise(AlarmSignal(.raise, .violation, device: camera, label: "rodent", riskClass: .class2,
                                                    at: t0 - 5 * 24 * hour,
                                                    detail: AlarmDetail(message: "违规", messageEN: "violation")),
                                        id: "al_late").record
        try Self.record(try lifecycle.rectify(violation, by: "wang", action: "已整改", at: t0 - 24 * hour).record,
                        region: "420107-01", store: store)
    }

    static func record(_ r: AlarmRecord, region: String, store: Store) throws {
        try store.record(alarm: AlarmRow(id: r.id, identity: r.identity.description, site: r.device.site, region: region,
                                         device: r.device.device.rawValue, kind: r.kind, riskClass: r.riskClass,
                                         state: r.state, card: r.card, raisedAt: r.raisedAt,
                                         updatedAt: r.rectifiedAt ?? r.raisedAt, recordJSON: r.storedJSON),
                         transition: TransitionRow(alarmID: r.id, at: r.raisedAt, kind: "raised", actor: nil, note: nil,
                                                   bodyJSON: "{}"),
                         outboxTargets: [], now: r.raisedAt)
    }
}
