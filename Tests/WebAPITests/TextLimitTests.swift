import Foundation
import Gateway
import Hummingbird
import HummingbirdTesting
import KitchenModel
import Testing
@testable import WebAPI

/// Typed text is limited by what is stored (UTF-8 bytes) as well as what is read (characters),
/// control and bidi-override characters are refused in every field of every body, duplicate
/// JSON keys are refused, and inspection times stay between arrival and now. Through the real
/// router and a real SQLite store (`WebFixture`).
@Suite struct TextLimitTests {
    /// One "character" carrying `marks` combining acute accents: a single grapheme cluster.
    static func heavy(_ base: String = "a", marks: Int) -> String {
        base + String(repeating: "\u{0301}", count: marks)
    }

    static func batch(item: String = "青菜", tester: String? = nil, extra: String = "") -> String {
        let testerField = tester.map { #","tester":"\#($0)""# } ?? ""
        return #"{"id":"b-t","item":"\#(item)","category":"蔬菜","quantity":5,"unit":"kg","supplier":{"name":"绿源","licence":"L-1"},"origin":{"place":"蔡甸"},"arrival_date":"2026-11-22","inspection":{"method":"voucher","passed":true,"voucher_number":"HG-1"\#(testerField)}\#(extra)}"#
    }

    func post(_ client: some TestClientProtocol, _ uri: String, _ headers: HTTPFields, _ body: String)
        async throws -> (status: HTTPResponse.Status, body: String)
    {
        try await client.execute(uri: uri, method: .post, headers: headers, body: ByteBuffer(string: body)) {
            ($0.status, String(buffer: $0.body))
        }
    }

    @Test func aHeavyItemIsRefusedByItsBytesAndStoresNothing() async throws {
        let f = try WebFixture()
        let market = try f.token(.site, "market-01")
        // 64 clusters, each "a" with 1,000 marks: 64 characters, 128 KB.
        let item = (0..<64).map { _ in Self.heavy(marks: 1000) }.joined()
        #expect(item.count == 64)
        try await f.test { client in
            let refused = try await post(client, "/api/v1/sites/market-01/batches", market, Self.batch(item: item))
            #expect(refused.status == .badRequest)
            #expect(refused.body.contains("item is 128064 bytes of UTF-8; at most 256 are kept (and at most 64 characters)"),
                    "\(refused.body.prefix(300))")
            #expect(try f.store.batch(BatchID("b-t")!) == nil)
            // 64 real Chinese characters (192 bytes) still fit.
            let fine = try await post(client, "/api/v1/sites/market-01/batches", market,
                                      Self.batch(item: String(repeating: "菜", count: 64)))
            #expect(fine.status == .created, "\(fine.body.prefix(300))")
        }
    }

