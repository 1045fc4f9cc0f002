import Foundation
import Gateway
import Hummingbird
import HummingbirdTesting
import KitchenModel
import KitchenRules
import Logging
import Storage
import StorageModel
import TestSupport
import Testing
@testable import WebAPI

/// The pages agree with the API and with themselves: the same open alarms and overdue rule,
/// the same chart a few seconds later, no fault reading drawn as a temperature.
@Suite struct DashboardConsistencyTests {
    typealias Session = DashboardPageTests.Session
    func page(_ dependencies: APIDependencies, _ uri: String, _ session: Session, fragment: Bool = false) async throws
        -> (body: String, stamp: String?)
    {
        var headers = session.headers
        if fragment { headers[PageResponse.fragmentHeader] = "1" }
        let h = headers
        return try await Application(router: buildRouter(dependencies)).test(.router) { client in
            try await client.execute(uri: uri, method: .get, headers: h) { response in
                #expect(response.status == .ok)
                return (String(buffer: response.body), response.headers[PageResponse.stampHeader])
            }
        }
    }

    static func write(_ store: any GatewayStore, _ items: [WriteItem]) throws {
        let writer = BatchWriter(store: store, logger: Logger(label: "test"))
        writer.start()
        defer { writer.stop() }
        try writer.submitAndWait(items)
    }

    @Test func theSitePageIsUnchangedAFewSecondsLaterWithoutNewData() async throws {
        let f = try WebFixture()
        let session = try DashboardPageTests.login(f, .regulator, "4201")
        var earlier = f.dependencies
        var later = f.dependencies
        // 08:00:00 and 08:00:05 Beijing: the same 15-minute slice, the same minute.
        earlier.clock = ManualClock(webT0)
        later.clock = ManualClock(webT0 + 5_000)
        let a = try await page(earlier, "/dashboard/sites/canteen-01", session, fragment: true)
        let b = try await page(later, "/dashboard/sites/canteen-01", session, fragment: true)
        #expect(a.stamp != nil && a.stamp == b.stamp)
        #expect(a.body == b.body)
        // A new reading does change it.
        try Self.write(f.store, [.reading(ReadingRecord(key: WebFixture.fridge, boot: 1, seq: 99, deviceTime: webT0 + 1_000,
                                                  receivedAt: webT0 + 1_000, readings: .thermo(ThermoReading(celsius: 7.5))))])
        let c = try await page(later, "/dashboard/sites/canteen-01", session, fragment: true)
        #expect(c.stamp != b.stamp)
    }

    /// Anywhere inside the same quarter hour (and hour) without a new reading, both charts are
    /// byte-identical; the next quarter hour moves the 24 h chart only.
    @Test func chartsAreTheSameThroughoutTheirSlice() throws {
        let f = try WebFixture()
        let device = try #require(f.model.registry.device(WebFixture.fridge))
        let kit = PageKit(language: .zh, explicitLanguage: false)
        func chart(_ now: EpochMillis) throws -> SitePage.Chart {
            try ChartData.chart(device, profile: ZoneProfile(zone: .cold), sensor: SensorLimits(), store: f.store, now: now, kit: kit)
        }
        let first = try chart(webT0 + 1_000)
        for later in [webT0 + 7_000, webT0 + 60_000, webT0 + 14 * 60_000 + 59_000] {
            let again = try chart(later)
            #expect(again.day == first.day && again.week == first.week, "\(later - webT0) ms later")
        }
        let nextQuarter = try chart(webT0 + 15 * 60_000)
        #expect(nextQuarter.day != first.day)
        #expect(nextQuarter.week == first.week)
    }

    @Test func chartWindowsEndOnTheSliceHoldingNow() {
        let quarter = ChartData.dayBucket
        #expect(ChartData.window(now: webT0, width: quarter, slices: 96) == (webT0 + quarter - 96 * quarter, webT0 + quarter))
        #expect(ChartData.window(now: webT0 + quarter - 1, width: quarter, slices: 96).to == webT0 + quarter)
        #expect(ChartData.window(now: webT0 + quarter, width: quarter, slices: 96).to == webT0 + 2 * quarter)
        #expect(ChartData.window(now: webT0 + 59 * 60_000, width: ChartData.hour, slices: 168).to == webT0 + ChartData.hour)
    }

