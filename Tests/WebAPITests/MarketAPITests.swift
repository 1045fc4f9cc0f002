import Foundation
import Hummingbird
import HummingbirdTesting
import KitchenModel
import TestSupport
import Testing
@testable import WebAPI

private func object(_ buffer: ByteBuffer) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [String: Any])
}

/// 令81 through the real router: stall-holder files, the 承诺达标合格证 of a batch, the day's rapid
/// tests, and the public notice board and stall screen.
@Suite struct MarketAPITests {
    static let holder = #"{"stall":"A12","name":"王建国","contact":"13800000000","id_number":"420106199001011234","address":"武汉市洪山区珞狮路1号","produce":["蔬菜"],"channels":["白沙洲农副产品大市场"],"origin":"蔡甸","started_on":"2026-01-01"}"#

    @Test(arguments: StoreBackend.allCases) func stallHolderFilesAreKeptAndBadOnesRefused(_ backend: StoreBackend) async throws {
        let f = try WebFixture(backend)
        let market = try f.token(.site, "market-01")
        try await f.test { client in
            let uri = "/api/v1/sites/market-01/stall-holders/wang"
            try await client.execute(uri: uri, method: .put, headers: market, body: ByteBuffer(string: Self.holder)) {
                #expect($0.status == .created)
            }
            try await client.execute(uri: uri, method: .put, headers: market, body: ByteBuffer(string: Self.holder)) {
                #expect($0.status == .ok)
            }
            for (body, message) in [
                (Self.holder.replacingOccurrences(of: "420106199001011234", with: "12345"), "id_number"),
                (Self.holder.replacingOccurrences(of: "\"A12\"", with: "\"Z9\""), "not a stall"),
                (Self.holder.replacingOccurrences(of: "2026-01-01", with: "2026-02-30"), "started_on"),
            ] {
                try await client.execute(uri: uri, method: .put, headers: market, body: ByteBuffer(string: body)) { response in
                    #expect(response.status == .badRequest)
                    #expect(String(buffer: response.body).contains(message))
                }
            }
            try await client.execute(uri: "/api/v1/sites/market-01/stall-holders", method: .get, headers: market) { response in
                let holders = try #require(try object(response.body)["holders"] as? [[String: Any]])
                #expect(holders.count == 1)
                #expect(holders.first?["id_number"] as? String == "420106199001011234")
            }
        }
    }

