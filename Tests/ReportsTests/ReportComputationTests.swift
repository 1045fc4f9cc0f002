import Foundation
import KitchenModel
import Storage
import StorageModel
import Testing
@testable import Reports

private func lines(_ csv: String) -> [String] {
    #expect(csv.hasPrefix("\u{FEFF}"), "a byte-order mark leads, for spreadsheets")
    return csv.dropFirst().split(separator: "\r\n").map(String.init)
}

/// The report computations straight on a real store, without HTTP or the command line (both
/// only choose the period and hand the document on).
@Suite struct ReportComputationTests {
    static let day = ReportCalendar.china.day("2026-11-22")!

    @Test func theHACCPLogHasTheDaysFiguresAndEachExcursionWithItsCorrectiveAction() throws {
        let f = try ReportStore()
        let log = try HACCPLog.build(site: ReportStore.site, devices: [ReportStore.thermometer], day: "2026-11-22",
                                     start: Self.day.start, end: Self.day.end, now: t0, store: f.store)
        let sensor = try #require(log.sensors.first)
        #expect((sensor.min, sensor.max, sensor.samples) == (2.0, 9.0, 6))
        #expect(abs((sensor.average ?? 0) - 29.0 / 6) < 1e-9)
        let excursion = try #require(log.excursions.first)
        #expect(log.excursions.count == 1, "the station's violation is not a temperature excursion")
        #expect(excursion.durationMillis == 2_400_000 && excursion.peak == 9.4 && excursion.limit == 8)
        let rows = lines(log.csv())
        #expect(rows[1] == "sensor,canteen-01,2026-11-22,fridge-1,cold,2.0,9.0,4.8,6,,,,,,,,,,")
        // The corrective action starts with `=`: a spreadsheet must show it as text, not run it.
        #expect(rows[2] == "excursion,canteen-01,2026-11-22,fridge-1,,,,,,al_warm,too_warm,2026-11-22 06:00:00,"
                    + "2026-11-22 06:40:00,40,9.4,8.0,\"'=食材移入备用冰箱\",张师傅,closed", "\(rows)")
        let page = log.html()
        #expect(page.hasPrefix("<!doctype html>") && page.contains("HACCP 每日温度记录 · 第一中学食堂"))
        #expect(page.contains("区划 湖北省 武汉市 武昌区 (420106)"), "the division's names, its code after them")
        #expect(page.contains("<td>温度过高</td><td>2026-11-22 06:00:00</td><td>2026-11-22 06:40:00</td><td>40</td>"))
        #expect(!page.contains("<script") && !page.contains("src="), "a self-contained printable page")
    }

    @Test func aDayWithoutReadingsListsTheSensorWithoutFigures() throws {
        let f = try ReportStore()
        let before = try #require(ReportCalendar.china.day("2026-11-21"))
        let empty = try HACCPLog.build(site: ReportStore.site, devices: [ReportStore.thermometer], day: "2026-11-21",
                                       start: before.start, end: before.end, now: t0, store: f.store)
        #expect(empty.sensors.map(\.samples) == [0] && empty.sensors.first?.average == nil && empty.excursions.isEmpty)
        #expect(lines(empty.csv()).dropFirst() == ["sensor,canteen-01,2026-11-21,fridge-1,cold,,,,0,,,,,,,,,,"])
    }

    @Test func theLedgerListsEveryRunWithItsVerdictAndReasons() throws {
        let f = try ReportStore()
        let csv = try LedgerReport.csv(site: SiteID("canteen-01")!, since: Self.day.start, until: Self.day.end, store: f.store)
        #expect(lines(csv) == [
            "site,device,start,end,duration_s,mode,scheduled,scheduled_for,peak_c,hold_s,result,reasons",
            "canteen-01,dis-1,2026-11-22 07:00:00,2026-11-22 07:10:00,600,steam,yes,2026-11-22 07:00:00,85.0,30,fail,hold_too_short",
        ])
        let other = try LedgerReport.csv(site: SiteID("canteen-02")!, since: Self.day.start, until: Self.day.end, store: f.store)
        #expect(lines(other).count == 1, "another site's ledger has the header only")
    }

    @Test func alarmStatisticsGroupByChildRegionAndKindAndCountWhatWentOverdue() throws {
        let f = try ReportStore()
        let wuhan = try #require(RegionNode("4201"))
        let csv = try AlarmStatistics.csv(region: wuhan, since: t0 - 10 * 24 * hour, until: t0, now: t0, store: f.store)
        #expect(lines(csv) == [
            "region,group,kind,title,raised,open,rectified,closed,overdue,mean_hours_to_rectify,region_name,group_name",
            "4201,420106,too_warm,温度过高,1,0,1,1,0,0.7,武汉市,武昌区",
            "4201,420107,violation,违规行为,1,1,1,0,1,96.0,武汉市,青山区",
        ])
        // Below a station the groups are its sites.
        let station = try #require(RegionNode("420107-01"))
        let sites = try AlarmStatistics.csv(region: station, since: t0 - 10 * 24 * hour, until: t0, now: t0, store: f.store)
        #expect(lines(sites).dropFirst() == ["420107-01,canteen-03,violation,违规行为,1,1,1,0,1,96.0,青山区 01,canteen-03"])
    }
}

@Suite struct ReportCalendarTests {
    @Test func daysAreLocalDaysInChina() throws {
        let day = try #require(ReportCalendar.china.day("2026-11-22"))
        #expect(day.start == t0 - 8 * hour, "local midnight is 16:00 UTC the day before")
        #expect(day.end - day.start == 24 * hour)
        #expect(ReportCalendar.china.dayText(t0) == "2026-11-22")
        #expect(ReportCalendar.china.timestamp(t0) == "2026-11-22 08:00:00")
        #expect(ReportCalendar.china.startOfDay(containing: t0) == day.start)
        for bad in ["2026-02-30", "2026-13-01", "22/11/2026", "2026-1-22", ""] {
            #expect(ReportCalendar.china.day(bad) == nil, "\(bad)")
        }
    }
}

/// CSV injection: cells a spreadsheet would run as a formula are quoted text; numbers stay numbers.
@Suite struct CSVTests {
    @Test func formulasBecomeTextAndNumbersStayNumbers() {
        #expect(CSV.field("-18.0") == "-18.0", "a freezer's temperature stays a number")
        #expect(CSV.field("+3") == "+3")
        for formula in ["-1+1", "+A1", "@SUM(A1)", "\tx", "\r=1", "-", "=1+1"] {
            #expect(CSV.field(formula).hasPrefix("\"'"), "\(formula)")
        }
        #expect(CSV.field("a,b") == "\"a,b\"")
        #expect(CSV.field("say \"hi\"") == "\"say \"\"hi\"\"\"")
        #expect(CSV.document(header: ["a", "b"], rows: [["1", "x,y"]]) == "\u{FEFF}a,b\r\n1,\"x,y\"\r\n")
    }
}
