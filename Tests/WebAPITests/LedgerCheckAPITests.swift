import Foundation
import Gateway
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

/// 陪餐, 进货查验 and 令60's records over HTTP (docs/ledgers.md): appended (201), refused (422 with
/// the reason, nothing stored), on the daily sheet (HTML and CSV) and the duties; region summaries
/// count sites missing ledgers; the site page's manual 晨检 form. Both stores.
@Suite struct LedgerCheckAPITests {
    static let officer = #"{"worker":"w-009","name":"赵敏","role":"food-safety-officer","cert_no":"420106-0009","cert_expiry":"2027-12-31"}"#
    static let purchase = #"{"item":"大米","specification":"25 kg/袋","quantity":4,"unit":"袋","production_date":"2026-11-15","shelf_life_days":180,"supplier":{"name":"武汉粮油公司","address":"武汉市洪山区","contact":"027-8888"},"voucher":{"type":"test-report","number":"JC-1"},"inspector":"w-001"}"#

    static func daily(_ items: [String], ok: Bool = true) -> String {
        let answers = items.map { #"{"item":"\#($0)","ok":\#(ok)\#(ok ? "" : #","note":"已整改""#)}"# }.joined(separator: ",")
        return #"{"officer":"w-009","items":[\#(answers)]}"#
    }

    @Test(arguments: StoreBackend.allCases) func recordsGoOnTheSheetAndImpossibleOnesAre422(_ backend: StoreBackend) async throws {
        let f = try WebFixture(backend)
        let site = try f.token(.site, "canteen-01")
        let items = SafetyChecklist.for(.canteen).items.map(\.id)
        try await f.test { client in
            func post(_ path: String, _ body: String) async throws -> (HTTPResponse.Status, [String: Any]) {
                try await client.execute(uri: "/api/v1/sites/canteen-01/\(path)", method: .post, headers: site,
                                         body: ByteBuffer(string: body)) { ($0.status, json($0.body)) }
            }
            func entries() async throws -> Int {
                try await client.execute(uri: "/api/v1/sites/canteen-01/ledger/entries", method: .get, headers: site) {
                    (json($0.body)["entries"] as? [Any])?.count ?? -1
                }
            }
            for body in [LedgerAPITests.worker, Self.officer] { #expect(try await post("staff", body).0 == .created) }
            try await client.execute(uri: "/api/v1/sites/canteen-01/checklist", method: .get, headers: site) { response in
                let answer = json(response.body)
                #expect(answer["id"] as? String == "canteen-1" && (answer["items"] as? [[String: Any]])?.count == items.count)
            }
            let made: [(String, String)] = [
                ("meal-escorts", #"{"meal":"breakfast","escort":"李校长","escort_role":"leader","problems":["粥偏凉"]}"#),
                ("purchases", Self.purchase),
                ("daily-checks", Self.daily(items)),
                ("weekly-reviews", #"{"officer":"w-009","hazards":["库房纱窗破损"],"measures":"已更换","summary":"一处隐患已整改"}"#),
                ("monthly-meetings", #"{"chair":"w-009","attendees":["w-001","w-009"],"minutes":"总结十一月","decisions":["更换冷藏柜"]}"#),
            ]
            for (path, body) in made {
                let (status, answer) = try await post(path, body)
                #expect(status == .created, "\(path): \(answer)")
            }
            let purchaseSeq = 4
            let (_, corrected) = try await post("purchases", String(Self.purchase.replacingOccurrences(of: #""quantity":4"#, with: #""quantity":5"#).dropLast())
                + #","corrects":\#(purchaseSeq)}"#)
            #expect((corrected["entry"] as? [String: Any])?["corrects"] as? Int == purchaseSeq, "\(corrected)")
            #expect((corrected["record"] as? [String: Any])?["keep_until"] as? String == "2027-11-13")
            let stored = try await entries()
            #expect(stored == 8)

            let refused: [(String, String, String)] = [
                ("daily-checks", Self.daily(items + ["fortune-telling"]), "unknown-item"),
                ("daily-checks", Self.daily(Array(items.dropLast())), "missing-item"),
                ("purchases", Self.purchase.replacingOccurrences(of: "2026-11-15", with: "2026-01-01").replacingOccurrences(of: ":180", with: ":30"),
                 "expired-at-receipt"),
                ("purchases", Self.purchase.replacingOccurrences(of: #""inspector":"w-001""#, with: #""inspector":"w-404""#), "unknown-worker"),
                ("weekly-reviews", #"{"officer":"w-009","summary":"x","corrects":99}"#, "unknown-correction"),
                ("monthly-meetings", #"{"chair":"w-009","attendees":["w-777"],"minutes":"x"}"#, "unknown-worker"),
                ("meal-escorts", #"{"meal":"lunch","escort":"李校长","escort_role":"principal"}"#, "invalid-value"),
            ]
            for (path, body, reason) in refused {
                let (status, answer) = try await post(path, body)
                #expect(status == .unprocessableContent && answer["error"] as? String == reason, "\(path): \(answer)")
            }
            #expect(try await entries() == stored, "refusals store nothing")

            try await client.execute(uri: "/api/v1/sites/canteen-01/ledger/sheet?date=2026-11-22", method: .get, headers: site) { response in
                let page = String(buffer: response.body)
                #expect(page.contains("陪餐记录") && page.contains("李校长") && page.contains("粥偏凉"))
                #expect(page.contains("进货查验") && page.contains("武汉粮油公司") && page.contains("2027-11-13"))
                #expect(page.contains("赵敏：\(items.count) / \(items.count) 项合格") && page.contains("周排查 2026-11-16/2026-11-22"))
                #expect(page.contains("月调度 2026-11 主持 赵敏，2 人参会"))
                #expect(!page.contains("4 袋"), "the corrected purchase is shown as corrected: 5 袋")
            }
            try await client.execute(uri: "/api/v1/sites/canteen-01/ledger/sheet?date=2026-11-22&format=csv", method: .get,
                                     headers: site) { response in
                let rows = String(buffer: response.body).split(separator: "\r\n").map(String.init)
                #expect(rows.contains { $0.hasPrefix("canteen-01,2026-11-22,meal-escort,") && $0.contains(",breakfast,李校长,leader,") })
                #expect(rows.contains { $0.hasPrefix("canteen-01,2026-11-22,purchase,") && $0.contains(",大米,") && $0.contains("keep until 2027-11-13") })
                #expect(rows.filter { $0.contains(",purchase,") }.count == 1)
                #expect(rows.contains { $0.contains(",daily-check,") } && rows.contains { $0.contains(",weekly-review,") }
                        && rows.contains { $0.contains(",monthly-meeting,") })
                #expect(rows.last?.contains(",chain-head,#8,") == true, "\(rows)")
            }
            for date in ["1970-01-01", "9999-12-31"] {   // the first and last days a sheet may be asked for
                try await client.execute(uri: "/api/v1/sites/canteen-01/ledger/sheet?date=\(date)", method: .get, headers: site) {
                    #expect($0.status == .ok, "\(date)")
                }
            }
            try await client.execute(uri: "/api/v1/sites/canteen-01/ledger/duties", method: .get, headers: site) { response in
                let duties = json(response.body)["duties"] as? [[String: Any]] ?? []
                #expect(duties.map { $0["duty"] as? String } == ["daily-check", "weekly-review", "monthly-meeting"])
                #expect(duties.allSatisfy { $0["done"] as? Bool == true && $0["overdue_period"] == nil }, "\(duties)")
            }
        }
    }

    @Test(arguments: StoreBackend.allCases) func regionSummariesCountSitesMissingLedgers(_ backend: StoreBackend) async throws {
        let f = try WebFixture(backend)
        let wuhan = try f.token(.regulator, "4201")
        let engine = try #require(f.dependencies.alarms as? AlarmEngine)
        let canteen1 = SiteID("canteen-01")!
        let canteen3 = SiteID("canteen-03")!
        try await f.test { client in
            func missing() async throws -> (region: Int?, children: [String: Int]) {
                try await client.execute(uri: "/api/v1/regions/4201/summary", method: .get, headers: wuhan) { response in
                    let answer = json(response.body)
                    let region = (answer["region"] as? [String: Any])?["sites_missing_ledgers"] as? Int
                    var children: [String: Int] = [:]
                    for child in answer["children"] as? [[String: Any]] ?? [] {
                        children[child["code"] as? String ?? ""] = child["sites_missing_ledgers"] as? Int
                    }
                    return (region, children)
                }
            }
            #expect(try await missing().region == 0)
            // Two ledgers missing at one site count it once; another county's site counts too.
            engine.ledgerDuties(missing: [.dailyCheckMissed: [canteen1], .weeklyReviewMissed: [canteen1, canteen3]], fine: [:], now: webT0)
            engine.morningChecks(missing: [canteen1], fine: [], now: webT0)
            engine.waitForCommits()
            var counts = try await missing()
            #expect(counts.region == 2 && counts.children["420106"] == 1 && counts.children["420107"] == 1, "\(counts)")
            let session = try DashboardPageTests.login(f, .regulator, "4201")
            let page = try await client.execute(uri: "/dashboard/regions/4201", method: .get, headers: session.headers) {
                String(buffer: $0.body)
            }
            #expect(page.contains("缺台账站点 2") && page.contains("缺台账站点 1"), "the region page shows the same counts")
            // Records filed: the alarms stay open for people to close, but nothing is missing any more.
            engine.ledgerDuties(missing: [:], fine: [.dailyCheckMissed: [canteen1], .weeklyReviewMissed: [canteen1, canteen3]], now: webT0 + 60_000)
            engine.waitForCommits()
            counts = try await missing()
            #expect(counts.region == 1 && counts.children["420106"] == 1 && counts.children["420107"] == 0, "the morning check is still missing")
        }
    }

    @Test(arguments: StoreBackend.allCases) func aManualMorningCheckFromTheSitePageForm(_ backend: StoreBackend) async throws {
        let f = try WebFixture(backend)
        let site = try f.token(.site, "canteen-01")
        let session = try DashboardPageTests.login(f, .site, "canteen-01")
        try await f.test { client in
            try await client.execute(uri: "/api/v1/sites/canteen-01/staff", method: .post, headers: site,
                                     body: ByteBuffer(string: LedgerAPITests.worker)) { #expect($0.status == .created) }
            let page = try await client.execute(uri: "/dashboard/sites/canteen-01", method: .get, headers: session.headers) {
                String(buffer: $0.body)
            }
            #expect(page.contains(#"<form class="check" method="post" action="/dashboard/sites/canteen-01/morning-checks">"#))
            #expect(page.contains(#"<option value="w-001">王芳（w-001）</option>"#) && page.contains(#"inputmode="decimal""#))
            func post(_ form: String) async throws -> (HTTPResponse.Status, String?) {
                try await client.execute(uri: "/dashboard/sites/canteen-01/morning-checks", method: .post, headers: session.headers,
                                         body: ByteBuffer(string: form)) { ($0.status, $0.headers[.location]) }
            }
            // Without the page's CSRF token, or for a worker not on the staff: refused, nothing stored.
            #expect(try await post("worker=w-001&temperature_c=36.5&checker=x").0 == .forbidden)
            #expect(try await post("worker=w-404&temperature_c=36.5&checker=x&csrf=\(session.csrf)").0 == .unprocessableContent)
            let (status, location) = try await post("worker=w-001&temperature_c=36.4&uniform_ok=1&s-diarrhoea=1&checker=%E7%8E%8B%E4%B8%BB%E7%AE%A1&csrf=\(session.csrf)")
            #expect(status == .seeOther && location == "/dashboard/sites/canteen-01?checked=2#morning-check", "\(String(describing: location))")
            let checks = try MorningCheckDesk.checks(SiteID("canteen-01")!, on: CivilDay(containing: webT0), store: f.store)
            #expect(checks.count == 1)
            let check = try #require(checks.first)
            #expect(check.excluded && check.reasons == ["diarrhoea", "hygiene"] && check.check.checker == "王主管",
                    "unticked hygiene is a fault; a ticked symptom excludes")
            let after = try await client.execute(uri: "/dashboard/sites/canteen-01?checked=2", method: .get, headers: session.headers) {
                String(buffer: $0.body)
            }
            #expect(after.contains("已记录晨检：王芳 36.4 °C · 不得上岗") && after.contains("晨检 <b>1 / 1</b>"))
        }
    }
}