    @Test(arguments: [
        (#"HG\u001b[31m\u0000"#, "inspection.tester must not contain control", "ESC and NUL in a voucher's tester"),
        (String(repeating: "x", count: 33), "inspection.tester is 33 characters; at most 32", "an unlimited tester"),
        ("\u{202E}gnp.exe", "inspection.tester must not contain control or bidi-override characters (found U+202E)", "RLO"),
        (#"\u0085next"#, "found U+0085", "C1 NEL"),
    ])
    func everyBatchFieldIsChecked(tester: String, expected: String, why: String) async throws {
        let f = try WebFixture()
        let market = try f.token(.site, "market-01")
        try await f.test { client in
            let refused = try await post(client, "/api/v1/sites/market-01/batches", market, Self.batch(tester: tester))
            #expect(refused.status == .badRequest, "\(why)")
            #expect(refused.body.contains(expected), "\(why): \(refused.body)")
        }
    }

    @Test func controlCharactersAnywhereInABodyAreRefusedNamingTheMember() async throws {
        let f = try WebFixture()
        let market = try f.token(.site, "market-01")
        try await f.test { client in
            for (body, member) in [
                (Self.batch().replacingOccurrences(of: #""name":"绿源""#, with: #""name":"绿\n源""#), "supplier.name"),
                (Self.batch().replacingOccurrences(of: #""item":"青菜""#, with: #""item":"青\t菜""#), "item"),
                (Self.batch(extra: #","ignored":["ok","\u0007"]"#), "ignored[1]"),
            ] {
                let refused = try await post(client, "/api/v1/sites/market-01/batches", market, body)
                #expect(refused.status == .badRequest)
                #expect(refused.body.contains("\(member) must not contain control"), "\(refused.body)")
            }
        }
    }

    @Test func duplicateKeysAreRefusedAtAnyDepth() async throws {
        let f = try WebFixture()
        let market = try f.token(.site, "market-01")
        try await f.test { client in
            // Foundation's decoder let the first of the two win: the clerk saw 青菜, the page another.
            let top = Self.batch(extra: #","item":"毒菜""#)
            let nested = Self.batch().replacingOccurrences(of: #""licence":"L-1""#, with: #""licence":"L-1","name":"假""#)
            for (body, key) in [(top, "item"), (nested, "supplier.name")] {
                let refused = try await post(client, "/api/v1/sites/market-01/batches", market, body)
                #expect(refused.status == .badRequest)
                #expect(refused.body.contains("duplicate key '\(key)'"), "\(refused.body)")
            }
            #expect(try f.store.batch(BatchID("b-t")!) == nil)
            // Equal keys written differently are the same key.
            let escaped = Self.batch(extra: #","\u0069tem":"毒菜""#)
            #expect(try await post(client, "/api/v1/sites/market-01/batches", market, escaped).body.contains("duplicate key 'item'"))
            // An emoji as a surrogate pair is fine.
            let emoji = try await post(client, "/api/v1/sites/market-01/batches", market, Self.batch(item: #"青菜\ud83e\udd6c"#))
            #expect(emoji.status == .created, "\(emoji.body)")
        }
    }

    @Test func alarmNotesAndEvidenceAreBoundedByBytesAndCount() async throws {
        let f = try WebFixture()
        let api = try f.token(.regulator, "4201")
        let wuhan = try DashboardPageTests.session(f.store, token: try f.store.createToken(role: .regulator, scope: "4201",
                                                                                        now: webT0).token)
        // 500 characters of 100 marks each: within the character count, 100 KB.
        let heavyNote = String(repeating: Self.heavy(marks: 100), count: 500)
        #expect(heavyNote.count == 500)
        try await Application(router: f.router()).test(.router) { client in
            let note = try await post(client, "/api/v1/alarms/al_v/ack", api, #"{"note":"\#(heavyNote)"}"#)
            #expect(note.status == .badRequest)
            #expect(note.body.contains("note is 100500 bytes of UTF-8; at most 2000 are kept"), "\(note.body.prefix(200))")

            let many = Array(repeating: "\"snap\"", count: 18_000).joined(separator: ",")
            let evidence = try await post(client, "/api/v1/alarms/al_v/rectify", api, #"{"action":"清洁","evidence":[\#(many)]}"#)
            #expect(evidence.status == .badRequest)
            #expect(evidence.body.contains("evidence has 18000 items; at most 20 are kept"), "\(evidence.body)")
            let long = try await post(client, "/api/v1/alarms/al_v/rectify", api,
                                      #"{"action":"清洁","evidence":["ok","\#(String(repeating: "x", count: 513))"]}"#)
            #expect(long.body.contains("evidence[1] is 513 characters; at most 512 are kept"), "\(long.body)")

            // The dashboard's form goes through the same checks (form-encoded, not JSON; a form
            // body is at most 16 KB, so 500 lighter characters of 4 marks: 4,500 bytes).
            let formNote = String(repeating: Self.heavy(marks: 4), count: 500)
            let encoded = try #require(formNote.addingPercentEncoding(withAllowedCharacters: .alphanumerics))
            let form = try await post(client, "/dashboard/alarms/al_v/ack", wuhan.headers, "csrf=\(wuhan.csrf)&note=\(encoded)")
            #expect(form.status == .badRequest)
            #expect(form.body.contains("note is 4500 bytes of UTF-8"), "\(form.body)")
            let bell = try await post(client, "/dashboard/alarms/al_v/ack", wuhan.headers, "csrf=\(wuhan.csrf)&by=%E6%9D%8E%07")
            #expect(bell.status == .badRequest)
            #expect(bell.body.contains("by must not contain control"))
            #expect(try f.store.alarm(id: "al_v")?.state == .raised)
            #expect(try f.store.transitions(ofAlarm: "al_v").count == 1, "nothing reached the trail")

            let fine = try await post(client, "/api/v1/alarms/al_v/rectify", api,
                                      #"{"by":"张三","action":"已灭鼠并封堵洞口","evidence":["snap-1","https://example.cn/p.jpg"]}"#)
            #expect(fine.status == .ok, "\(fine.body)")
        }
    }

    @Test func aRecallReasonAndNameAreChecked() async throws {
        let f = try WebFixture()
        let admin = try f.token(.admin)
        try await f.test { client in
            try await f.addBatches(client)
            let reason = try await post(client, "/api/v1/batches/b-in/recall", admin,
                                        #"{"reason":"\#(String(repeating: Self.heavy(marks: 50), count: 10))"}"#)
            #expect(reason.status == .badRequest)
            #expect(reason.body.contains("reason is 1010 bytes of UTF-8; at most 800 are kept"), "\(reason.body)")
            let name = try await post(client, "/api/v1/batches/b-in/recall", admin,
                                      #"{"reason":"抽检","by":"\#(String(repeating: "名", count: 65))"}"#)
            #expect(name.body.contains("by is 65 characters; at most 64 are kept"), "\(name.body)")
            #expect(try f.store.batch(BatchID("b-in")!)?.recall == nil)
        }
    }

    @Test func aReinspectionMustLieBetweenArrivalAndNow() async throws {
        let f = try WebFixture()
        let admin = try f.token(.admin)
        // b-in arrived on 2026-11-22 (China time), whose day starts 8 hours before webT0.
        let arrival = webT0 - 8 * 3_600_000
        try await f.test { client in
            try await f.addBatches(client)
            let inspection = { (at: EpochMillis) in
                #"{"method":"rapid_test","passed":false,"items":["农药残留"],"tester":"李","at":\#(at)}"#
            }
            for (at, expected) in [(EpochMillis(0), "before the batch arrived"), (arrival - 1, "before the batch arrived"),
                                   (webT0 + 6 * 60_000, "in the future")] {
                let refused = try await post(client, "/api/v1/batches/b-in/inspections", admin, inspection(at))
                #expect(refused.status == .badRequest, "\(at)")
                #expect(refused.body.contains("inspection.at lies \(expected)"), "\(refused.body)")
            }
            #expect(try f.store.batch(BatchID("b-in")!)?.inspection?.passed == true, "nothing was back-dated")
            for at in [arrival, webT0 + 5 * 60_000] {
                let fine = try await post(client, "/api/v1/batches/b-in/inspections", admin, inspection(at))
                #expect(fine.status == .ok, "\(at): \(fine.body)")
            }
            // A new batch's own inspection is held to its arrival day too.
            let early = Self.batch().replacingOccurrences(of: #""voucher_number":"HG-1""#, with: #""voucher_number":"HG-1","at":1000"#)
            let refused = try await post(client, "/api/v1/sites/market-01/batches", admin, early)
            #expect(refused.body.contains("inspection.at lies before the batch arrived"), "\(refused.body)")
        }
    }

    @Test func theTypedTextRulesOnTheirOwn() throws {
        #expect(TypedText.forbiddenScalar(in: "青菜 ok-1 👩‍🍳") == nil, "ZWJ emoji and spaces are text")
        for bad in ["\u{0}", "\u{1F}", "\u{7F}", "\u{80}", "\u{9F}", "\u{202A}", "\u{202E}", "\u{2066}", "\u{2069}"] {
            #expect(TypedText.forbiddenScalar(in: "a\(bad)b") != nil, "\(bad.unicodeScalars.first!.value)")
        }
        #expect(throws: APIError.self) { try TypedText.check(String(repeating: "a", count: 5), field: "f", characters: 4) }
        #expect(throws: Never.self) { try TypedText.check("菜菜菜菜", field: "f", characters: 4) }
        #expect(throws: APIError.self) { try TypedText.check(Self.heavy(marks: 2), field: "f", characters: 1) }
    }
}