    @Test func aCertificateIsKeptWithItsBatchOnlyWhenItMatches() async throws {
        let f = try WebFixture()
        let market = try f.token(.site, "market-01")
        @Sendable func qr(_ product: String, _ quantity: String) -> String {
            let text = "承诺达标合格证\n食用农产品名称：\(product)\n数量（重量）：\(quantity)\n产地：蔡甸\n生产者：绿源合作社\n联系方式：027-1\n开具日期：2026-11-21"
            return String(decoding: try! JSONSerialization.data(withJSONObject: ["qr_text": text]), as: UTF8.self)
        }
        try await f.test { client in
            try await f.addBatches(client)
            let uri = "/api/v1/batches/b-in/certificate"
            for (body, code) in [(qr("白菜", "50kg"), "certificate_mismatch"), (qr("青菜", "60kg"), "certificate_mismatch"),
                                 (#"{"qr_text":"青菜 50kg"}"#, "not_a_certificate")] {
                try await client.execute(uri: uri, method: .post, headers: market, body: ByteBuffer(string: body)) { response in
                    #expect(response.status == .unprocessableContent)
                    let body = try object(response.body)
                    #expect(body["error"] as? String == code)
                }
            }
            // Line breaks are kept in a QR text; any other control character is still refused.
            try await client.execute(uri: uri, method: .post, headers: market,
                                     body: ByteBuffer(string: #"{"qr_text":"承诺达标合格证\u001b[2J"}"#)) { #expect($0.status == .badRequest) }
            try await client.execute(uri: uri, method: .post, headers: market, body: ByteBuffer(string: qr("青菜", "100斤"))) { response in
                #expect(response.status == .ok)
                let batch = try #require(try object(response.body)["batch"] as? [String: Any])
                #expect((batch["certificate"] as? [String: Any])?["issuer"] as? String == "绿源合作社")
            }
            try await client.execute(uri: "/api/v1/batches/b-in", method: .get, headers: market) { response in
                let history = try #require(try object(response.body)["history"] as? [[String: Any]])
                #expect(history.compactMap { $0["kind"] as? String } == ["created", "certified"])
            }
        }
    }

    @Test func theDaysPlanShowsWhatWasTestedAndWhatWasNot() async throws {
        let f = try WebFixture()
        let market = try f.token(.site, "market-01")
        try await f.test { client in
            try await f.addBatches(client)
            let plan = #"{"lines":[{"item":"青菜","tests":["有机磷和氨基甲酸酯类农药残留"]},{"item":"白菜","tests":["有机磷和氨基甲酸酯类农药残留"]}]}"#
            try await client.execute(uri: "/api/v1/sites/market-01/rapid-tests/2026-11-22", method: .put, headers: market,
                                     body: ByteBuffer(string: plan)) { #expect($0.status == .ok) }
            try await client.execute(uri: "/api/v1/batches/b-in/inspections", method: .post, headers: market,
                                     body: ByteBuffer(string: #"{"method":"rapid_test","passed":false,"items":["有机磷和氨基甲酸酯类农药残留"],"tester":"李检"}"#)) {
                #expect($0.status == .ok)
            }
            try await client.execute(uri: "/api/v1/sites/market-01/rapid-tests/2026-11-22", method: .get, headers: market) { response in
                let body = try object(response.body)
                #expect(body["untested"] as? [String] == ["白菜"])
                let results = try #require(body["results"] as? [[String: Any]])
                #expect(results.count == 1 && results.first?["passed"] as? Bool == false)
            }
            try await client.execute(uri: "/api/v1/sites/market-01/rapid-tests/2026-11-22", method: .put, headers: market,
                                     body: ByteBuffer(string: #"{"lines":[{"item":"青菜","tests":[]}]}"#)) {
                #expect($0.status == .badRequest)
            }
            // The notice board shows the failure, with no login.
            try await client.execute(uri: "/m/market-01", method: .get) { response in
                #expect(response.status == .ok)
                let page = String(buffer: response.body)
                #expect(page.contains("公示栏") && page.contains("12315"))
                #expect(page.contains("不合格"))
                #expect(page.contains("尚未检测：白菜"))
            }
        }
    }

    @Test func theStallScreenShowsTodaysBatchesAndNoPersonalData() async throws {
        let f = try WebFixture()
        let market = try f.token(.site, "market-01")
        try await f.test { client in
            try await f.addBatches(client)
            try await client.execute(uri: "/api/v1/sites/market-01/stall-holders/wang", method: .put, headers: market,
                                     body: ByteBuffer(string: Self.holder.replacingOccurrences(of: "王建国", with: "王小明"))) {
                #expect($0.status == .created)
            }
            try await client.execute(uri: "/m/market-01/A12/feed.json", method: .get) { response in
                #expect(response.status == .ok)
                let feed = try object(response.body)
                #expect(feed["holder"] as? String == "王小明")
                #expect(feed["complaints_phone"] as? String == "12315")
                let batches = try #require(feed["batches"] as? [[String: Any]])
                #expect(batches.first?["item"] as? String == "青菜" && batches.first?["origin"] as? String == "蔡甸")
                let text = String(buffer: response.body)
                #expect(!text.contains("420106199001011234") && !text.contains("13800000000"))
            }
            try await client.execute(uri: "/m/market-01/A12", method: .get) { response in
                let page = String(buffer: response.body)
                #expect(page.contains("青菜") && page.contains("王小明"))
                #expect(page.contains("<script src=\"/m/screen.js?v="))
                #expect(response.headers[.contentSecurityPolicy]?.contains("script-src 'self'") == true)
            }
            for uri in ["/m/market-01/Z9", "/m/canteen-01", "/m/market-01/Z9/feed.json"] {
                try await client.execute(uri: uri, method: .get) { #expect($0.status == .notFound, "\(uri)") }
            }
        }
    }
}
