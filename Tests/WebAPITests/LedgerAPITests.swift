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

/// Kitchen ledgers over HTTP (docs/ledgers.md): staff, 晨检, the daily sheet, the export, and
/// impossible entries answered 422 with nothing stored. Both stores.
@Suite struct LedgerAPITests {
    static let worker = #"{"worker":"w-001","name":"王芳","role":"cook","cert_no":"420106-0001","cert_expiry":"2026-12-10"}"#
    static let expired = #"{"worker":"w-002","name":"李强","role":"helper","cert_no":"420106-0002","cert_expiry":"2026-11-01"}"#

    @Test(arguments: StoreBackend.allCases) func staffChecksSheetAndExportThroughTheAPI(_ backend: StoreBackend) async throws {
        let f = try WebFixture(backend)
        let site = try f.token(.site, "canteen-01")
        try await f.test { client in
            for body in [Self.worker, Self.expired] {
                try await client.execute(uri: "/api/v1/sites/canteen-01/staff", method: .post, headers: site,
                                         body: ByteBuffer(string: body)) { #expect($0.status == .created, "\(String(buffer: $0.body))") }
            }
            try await client.execute(uri: "/api/v1/sites/canteen-01/staff", method: .post, headers: site,
                                     body: ByteBuffer(string: Self.worker)) { #expect($0.status == .ok, "unchanged: nothing appended") }
            try await client.execute(uri: "/api/v1/sites/canteen-01/staff", method: .get, headers: site) { response in
                let staff = json(response.body)["staff"] as? [[String: Any]] ?? []
                #expect(staff.map { $0["certificate"] as? String } == ["expiring", "expired"], "\(staff)")
            }
            // A fever excludes; a re-check the same day is flagged; an expired 健康证 bars.
            for (body, excluded, recheck) in [(#"{"worker":"w-001","temperature_c":37.6,"checker":"王主管"}"#, true, false),
                                              (#"{"worker":"w-001","temperature_c":36.8,"checker":"王主管"}"#, false, true),
                                              (#"{"worker":"w-002","temperature_c":36.5,"checker":"王主管"}"#, true, false)] {
                try await client.execute(uri: "/api/v1/sites/canteen-01/morning-checks", method: .post, headers: site,
                                         body: ByteBuffer(string: body)) { response in
                    #expect(response.status == .created, "\(String(buffer: response.body))")
                    let record = json(response.body)["record"] as? [String: Any] ?? [:]
                    #expect(record["excluded"] as? Bool == excluded && record["recheck_after_exclusion"] as? Bool == recheck, "\(record)")
                }
            }
            try await client.execute(uri: "/api/v1/sites/canteen-01/ledger/sheet?date=2026-11-22", method: .get, headers: site) { response in
                let page = String(buffer: response.body)
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                #expect(page.contains("晨检记录 · 第一中学食堂") && page.contains("王芳") && page.contains("不得上岗"))
                #expect(page.contains("已晨检 2 / 2 人") && page.contains("<svg"), "the signed head's QR code")
            }
            try await client.execute(uri: "/api/v1/sites/canteen-01/ledger/sheet?date=2026-11-22&format=csv", method: .get,
                                     headers: site) { response in
                let rows = String(buffer: response.body).split(separator: "\r\n")
                #expect(rows.count == 5 && rows[1].contains(",w-001,王芳,cook,") && rows[1].contains(",fit,,yes,"), "\(rows)")
                // A Sunday without the week's 周排查: the sheet reminds (docs/ledgers.md "Reminders and alarms").
                #expect(rows[3].hasPrefix("canteen-01,2026-11-22,reminder,weekly-review,2026-11-16/2026-11-22"), "\(rows)")
                #expect(rows[4].contains(",chain-head,#5,"))
            }
            try await client.execute(uri: "/api/v1/sites/canteen-01/ledger/verify", method: .get, headers: site) { response in
                let answer = json(response.body)
                #expect(answer["intact"] as? Bool == true && answer["entries"] as? Int == 5 && answer["signatures_genuine"] as? Int == 1)
            }
            try await client.execute(uri: "/api/v1/sites/canteen-01/ledger/export", method: .get, headers: site) { response in
                let outcome = try LedgerExport.verify(String(buffer: response.body), keyring: nil)
                #expect(outcome.fileProblems.isEmpty && outcome.sites.count == 1 && outcome.sites[0].intact && outcome.sites[0].entries == 5)
            }
        }
    }

    @Test(arguments: StoreBackend.allCases) func impossibleEntriesAre422AndNothingIsStored(_ backend: StoreBackend) async throws {
        let f = try WebFixture(backend)
        let site = try f.token(.site, "canteen-01")
        try await f.test { client in
            try await client.execute(uri: "/api/v1/sites/canteen-01/staff", method: .post, headers: site,
                                     body: ByteBuffer(string: Self.worker)) { #expect($0.status == .created) }
            let cases: [(String, HTTPResponse.Status, String)] = [
                (#"{"worker":"w-404","temperature_c":36.5}"#, .unprocessableContent, "unknown-worker"),
                (#"{"worker":"w-001","temperature_c":36.5,"at_ms":\#(webT0 + 3_600_000)}"#, .unprocessableContent, "future-time"),
                (#"{"worker":"w-001","temperature_c":-36.5}"#, .unprocessableContent, "negative-value"),
                (#"{"worker":"w-001","temperature_c":36.5,"corrects":99}"#, .unprocessableContent, "unknown-correction"),
                (#"{"worker":"w-001","temperature_c":36.5,"symptoms":["cough"]}"#, .unprocessableContent, "invalid-value"),
                (#"{"worker":"w-001","worker":"w-002","temperature_c":36.5}"#, .badRequest, "bad_request"),
                (#"{"worker":"w-001","temperature_c":36.5,"remark":"a\u202Eb"}"#, .badRequest, "bad_request"),
            ]
            for (body, status, code) in cases {
                try await client.execute(uri: "/api/v1/sites/canteen-01/morning-checks", method: .post, headers: site,
                                         body: ByteBuffer(string: body)) { response in
                    #expect(response.status == status, "\(body): \(String(buffer: response.body))")
                    #expect(json(response.body)["error"] as? String == code, "\(body)")
                }
            }
            try await client.execute(uri: "/api/v1/sites/canteen-01/staff", method: .post, headers: site,
                                     body: ByteBuffer(string: #"{"worker":"w-9","name":"王","role":"wizard","cert_no":"1234","cert_expiry":"2027-01-01"}"#)) {
                #expect($0.status == .unprocessableContent && json($0.body)["error"] as? String == "invalid-value")
            }
            try await client.execute(uri: "/api/v1/sites/canteen-01/ledger/entries", method: .get, headers: site) { response in
                #expect((json(response.body)["entries"] as? [Any])?.count == 1, "only the staff record")
            }
            // Append-only: no method edits or deletes an entry.
            for method in [HTTPRequest.Method.delete, .put, .patch] {
                try await client.execute(uri: "/api/v1/sites/canteen-01/ledger/entries", method: method, headers: site) {
                    #expect($0.status == .methodNotAllowed, "\(method)")
                }
            }
        }
    }
}

/// The "今日台账" card on a site's dashboard page: done, missing, excluded, certificates.
@Suite struct LedgerCardTests {
    @Test(arguments: StoreBackend.allCases) func theSitePageShowsWhatIsDoneAndWhatIsMissing(_ backend: StoreBackend) async throws {
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
            #expect(try await page().contains("尚无从业人员记录"))
            for body in [LedgerAPITests.worker, LedgerAPITests.expired] {
                try await client.execute(uri: "/api/v1/sites/canteen-01/staff", method: .post, headers: site,
                                         body: ByteBuffer(string: body)) { #expect($0.status == .created) }
            }
            try await client.execute(uri: "/api/v1/sites/canteen-01/morning-checks", method: .post, headers: site,
                                     body: ByteBuffer(string: #"{"worker":"w-002","temperature_c":36.5,"checker":"王主管"}"#)) {
                #expect($0.status == .created)
            }
            let html = try await page()
            #expect(html.contains("今日台账 · 2026-11-22"))
            #expect(html.contains("晨检 <b>1 / 2</b>") && html.contains("未晨检：王芳"), "\(html)")
            #expect(html.contains("今日不得上岗：</b>李强") && html.contains("李强 健康证已过期"))
            #expect(html.contains("王芳 健康证 18 天后到期") && html.contains("签名链头 #3"))
        }
    }
}
