import GatewayPorts
import KitchenModel
import KitchenRules
import Reports
import Storage
import StorageModel
import TestSupport
import Testing
@testable import WebAPI

/// The region figures (the engine's open alarms) and the alarm statistics (the stored alarms) count
/// by the same `AlarmDeadlines`: overdue now for the figures, went overdue for the statistics.
@Suite struct OverdueCountTests {
    static let day: EpochMillis = 86_400_000

    @Test func regionFiguresAndStatisticsCountByTheSameRule() throws {
        let dir = TemporaryDirectory()
        let store = try Store(path: dir.file("bk.sqlite"))
        let lifecycle = AlarmLifecycle()
        let camera = DeviceKey(site: SiteID("canteen-03")!, device: DeviceID("cam-1")!)
        // Class 2, raised five days ago: the three-day deadline passed two days ago.
        func class2(_ id: String) -> AlarmRecord {
            lifecycle.raise(AlarmSignal(.raise, .violation, device: camera, label: id, riskClass: .class2,
                                        at: webT0 - 5 * Self.day, detail: AlarmDetail(message: "违规", messageEN: "violation")),
                            id: id).record
        }
        let waiting = class2("al_waiting")
        let late = try lifecycle.rectify(class2("al_late"), by: "wang", action: "已整改", at: webT0 - Self.day).record
        let onTime = try lifecycle.rectify(class2("al_on_time"), by: "wang", action: "已整改", at: webT0 - 4 * Self.day).record
        for record in [waiting, late, onTime] { try WebFixture.record(record, region: "420107-01", store: store) }

        let node = try #require(RegionNode("4201"))
        let summary = RegionSummary.build(node, sites: [], ticketsToday: [:],
                                          openAlarms: [waiting, late, onTime].map { OpenAlarm(record: $0, region: "420107-01") },
                                          now: webT0)
        #expect(summary.region.openAlarms.class2 == 3)
        #expect(summary.region.overdueAlarms == 1, "only the alarm still awaiting rectification is overdue now")
        #expect(summary.region.status == .yellow)

        let csv = try AlarmStatistics.csv(region: node, since: webT0 - 10 * Self.day, until: webT0, now: webT0, store: store)
        let line = try #require(csv.split(whereSeparator: \.isNewline).first { $0.contains(",violation,") })
        let fields = line.split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        // region, group, kind, title, raised, open, rectified, closed, overdue, mean hours
        #expect(Array(fields[4...8]) == ["3", "3", "2", "0", "2"], "the late rectification went overdue too: \(line)")
    }
}