    /// More open alarms than the store query's default page (200): the page counts them all,
    /// with the same traffic light as `GET /api/v1/sites/{id}`.
    @Test func theSitePageCountsOpenAlarmsLikeTheAPI() async throws {
        let f = try WebFixture()
        let camera = DeviceKey(site: SiteID("canteen-01")!, device: DeviceID("cam-1")!)
        for i in 0..<210 {
            let record = AlarmLifecycle().raise(AlarmSignal(.raise, .violation, device: camera, label: "l\(i)", riskClass: .class3,
                                                            at: webT0 - 3_600_000 + EpochMillis(i),
                                                            detail: AlarmDetail(message: "违规", messageEN: "violation")),
                                                id: "al_many_\(i)").record
            try WebFixture.record(record, region: "420106", store: f.store)
        }
        let session = try DashboardPageTests.login(f, .regulator, "4201")
        // The engine's open alarms (restored from the store at its start), uncapped, on both.
        let engine = try f.restarted()
        let api = try await Application(router: buildRouter(engine)).test(.router) { client in
            try await client.execute(uri: "/api/v1/sites/canteen-01", method: .get, headers: try f.token(.admin)) { response in
                try JSONSerialization.jsonObject(with: Data(buffer: response.body)) as? [String: Any]
            }
        }
        let open = try #require(api?["open_alarms"] as? [Any])
        #expect(open.count == 210)
        #expect(api?["status"] as? String == "yellow")
        let withEngine = try await page(engine, "/dashboard/sites/canteen-01", session)
        #expect(withEngine.body.contains("<h2>未结报警 (210)</h2>"))
        #expect(withEngine.body.contains("<h1><span class=\"light yellow\""))
    }

    @Test func overdueMeansPastTheDeadlineAndNotYetRectifiedEverywhere() throws {
        var record = WebFixture.violation()
        record.deadline = webT0 - 60_000
        let kit = PageKit(language: .en, explicitLanguage: false)
        #expect(AlarmDeadlines.isOverdue(record, now: webT0))
        #expect(AlarmBlocks.summary(record, kit: kit, now: webT0, linked: false).contains("<li class=\"overdue\">"))
        #expect(!AlarmDeadlines.isOverdue(record, now: webT0 - 120_000))
        // Once rectified it no longer counts, even though the engine marked it overdue earlier.
        record.overdueAt = webT0 - 30_000
        record.state = .rectified
        #expect(!AlarmDeadlines.isOverdue(record, now: webT0))
        #expect(!AlarmBlocks.summary(record, kit: kit, now: webT0, linked: false).contains("class=\"overdue\""))
        let row = AlarmRow(id: record.id, identity: "x", site: record.device.site, region: "420107-01", device: nil,
                           kind: record.kind, riskClass: .class1, state: .rectified, card: .none, raisedAt: record.raisedAt,
                           updatedAt: webT0, recordJSON: record.storedJSON)
        #expect(!row.isOverdue(now: webT0))
    }

    /// A DS18B20 that lost its probe reports −127 °C; the rules ignore it, so the chart does too.
    @Test func faultReadingsAreNotDrawn() throws {
        let f = try WebFixture()
        let fridge = WebFixture.fridge
        try Self.write(f.store, [-127.0, 85, 200].enumerated().map { i, celsius in
            .reading(ReadingRecord(key: fridge, boot: 1, seq: Int64(50 + i), deviceTime: webT0 - 30 * 60_000 + EpochMillis(i),
                                   receivedAt: webT0, readings: .thermo(ThermoReading(celsius: celsius))))
        })
        let device = try #require(f.model.registry.device(fridge))
        let kit = PageKit(language: .en, explicitLanguage: false)
        let chart = try ChartData.chart(device, profile: ZoneProfile(zone: .cold, minCelsius: 0, maxCelsius: 10), sensor: SensorLimits(),
                                        store: f.store, now: webT0, kit: kit)
        for svg in [chart.day, chart.week] {
            // The fixture's readings run from 2 to 9 °C: the axis stays near them, nothing is shaded.
            #expect(!svg.contains("-127") && !svg.contains(">-130<") && !svg.contains(">200<") && !svg.contains(">85<"))
            #expect(!svg.contains("class=\"excursion\""))
            #expect(svg.contains(">10 °C</text>"))
        }
    }
}
