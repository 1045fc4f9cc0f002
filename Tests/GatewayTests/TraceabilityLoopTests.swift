import Foundation
import Gateway
import KitchenModel
import MQTTClient
import Storage
import StorageModel
import Synchronization
import TestSupport
import Testing
import Traceability

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Issue 4 end to end: batches over the API, a scale's `weigh` answered with a ticket over
/// MQTT, its QR rendered and read back by zbarimg, the decoded URL fetched from the running
/// gateway; refusals, retries, a recall that shows on the ticket already sold, forged codes.
@Suite(.serialized) struct TraceabilityLoopTests {
    static let registry = """
        sites:
          - id: market-01
            name: 洪山区珞狮路农贸市场
            kind: market
            region: "420111"
            stalls: [{id: A12, vendor: 王建国}, {id: B03, vendor: 李秀英}]
        devices:
          - {id: scale-a12, site: market-01, kind: scale, stall: A12}
        """

    struct HTTPResult {
        var status: Int
        var body: String
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: Data(body.utf8)) as? [String: Any]) ?? [:] }
    }

    func http(_ method: String, _ url: String, token: String? = nil, json: String? = nil,
              language: String? = nil) async throws -> HTTPResult {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = method
        if let json {
            request.httpBody = Data(json.utf8)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let language { request.setValue(language, forHTTPHeaderField: "Accept-Language") }
        let (data, response) = try await URLSession.shared.data(for: request)
        return HTTPResult(status: (response as? HTTPURLResponse)?.statusCode ?? 0, body: String(decoding: data, as: UTF8.self))
    }

    static func batch(_ id: String, passed: Bool, gtin: String? = nil) -> String {
        """
        {"id":"\(id)","item":"青菜","category":"蔬菜","quantity":120,"unit":"kg",
         "supplier":{"name":"武汉绿源蔬菜合作社","licence":"91420100MA4K0XXXX1"},
         "origin":{"place":"湖北省武汉市蔡甸区","producer":"绿源蔬菜基地","region_code":"420114"},
         "arrival_date":"2026-11-22"\(gtin.map { #","gtin":"\#($0)","lot":"L2026-11""# } ?? ""),
         "inspection":{"method":"rapid_test","passed":\(passed),"items":["有机磷和氨基甲酸酯类农药残留"],"tester":"张检"}}
        """
    }

    @Test(arguments: StoreBackend.allCases) func weighToTicketToLookup(_ backend: StoreBackend) async throws {
        let bench = try GatewayBench(registry: Self.registry, backend: backend)
        defer { bench.tearDown() }
        let publicURL = "http://127.0.0.1:\(bench.httpPort)"
        let gateway = try bench.startGateway(extraArguments: ["--public-url", publicURL])
        try await bench.waitUntilHealthy(gateway)
        let api = "http://127.0.0.1:\(bench.httpPort)/api/v1"

        let store = try bench.openStore()
        let (token, _) = try store.createToken(role: .site, scope: "market-01", now: SystemClock().now())
        let created = try await http("POST", api + "/sites/market-01/batches", token: token,
                                     json: Self.batch("b-veg-01", passed: true, gtin: "6901234567892"))
        #expect(created.status == 201, "\(created.body)")
        #expect(try await http("POST", api + "/sites/market-01/batches", token: token,
                               json: Self.batch("b-veg-01", passed: true)).status == 409)
        #expect(try await http("POST", api + "/sites/market-01/batches", token: token,
                               json: Self.batch("b-veg-bad", passed: false)).status == 201)
        let badDate = try await http("POST", api + "/sites/market-01/batches", token: token,
                                     json: Self.batch("b-x", passed: true).replacingOccurrences(of: "2026-11-22", with: "22/11"))
        #expect(badDate.status == 400 && badDate.body.contains("arrival_date"), "\(badDate.body)")

        let scale = try bench.deviceClient("scale-a12")
        defer { scale.stop() }
        let replies = Mutex<[[UInt8]]>([])
        scale.onMessage { m in replies.withLock { $0.append(m.payload) } }
        try scale.subscribe("bk/v1/market-01/scale-a12/ticket", qos: 1)
        try await Task.sleep(for: .milliseconds(200))
        var seq = 0
        func weigh(_ req: String, batch: String = "b-veg-01", stall: String = "A12", sameSeq: Bool = false,
                   extra: String = "") async throws -> [String: Any] {
            if !sameSeq { seq += 1 }
            let body = #"{"req":"\#(req)","seq":\#(seq),"ts":\#(SystemClock().now()),"stall":"\#(stall)","batch":"\#(batch)","plu":"1002","grams":1250,"unit_price_fen":680\#(extra)}"#
            let before = replies.withLock { $0.count }
            _ = try scale.publish(topic: "bk/v1/market-01/scale-a12/weigh", payload: Array(body.utf8), qos: 1)
            #expect(eventually(timeout: .seconds(5)) { replies.withLock { $0.count } > before }, "a reply to \(req)")
            let last = replies.withLock { $0.last } ?? []
            return (try? JSONSerialization.jsonObject(with: Data(last)) as? [String: Any]) ?? [:]
        }

        let ticket = try await weigh("r-1", extra: #","receipt":"58mm""#)
        #expect(ticket["ok"] as? Bool == true, "\(ticket)")
        #expect(ticket["total_fen"] as? Int == 850)
        #expect(ticket["vendor"] as? String == "王建国")
        let code = try #require(ticket["code"] as? String)
        let url = try #require(ticket["url"] as? String)
        #expect(url == publicURL.uppercased() + "/T/" + code)
        #expect((ticket["trace_no"] as? String)?.count == 20)
        let receipt = try #require((ticket["receipt_b64"] as? String).flatMap { Data(base64Encoded: $0) })
        #expect(receipt.starts(with: [0x1B, 0x40]), "ESC/POS bytes start with ESC @")

        // The scale retried: with the same message, and as a new message with the same req.
        #expect(try await weigh("r-1", sameSeq: true)["code"] as? String == code)
        #expect(try await weigh("r-1")["code"] as? String == code)
        #expect(try store.tickets(batch: BatchID("b-veg-01")!).count == 1, "one ticket per req, however often asked")

        #expect(try await weigh("r-2", batch: "b-veg-bad")["error"] as? String == "batch_failed_inspection")
        #expect(try await weigh("r-3", batch: "b-none")["error"] as? String == "unknown_batch")
        let wrongStall = try await weigh("r-4", stall: "B03")
        #expect(wrongStall["error"] as? String == "wrong_stall")
        #expect((wrongStall["message"] as? String)?.isEmpty == false)

        // The QR, read by an independent decoder, leads to the page.
        let matrix = try QRMatrix(encoding: url)
        #expect(matrix.version <= 3, "the full lookup URL fits QR version 3 at level M")
        #expect(ZBar.isAvailable, "zbarimg (zbar-tools) is installed by scripts/setup")
        let scanned = try #require(try ZBar.decode(pixels: ZBar.pixels(size: matrix.size) { matrix.isDark(row: $0, column: $1) }))
        #expect(scanned == url)
        // Browsers lower-case the scheme (RFC 3986 §3.1); swift-corelibs' URLSession does not.
        let fetchable = "http" + scanned.dropFirst(4)
        let page = try await http("GET", fetchable, language: "zh-CN,zh;q=0.9")
        #expect(page.status == 200)
        #expect(page.body.contains("湖北省武汉市蔡甸区") && page.body.contains("武汉绿源蔬菜合作社"), "origin and supplier shown")
        #expect(page.body.contains("正品") && page.body.contains("合格") && !page.body.contains("召回"))
        let english = try await http("GET", fetchable, language: "en-US,en;q=0.9,zh;q=0.5")
        #expect(english.body.contains("Genuine code"))
        let json = try await http("GET", api + "/tickets/" + code.lowercased())
        #expect(json.status == 200 && json.json["genuine"] as? Bool == true, "codes are read case-insensitively")

        // Forged, altered and truncated codes are refused.
        let last = code.last!
        let altered = String(code.dropLast()) + (last == "Z" ? "Y" : "Z")
        for bad in [altered, String(code.dropLast(3)), "HELLO", String(repeating: "0", count: 25)] {
            let refused = try await http("GET", publicURL + "/t/" + bad, language: "zh-CN")
            #expect(refused.status == 404 && refused.body.contains("非正品"), "\(bad)")
            #expect(try await http("GET", api + "/tickets/" + bad).json["error"] as? String == "not_genuine")
        }

        // A recall stops sales at once and shows on the ticket already sold.
        let recall = try await http("POST", api + "/batches/b-veg-01/recall", token: token,
                                    json: #"{"reason":"复检农药残留超标"}"#)
        #expect(recall.status == 200, "\(recall.body)")
        #expect(try await weigh("r-5")["error"] as? String == "batch_recalled")
        let recalled = try await http("GET", fetchable, language: "zh")
        #expect(recalled.body.contains("已召回") && recalled.body.contains("复检农药残留超标"))
        #expect(try await http("GET", api + "/tickets/" + code).json["warning"] as? String == "recalled")

        let sold = try await http("GET", api + "/batches/b-veg-01/tickets", token: token).json
        let byStall = try #require(sold["by_stall"] as? [[String: Any]])
        #expect(byStall.count == 1 && byStall[0]["stall"] as? String == "A12" && byStall[0]["grams"] as? Int == 1250)
        let epcis = try await http("GET", api + "/batches/b-veg-01/epcis", token: token)
        for step in ["\"receiving\"", "\"inspecting\"", "\"retail_selling\"", "\"recalled\"", "EPCISDocument"] {
            #expect(epcis.body.contains(step), "EPCIS has \(step)")
        }
        let history = try await http("GET", api + "/batches/b-veg-01", token: token).json["history"] as? [[String: Any]]
        #expect(history?.map { $0["kind"] as? String } == ["created", "recalled"])
        let digitalLink = try await http("GET", "http://127.0.0.1:\(bench.httpPort)/01/06901234567892/10/L2026-11")
        #expect(digitalLink.status == 200 && digitalLink.json["batch"] as? String == "b-veg-01", "\(digitalLink.body)")

        // Another market's token sees none of it.
        let (other, _) = try store.createToken(role: .site, scope: "market-02", now: SystemClock().now())
        #expect(try await http("GET", api + "/batches/b-veg-01/tickets", token: other).status == 403)
        gateway.terminate()
    }
}
