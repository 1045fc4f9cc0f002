import Foundation
import Hummingbird
import HummingbirdTesting
import Testing
import WebAPI

private func lines(_ buffer: ByteBuffer) -> [String] {
    String(buffer: buffer).replacingOccurrences(of: "\u{FEFF}", with: "").split(separator: "\r\n").map(String.init)
}

@Suite struct ReportAPITests {
    @Test func theHACCPLogHasTheDaysFiguresAndTheExcursionWithItsCorrectiveAction() async throws {
        let f = try WebFixture()
        let site = try f.token(.site, "canteen-01")
        try await f.test { client in
            try await client.execute(uri: "/api/v1/reports/haccp?site=canteen-01&date=2026-11-22", method: .get,
                                     headers: site) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "text/csv; charset=utf-8")
                let rows = lines(response.body)
                #expect(rows.count == 3, "\(rows)")
                #expect(rows.dropFirst().first?.hasPrefix("sensor,canteen-01,2026-11-22,fridge-1,cold,2.0,9.0,4.8,6,") == true,
                        "\(rows)")
                let excursion = try #require(rows.last)
                #expect(excursion.hasPrefix("excursion,canteen-01,2026-11-22,fridge-1,"))
                #expect(excursion.contains(",al_in,too_warm,2026-11-22 06:00:00,2026-11-22 06:40:00,40,9.4,8.0,食材移入备用冰箱并检修门封,张师傅,closed"),
                        "\(excursion)")
            }
            try await client.execute(uri: "/api/v1/reports/haccp?site=canteen-01&date=2026-11-22&format=html",
                                     method: .get, headers: site) { response in
                let page = String(buffer: response.body)
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                #expect(page.contains("HACCP 每日温度记录 · 第一中学食堂"))
                #expect(page.contains("<td>温度过高</td><td>2026-11-22 06:00:00</td><td>2026-11-22 06:40:00</td><td>40</td>"))
            }
            // The day before has the sensor but no samples and no excursion.
            try await client.execute(uri: "/api/v1/reports/haccp?site=canteen-01&date=2026-11-21", method: .get,
                                     headers: site) { response in
                #expect(lines(response.body) == [lines(response.body)[0], "sensor,canteen-01,2026-11-21,fridge-1,cold,,,,0,,,,,,,,,,"])
            }
        }
    }

    @Test func theLedgerListsEveryRunWithItsVerdict() async throws {
        let f = try WebFixture()
        let admin = try f.token(.admin)
        try await f.test { client in
            try await client.execute(uri: "/api/v1/reports/ledger?site=canteen-01&from=2026-11-22&to=2026-11-22",
                                     method: .get, headers: admin) { response in
                let rows = lines(response.body)
                #expect(rows.first == "site,device,start,end,duration_s,mode,scheduled,scheduled_for,peak_c,hold_s,result,reasons")
                #expect(rows.dropFirst() == ["canteen-01,dis-1,2026-11-22 07:00:00,2026-11-22 07:10:00,600,heat,yes,2026-11-22 07:00:00,,,fail,"])
            }
        }
    }

    @Test func alarmStatisticsGroupByChildRegionAndKind() async throws {
        let f = try WebFixture()
        let wuhan = try f.token(.regulator, "4201")
        try await f.test { client in
            try await client.execute(uri: "/api/v1/reports/alarms?region=4201&from=2026-11-01&to=2026-11-30",
                                     method: .get, headers: wuhan) { response in
                let rows = lines(response.body)
                #expect(rows.dropFirst() == [
                    "4201,420106,too_warm,温度过高,1,0,1,1,0,0.7,武汉市,武昌区",
                    "4201,420107,violation,违规行为,1,1,0,0,0,,武汉市,青山区",
                ], "\(rows)")
            }
        }
    }

    @Test func badReportRequestsNameTheProblem() async throws {
        let f = try WebFixture()
        let admin = try f.token(.admin)
        try await f.test { client in
            for (uri, text) in [
                ("/api/v1/reports/haccp?site=canteen-01&date=2026-02-30", "YYYY-MM-DD"),
                ("/api/v1/reports/haccp?date=2026-11-22", "site is required"),
                ("/api/v1/reports/haccp?site=canteen-01&date=2026-11-22&format=pdf", "csv or html"),
                ("/api/v1/reports/ledger?site=canteen-01&from=2026-11-22&to=2026-11-01", "forwards"),
            ] {
                try await client.execute(uri: uri, method: .get, headers: admin) { response in
                    #expect(response.status == .badRequest, "\(uri)")
                    #expect(String(buffer: response.body).contains(text), "\(uri)")
                }
            }
        }
    }
}
