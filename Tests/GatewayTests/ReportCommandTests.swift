import Foundation
import KitchenModel
import Logging
import Storage
import StorageModel
import TestSupport
import Testing

/// `brightkitchen report ...` on a real database: the documents the API serves, from the
/// command line, and clear errors for bad arguments.
@Suite struct ReportCommandTests {
    static let registry = """
        sites:
          - {id: canteen-01, name: 第一中学食堂, kind: canteen, region: "420106"}
        devices:
          - {id: fridge-1, site: canteen-01, kind: thermo, zone: cold}
          - {id: dis-1, site: canteen-01, kind: disinfector}
        """
    /// 2026-11-22 12:00 in Beijing.
    static let noon: EpochMillis = 1_795_320_000_000

    func run(_ arguments: [String], in dir: TemporaryDirectory) -> ChildProcess? {
        let binary = productsDirectory().appendingPathComponent("brightkitchen").path
        guard let child = try? ChildProcess(executable: binary, arguments: arguments, logDirectory: dir.path) else { return nil }
        _ = eventually(timeout: .seconds(20)) { !child.isRunning }
        return child
    }

    @Test func printsTheHACCPLogTheLedgerAndAlarmStatistics() throws {
        let dir = TemporaryDirectory("bk-report")
        try Self.registry.write(toFile: dir.file("registry.yaml"), atomically: true, encoding: .utf8)
        let store = try Store(path: dir.file("bk.sqlite"))
        let fridge = DeviceKey(site: SiteID("canteen-01")!, device: DeviceID("fridge-1")!)
        let writer = BatchWriter(store: store, logger: Logger(label: "test"))
        writer.start()
        try writer.submitAndWait([2.5, 4.5].enumerated().map { i, celsius in
            .reading(ReadingRecord(key: fridge, boot: 1, seq: Int64(i + 1), deviceTime: Self.noon + Int64(i) * 60_000,
                                   receivedAt: Self.noon, readings: .thermo(ThermoReading(celsius: celsius))))
        })
        writer.stop()
        try store.recordLedger(LedgerRow(key: DeviceKey(site: SiteID("canteen-01")!, device: DeviceID("dis-1")!),
                                         start: Self.noon, end: Self.noon + 1_800_000, mode: "uv", passed: true,
                                         scheduledFor: Self.noon, entryJSON: "{}"))
        // One open too_warm alarm in Wuhan's 420106 and one in Changsha, which a 4201 report leaves out.
        for (id, site, region) in [("al_wh", "canteen-01", "420106"), ("al_cs", "canteen-02", "430102")] {
            try store.record(alarm: AlarmRow(id: id, identity: "\(site)/fridge-1/too_warm", site: SiteID(site)!,
                                             region: region, device: "fridge-1", kind: .tooWarm, riskClass: .class1,
                                             state: .raised, card: .none, raisedAt: Self.noon, updatedAt: Self.noon,
                                             recordJSON: "{}"),
                             transition: TransitionRow(alarmID: id, at: Self.noon, kind: "raised", actor: nil, note: nil,
                                                       bodyJSON: "{}"),
                             outboxTargets: [], now: Self.noon)
        }
        let database = ["--database", dir.file("bk.sqlite")]

        let haccp = try #require(run(["report", "haccp", "--site", "canteen-01", "--date", "2026-11-22",
                                      "--config", dir.file("registry.yaml")] + database, in: dir))
        #expect(haccp.process.terminationStatus == 0, "\(haccp.stderr)")
        #expect(haccp.stdout.contains("fridge-1") && haccp.stdout.contains("2.5") && haccp.stdout.contains("4.5"),
                "min and max of the day's readings: \(haccp.stdout)")

        let ledger = try #require(run(["report", "ledger", "--site", "canteen-01", "--from", "2026-11-22",
                                       "--to", "2026-11-22"] + database, in: dir))
        #expect(ledger.process.terminationStatus == 0, "\(ledger.stderr)")
        #expect(ledger.stdout.contains("dis-1") && ledger.stdout.contains("uv"), "\(ledger.stdout)")

        let alarms = try #require(run(["report", "alarms", "--region", "4201", "--from", "2026-11-01",
                                       "--to", "2026-11-22"] + database, in: dir))
        #expect(alarms.process.terminationStatus == 0, "\(alarms.stderr)")
        // The CSV's byte-order mark, if the captured text kept it, is not part of the header.
        let lines = alarms.stdout.drop { $0 == "\u{FEFF}" }.split(separator: "\r\n").map(String.init)
        #expect(lines == ["region,group,kind,title,raised,open,rectified,closed,overdue,mean_hours_to_rectify,region_name,group_name",
                          "4201,420106,too_warm,温度过高,1,1,0,0,0,,武汉市,武昌区"],
                "one row: the seeded alarm, raised and still open, under its district: \(alarms.stdout)")

        let bad = try #require(run(["report", "ledger", "--site", "canteen-01", "--from", "22/11/2026",
                                    "--to", "2026-11-22"] + database, in: dir))
        #expect(bad.process.terminationStatus != 0)
        #expect(bad.stderr.contains("YYYY-MM-DD"), "\(bad.stderr)")
    }
}
