import Foundation
import Hummingbird
import HummingbirdTesting
import KitchenModel
import Ledgers
import TestSupport
import Testing
import WebAPI

private func json(_ buffer: ByteBuffer) -> [String: Any] {
    (try? JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [String: Any]) ?? [:]
}

/// 留样 over HTTP (docs/ledgers.md "留样 samples"): the meal plan, manual samples, refusals that
/// store nothing, the day's dishes done and missing, removals, and the daily sheet. Both stores.
/// The fixture's clock is 2026-11-22 08:00 China time: breakfast (ends 07:30) is over, lunch is not.
@Suite struct SampleAPITests {
    static let plan = #"{"meals":[{"meal":"breakfast","ends":"07:30","dishes":["包子","豆浆"]},{"meal":"lunch","ends":"12:30","dishes":["番茄炒蛋"]}]}"#

    @Test(arguments: StoreBackend.allCases) func samplesByHandSheetAndRefusals(_ backend: StoreBackend) async throws {
        let f = try WebFixture(backend)
        let site = try f.token(.site, "canteen-01")
        try await f.test { client in
            try await client.execute(uri: "/api/v1/sites/canteen-01/meal-plan", method: .post, headers: site,
                                     body: ByteBuffer(string: Self.plan)) { #expect($0.status == .created, "\(String(buffer: $0.body))") }
            try await client.execute(uri: "/api/v1/sites/canteen-01/meal-plan", method: .post, headers: site,
                                     body: ByteBuffer(string: Self.plan)) { #expect($0.status == .ok, "unchanged: nothing appended") }
            let sample = #"{"meal":"breakfast","dish":"包子","grams":150,"fridge":"fridge-1","box":"B1","reviewer":"李主管","at_ms":\#(webT0 - 7_200_000)}"#
            try await client.execute(uri: "/api/v1/sites/canteen-01/samples", method: .post, headers: site,
                                     body: ByteBuffer(string: sample)) { response in
                #expect(response.status == .created, "\(String(buffer: response.body))")
                #expect((json(response.body)["record"] as? [String: Any])?["enough"] as? Bool == true)
            }
            let cases: [(String, HTTPResponse.Status, String)] = [
                (#"{"meal":"breakfast","dish":"豆浆","grams":-1,"fridge":"fridge-1"}"#, .unprocessableContent, "negative-value"),
                (#"{"meal":"breakfast","dish":"豆浆","grams":150,"fridge":"fridge-1","at_ms":\#(webT0 + 3_600_000)}"#, .unprocessableContent, "future-time"),
                (#"{"meal":"breakfast","dish":"油条","grams":150,"fridge":"fridge-1"}"#, .unprocessableContent, "unknown-dish"),
                (#"{"meal":"dinner","dish":"豆浆","grams":150,"fridge":"fridge-1"}"#, .unprocessableContent, "unknown-meal"),
                (#"{"meal":"brunch","dish":"豆浆","grams":150,"fridge":"fridge-1"}"#, .unprocessableContent, "unknown-meal"),
                (#"{"meal":"breakfast","dish":"豆浆","grams":150,"fridge":"dis-1"}"#, .unprocessableContent, "unknown-fridge"),
                (#"{"meal":"breakfast","dish":"豆浆","grams":150}"#, .badRequest, "bad_request"),
                (#"{"meal":"breakfast","dish":"豆\u202E浆","grams":150,"fridge":"fridge-1"}"#, .badRequest, "bad_request"),
            ]
            for (body, status, reason) in cases {
                try await client.execute(uri: "/api/v1/sites/canteen-01/samples", method: .post, headers: site,
                                         body: ByteBuffer(string: body)) { response in
                    #expect(response.status == status && json(response.body)["error"] as? String == reason,
                            "\(body): \(response.status) \(String(buffer: response.body))")
                }
            }
            try await client.execute(uri: "/api/v1/sites/canteen-01/ledger/entries", method: .get, headers: site) { response in
                #expect((json(response.body)["entries"] as? [Any])?.count == 2, "only the plan and the sample were stored")
            }
            try await client.execute(uri: "/api/v1/sites/canteen-01/samples?date=2026-11-22", method: .get, headers: site) { response in
                let day = json(response.body)
                #expect(day["planned"] as? Int == 3 && day["sampled"] as? Int == 1 && day["missing"] as? Int == 1, "\(day)")
                let dishes = day["dishes"] as? [[String: Any]] ?? []
                #expect(dishes.map { $0["status"] as? String } == ["sampled", "missing", "due"], "\(dishes)")
            }
            try await client.execute(uri: "/api/v1/sites/canteen-01/ledger/sheet?date=2026-11-22", method: .get, headers: site) { response in
                let page = String(buffer: response.body)
                #expect(page.contains("留样记录") && page.contains("已留样 1 / 3 个菜品") && page.contains("<b>未留样</b>"), "\(page)")
            }
            try await client.execute(uri: "/api/v1/sites/canteen-01/ledger/sheet?date=2026-11-22&format=csv", method: .get,
                                     headers: site) { response in
                let rows = String(buffer: response.body).split(separator: "\r\n")
                #expect(rows.contains { $0.contains(",sample,breakfast,豆浆,missing,") }, "\(rows)")
                #expect(rows.contains { $0.contains(",sample,breakfast,包子,sampled,150.0,") }, "\(rows)")
            }
            // Taken out of fridge-1 an hour after it went in: an early removal; a second time there is nothing to remove.
            for expected in [HTTPResponse.Status.created, .unprocessableContent] {
                try await client.execute(uri: "/api/v1/sites/canteen-01/sample-removals", method: .post, headers: site,
                                         body: ByteBuffer(string: #"{"fridge":"fridge-1","box":"B1","by":"李强"}"#)) { response in
                    #expect(response.status == expected, "\(String(buffer: response.body))")
                    if expected == .created {
                        let removal = (json(response.body)["removals"] as? [[String: Any]])?.first
                        #expect(removal?["early"] as? Bool == true && removal?["dish"] as? String == "包子")
                    }
                }
            }
            try await client.execute(uri: "/api/v1/sites/canteen-01/ledger/verify", method: .get, headers: site) { response in
                #expect(json(response.body)["intact"] as? Bool == true && json(response.body)["entries"] as? Int == 3)
            }
        }
    }
}

/// 留样 on the site page's 今日台账: dishes done out of planned, those missing after service, those
/// still due, and a sample removed early.
@Suite struct SampleCardTests {
    @Test(arguments: StoreBackend.allCases) func theSitePageShowsSampledMissingAndDueDishes(_ backend: StoreBackend) async throws {
        let f = try WebFixture(backend)
        let site = try f.token(.site, "canteen-01")
        let session = try DashboardPageTests.login(f, .site, "canteen-01")
        try await f.test { client in
            func page() async throws -> String {
                try await client.execute(uri: "/dashboard/sites/canteen-01", method: .get, headers: session.headers) {
                    #expect($0.status == .ok)
                    return String(buffer: $0.body)
                }
            }
            #expect(!(try await page().contains("card ledger samples")), "no meal plan, no 留样 card")
            try await client.execute(uri: "/api/v1/sites/canteen-01/meal-plan", method: .post, headers: site,
                                     body: ByteBuffer(string: SampleAPITests.plan)) { #expect($0.status == .created) }
            try await client.execute(uri: "/api/v1/sites/canteen-01/samples", method: .post, headers: site, body: ByteBuffer(string:
                #"{"meal":"breakfast","dish":"包子","grams":150,"fridge":"fridge-1","box":"B1","at_ms":\#(webT0 - 7_200_000)}"#)) {
                #expect($0.status == .created)
            }
            var html = try await page()
            #expect(html.contains("留样 <b>1 / 3</b>") && html.contains("供餐结束仍未留样：</b>早餐 豆浆"), "\(html)")
            #expect(html.contains("待留样：午餐 番茄炒蛋"))
            try await client.execute(uri: "/api/v1/sites/canteen-01/sample-removals", method: .post, headers: site,
                                     body: ByteBuffer(string: #"{"samples":[2]}"#)) { #expect($0.status == .created) }
            html = try await page()
            // The fixture's fridge-1 read warm during the sample's window too: both are shown.
            #expect(html.contains("早餐 包子：未满 48 小时被取出") && html.contains("早餐 包子：冰箱温度超出 0–8 °C"), "\(html)")
        }
    }
}
