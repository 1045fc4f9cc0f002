import Foundation
import Hummingbird
import HummingbirdTesting
import KitchenModel
import Logging
import StorageModel
import TestSupport
import Testing
@testable import WebAPI

private func json(_ buffer: ByteBuffer) -> [String: Any] {
    (try? JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [String: Any]) ?? [:]
}

/// The receipt a complaint post redirected to (`/c/{receipt}?new=1`).
private func receipt(_ location: String?) throws -> String {
    let path = try #require(location)
    #expect(path.hasPrefix("/c/"))
    return String(path.dropFirst(3).prefix { $0 != "?" })
}

private func complaintForm(_ text: String, kind: String = "complaint", contact: String = "13800001111", ticket: String? = nil)
    -> [(String, String)]
{
    [("kind", kind), ("text", text), ("contact", contact)] + (ticket.map { [("ticket", $0)] } ?? [])
}

/// Issue 19, item 3, as a parent tries it: rate the kitchen, file a complaint with a photo, follow
/// it by its receipt code while the regulator accepts and closes it.
@Suite struct FeedbackAPITests {
    func dependencies(_ f: WebFixture, feed: RecordingComplaintFeed) -> APIDependencies {
        var d = f.dependencies
        d.feedback.feed = feed
        return d
    }

    @Test(arguments: StoreBackend.allCases) func aParentRatesComplainsWithAPhotoAndFollowsTheCase(_ backend: StoreBackend) async throws {
        let f = try WebFixture(backend)
        let feed = RecordingComplaintFeed()
        let d = dependencies(f, feed: feed)
        let wuhan = try f.token(.regulator, "4201")
        let site = try f.token(.site, "canteen-01")
        let photo = try FeedbackFixtures.photo()
        try await Application(router: buildRouter(d)).test(.router) { client in
            // The kitchen page carries both forms, with no script.
            try await client.execute(uri: "/k/canteen-01", method: .get) { response in
                let page = String(buffer: response.body)
                #expect(page.contains(#"action="/k/canteen-01/ratings""#))
                #expect(page.contains(#"action="/k/canteen-01/complaints" enctype="multipart/form-data""#))
                #expect(page.contains("菜品质量") && page.contains("环境卫生"))
                #expect(!page.contains("<script"))
            }
            try await client.execute(uri: "/k/canteen-01/ratings", method: .post, headers: FeedbackFixtures.formHeaders,
                                     body: ByteBuffer(string: "food=3&hygiene=2")) { response in
                #expect(response.status == .ok)
                #expect(String(buffer: response.body).contains("谢谢您的评价"))
            }
            try await client.execute(uri: "/k/canteen-01/ratings", method: .post, headers: FeedbackFixtures.formHeaders,
                                     body: ByteBuffer(string: "food=1&hygiene=1")) { response in
                #expect(response.status == .conflict, "one rating a day from one address")
            }
            let code = try await client.execute(uri: "/k/canteen-01/complaints", method: .post,
                                                headers: FeedbackFixtures.multipartHeaders,
                                                body: FeedbackFixtures.multipart(complaintForm("午餐的青菜里有头发，\r\n孩子不敢吃了。"),
                                                                                 photos: [photo])) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers[.location]?.hasSuffix("?new=1") == true)
                return try receipt(response.headers[.location])
            }
            #expect(code.count == 12)

            // The case page: its state and clock, nothing of what was written or who wrote it.
            try await client.execute(uri: "/c/\(code)?new=1", method: .get) { response in
                let page = String(buffer: response.body)
                #expect(response.status == .ok)
                #expect(page.contains(FeedbackDesk.display(receipt: code)))
                #expect(page.contains("已收到，待受理"))
                #expect(page.contains("受理决定期限"))
                #expect(!page.contains("头发") && !page.contains("13800001111"))
                #expect(response.headers[.contentSecurityPolicy]?.contains("default-src 'none'") == true)
            }
            // Typed by hand: lower case, with dashes, through the follow form.
            try await client.execute(uri: "/c?r=\(FeedbackDesk.display(receipt: code).lowercased())", method: .get) {
                #expect($0.status == .ok)
            }

            // It went to the site and to its regulator, and is queued for the webhook: never the receipt or the phone.
            #expect(feed.messages.map(\.topic) == ["bk/v1/canteen-01/_gateway/complaints",
                                                   "bk/v1/_regulator/42/4201/420106/complaints"])
            #expect(feed.raw.allSatisfy { !$0.contains(code) && !$0.contains("13800001111") })
            #expect(try f.store.dueOutbox(now: .max, target: "city").count == 1)

            // The regulator sees it with the phone and the photo; the site without the phone, and may not act.
            let id = try await client.execute(uri: "/api/v1/complaints?state=open", method: .get, headers: wuhan) { response in
                let rows = try #require(json(response.body)["complaints"] as? [[String: Any]])
                let mine = try #require(rows.first { $0["text"] as? String == "午餐的青菜里有头发，\n孩子不敢吃了。" })
                #expect(mine["contact"] as? String == "13800001111")
                #expect(mine["photos"] as? Int == 1)
                return try #require(mine["id"] as? String)
            }
            try await client.execute(uri: "/api/v1/complaints/\(id)/photos/1", method: .get, headers: wuhan) { response in
                #expect(response.status == .ok)
                #expect(Array(response.body.readableBytesView) == photo)
            }
            try await client.execute(uri: "/api/v1/complaints/\(id)", method: .get, headers: site) { response in
                let complaint = try #require(json(response.body)["complaint"] as? [String: Any])
                #expect(complaint["contact"] == nil)
            }
            try await client.execute(uri: "/api/v1/complaints/\(id)/accept", method: .post, headers: site,
                                     body: ByteBuffer(string: "{}")) { #expect($0.status == .forbidden) }
            try await client.execute(uri: "/api/v1/complaints/\(id)/close", method: .post, headers: wuhan,
                                     body: ByteBuffer(string: #"{"reply":"x","upheld":true}"#)) { response in
                #expect(response.status == .conflict, "a complaint is accepted before it is closed")
            }
            try await client.execute(uri: "/api/v1/complaints/\(id)/accept", method: .post, headers: wuhan,
                                     body: ByteBuffer(string: #"{"by":"李科长"}"#)) { response in
                #expect(response.status == .ok)
                #expect((json(response.body)["complaint"] as? [String: Any])?["state"] as? String == "accepted")
            }
            try await client.execute(uri: "/api/v1/complaints/\(id)/close", method: .post, headers: wuhan,
                                     body: ByteBuffer(string: #"{"reply":"已约谈食堂负责人并责令整改"}"#)) { response in
                #expect(response.status == .badRequest, "closing says whether it was upheld")
            }
            try await client.execute(uri: "/api/v1/complaints/\(id)/close", method: .post, headers: wuhan,
                                     body: ByteBuffer(string: #"{"by":"李科长","reply":"已约谈食堂负责人并责令整改","upheld":true}"#)) {
                #expect($0.status == .ok)
            }
            try await client.execute(uri: "/c/\(code)", method: .get) { response in
                let page = String(buffer: response.body)
                #expect(page.contains("已办结（成立）"))
                #expect(page.contains("已约谈食堂负责人并责令整改"))
                #expect(page.contains("受理") && page.contains("办结"))
                #expect(!page.contains("李科长"), "who acted is not shown to the public")
            }
            try await client.execute(uri: "/api/v1/complaints/\(id)", method: .get, headers: wuhan) { response in
                let trail = try #require(json(response.body)["trail"] as? [[String: Any]])
                #expect(trail.map { $0["step"] as? String } == ["received", "accepted", "closed"])
                #expect((trail[1]["actor"] as? String)?.hasPrefix("李科长 (regulator:4201#") == true)
            }
        }
        #expect(feed.messages.map { $0.json["step"] as? String } == ["received", "received", "accepted", "accepted", "closed", "closed"])
        let summary = try f.store.feedbackSummary(from: webT0 - 86_400_000, until: webT0 + 86_400_000)
        #expect(summary.first { $0.site.rawValue == "canteen-01" }
            == SiteFeedbackSummary(site: SiteID("canteen-01")!, ratings: 1, foodAverage: 3, hygieneAverage: 2, upheldComplaints: 1))
        #expect(d.feedback.metrics.count(of: "accepted/rating") == 1)
        #expect(d.feedback.metrics.count(of: "refused/duplicate_rating") == 1)
        #expect(d.feedback.metrics.count(of: "step/closed") == 1)
    }

    @Test func badInputIsRefusedWithAReasonAndCounted() async throws {
        let f = try WebFixture()
        let feed = RecordingComplaintFeed()
        var settings = dependencies(f, feed: feed)
        settings.feedback.perClient = RateLimit(burst: 100, perSecond: 1)
        let d = settings
        let photo = try FeedbackFixtures.photo()
        let cases: [(String, ByteBuffer, HTTPResponse.Status, String)] = [
            ("not a JPEG", FeedbackFixtures.multipart(complaintForm("后厨地面很脏，有积水"), photos: [Array("GIF89a....".utf8)]),
             .badRequest, "photo_not_jpeg"),
            ("a cut-off JPEG", FeedbackFixtures.multipart(complaintForm("后厨地面很脏，有积水"), photos: [Array(photo.prefix(40))]),
             .badRequest, "photo_not_jpeg"),
            ("four photos", FeedbackFixtures.multipart(complaintForm("后厨地面很脏，有积水"), photos: [photo, photo, photo, photo]),
             .badRequest, "too_many_photos"),
            ("no text", FeedbackFixtures.multipart(complaintForm("  "), photos: []), .badRequest, "text_missing"),
            ("a bidi override", FeedbackFixtures.multipart(complaintForm("后厨\u{202E}地面很脏"), photos: []), .badRequest,
             "text_forbidden_character"),
            ("too long", FeedbackFixtures.multipart(complaintForm(String(repeating: "脏", count: 1001)), photos: []), .badRequest,
             "text_too_long"),
            ("no kind", FeedbackFixtures.multipart(complaintForm("后厨地面很脏，有积水", kind: "praise"), photos: []), .badRequest,
             "bad_kind"),
            ("a forged ticket", FeedbackFixtures.multipart(complaintForm("后厨地面很脏，有积水", ticket: "ABCDEFGHJKMNPQRSTUVWXYZ23"),
                                                           photos: []), .badRequest, "bad_ticket"),
            ("a field twice", FeedbackFixtures.multipart(complaintForm("后厨地面很脏，有积水") + [("text", "again")], photos: []),
             .badRequest, "bad_form"),
            ("a broken body", ByteBuffer(string: "--nope"), .badRequest, "bad_form"),
        ]
        try await Application(router: buildRouter(d)).test(.router) { client in
            for (what, body, status, reason) in cases {
                try await client.execute(uri: "/k/canteen-01/complaints", method: .post, headers: FeedbackFixtures.multipartHeaders,
                                         body: body) { response in
                    #expect(response.status == status, "\(what)")
                    #expect(response.headers[.contentType]?.hasPrefix("text/html") == true, "\(what)")
                    #expect(String(buffer: response.body).contains("未能提交"), "\(what)")
                }
                #expect(d.feedback.metrics.count(of: "refused/\(reason)") >= 1, "\(what): \(reason)")
            }
            try await client.execute(uri: "/k/canteen-01/ratings", method: .post, headers: FeedbackFixtures.formHeaders,
                                     body: ByteBuffer(string: "food=5&hygiene=2")) { #expect($0.status == .badRequest) }
            // Another site making its visitors' browsers post.
            var fromElsewhere = FeedbackFixtures.formHeaders
            fromElsewhere[.origin] = "https://ratings-farm.example"
            var crossSite = FeedbackFixtures.formHeaders
            crossSite[.secFetchSite] = "cross-site"
            for headers in [fromElsewhere, crossSite] {
                try await client.execute(uri: "/k/canteen-01/ratings", method: .post, headers: headers,
                                         body: ByteBuffer(string: "food=1&hygiene=1")) { #expect($0.status == .badRequest) }
            }
            try await client.execute(uri: "/k/no-such-site/ratings", method: .post, headers: FeedbackFixtures.formHeaders,
                                     body: ByteBuffer(string: "food=3&hygiene=2")) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/c/2345-6789-ABCD", method: .get) { #expect($0.status == .notFound) }
            try await client.execute(uri: "/c/%3Cscript%3E", method: .get) { #expect($0.status == .notFound) }

            // The same complaint twice (a double tap, a reload) is one case with one receipt.
            let form = complaintForm("晚餐的肉没有烧熟", ticket: f.ticketInScope)
            var receipts: [String] = []
            for _ in 0..<2 {
                receipts.append(try await client.execute(uri: "/k/market-01/complaints", method: .post,
                                                         headers: FeedbackFixtures.multipartHeaders,
                                                         body: FeedbackFixtures.multipart(form, photos: [photo])) {
                    #expect($0.status == .seeOther)
                    return try receipt($0.headers[.location])
                })
            }
            #expect(receipts[0] == receipts[1])
            let stored = try #require(try f.store.complaint(receipt: receipts[0]))
            #expect(stored.source == "ticket" && stored.ticket == f.ticketInScope)
        }
        #expect(try f.store.complaints(ComplaintQuery(site: SiteID("market-01")!)).count == 1)
        #expect(d.feedback.metrics.count(of: "refused/duplicate") == 1)
        #expect(d.feedback.metrics.count(of: "refused/bad_rating") == 1)
        #expect(d.feedback.metrics.count(of: "refused/cross_site") == 2)
        #expect(d.feedback.metrics.count(of: "refused/unknown_site") == 1)
        #expect(d.feedback.metrics.count(of: "refused/unknown_receipt") == 2)
        #expect(feed.messages.count == 2, "one case: one message for the site, one for its regulator")
    }

    @Test func postsAreLimitedPerAddressAndPerSite() async throws {
        let f = try WebFixture()
        var d = dependencies(f, feed: RecordingComplaintFeed())
        d.feedback.perClient = RateLimit(burst: 2, perSecond: 0.001)
        try await Application(router: buildRouter(d)).test(.router) { client in
            for expected in [HTTPResponse.Status.ok, .conflict, .tooManyRequests] {
                try await client.execute(uri: "/k/canteen-01/ratings", method: .post, headers: FeedbackFixtures.formHeaders,
                                         body: ByteBuffer(string: "food=3&hygiene=3")) { response in
                    #expect(response.status == expected)
                    if expected == .tooManyRequests { #expect(response.headers[.retryAfter] != nil) }
                }
            }
        }
        #expect(d.feedback.metrics.count(of: "refused/rate_limited_client") == 1)

        d.feedback.perClient = RateLimit(burst: 100, perSecond: 1)
        d.feedback.perSite = RateLimit(burst: 1, perSecond: 0.001)
        try await Application(router: buildRouter(d)).test(.router) { client in
            try await client.execute(uri: "/k/canteen-01/ratings", method: .post, headers: FeedbackFixtures.formHeaders,
                                     body: ByteBuffer(string: "food=3&hygiene=3")) { #expect($0.status == .conflict) }
            try await client.execute(uri: "/k/canteen-01/complaints", method: .post, headers: FeedbackFixtures.multipartHeaders,
                                     body: FeedbackFixtures.multipart(complaintForm("后厨地面很脏，有积水"), photos: [])) {
                #expect($0.status == .tooManyRequests)
            }
            try await client.execute(uri: "/k/canteen-03/ratings", method: .post, headers: FeedbackFixtures.formHeaders,
                                     body: ByteBuffer(string: "food=3&hygiene=3")) { #expect($0.status == .ok, "another site") }
        }
        #expect(d.feedback.metrics.count(of: "refused/rate_limited_site") == 1)
    }

    @Test func overdueCasesAreEscalatedOnceToTheLevelAbove() async throws {
        let f = try WebFixture()
        let feed = RecordingComplaintFeed()
        let d = dependencies(f, feed: feed)
        let desk = FeedbackDesk(d)
        // Sunday 22 November 2026, 08:00 in Wuhan: the complaint's decision is due by the end of
        // Tuesday 1 December (7 working days), the tip-off's check by the end of Friday 11 December (15).
        let complaint = try desk.file(d.sites.site(SiteID("canteen-01")!)!,
                                      form: FeedbackForm(fields: ["kind": "complaint", "text": "饭菜变质有异味"]), client: "a").0
        let tipoff = try desk.file(d.sites.site(SiteID("canteen-03")!)!,
                                   form: FeedbackForm(fields: ["kind": "tipoff", "text": "厨师不戴口罩"]), client: "b").0
        let day: EpochMillis = 86_400_000
        #expect(complaint.decideBy == webT0 - 8 * 3_600_000 + 10 * day)
        #expect(tipoff.closeBy == webT0 - 8 * 3_600_000 + 20 * day)
        #expect(feed.messages.map(\.topic) == ["bk/v1/canteen-01/_gateway/complaints", "bk/v1/_regulator/42/4201/420106/complaints",
                                               "bk/v1/_regulator/42/4201/420107/complaints"],
                "a tip-off is not announced to the kitchen it reports")

        f.clock.advance(byMillis: 10 * day - 8 * 3_600_000 - 1)
        _ = try desk.sweep()  // the fixture's own complaints, due a day after webT0
        #expect(try f.store.complaint(id: complaint.id)?.escalated == nil, "the last millisecond of 1 December is still in time")
        f.clock.advance(byMillis: 2)
        #expect(try desk.sweep() == 1)
        #expect(try desk.sweep() == 0, "escalated once")
        let escalation = try #require(feed.messages.last)
        #expect(escalation.json["step"] as? String == "escalated")
        #expect(escalation.json["escalate_to"] as? String == "4201")
        #expect(try f.store.complaint(id: complaint.id)?.escalated == "decide")

        f.clock.advance(byMillis: 10 * day)
        #expect(try desk.sweep() == 1, "the tip-off's check ran out too")
        #expect(try f.store.complaint(id: tipoff.id)?.escalated == "close")
        #expect(feed.messages.last?.json["escalate_to"] as? String == "420107")
        #expect(try f.store.complaintSteps(of: complaint.id).map(\.kind) == ["received", "escalated"])

        try await Application(router: buildRouter(d)).test(.router) { client in
            try await client.execute(uri: "/c/\(complaint.receipt)", method: .get) { response in
                #expect(String(buffer: response.body).contains("已超期，已提级督办"))
            }
            // Accepting late starts mediation's 45 working days all the same.
            try await client.execute(uri: "/api/v1/complaints/\(complaint.id)/accept", method: .post,
                                     headers: try f.token(.regulator, "42"), body: ByteBuffer(string: "{}")) { response in
                #expect(response.status == .ok)
                #expect((json(response.body)["complaint"] as? [String: Any])?["close_by"] as? Int64 != nil)
            }
        }
    }

    @Test func theHolidayFileIsCheckedAtStartAndReloadedWhenItChanges() throws {
        let dir = TemporaryDirectory("bk-holidays")
        let path = dir.file("holidays.txt")
        let monday = CivilDate(year: 2026, month: 11, day: 23)!
        try "year 2026\n2026-11-23 holiday 测试\n".write(toFile: path, atomically: true, encoding: .utf8)
        let file = try HolidayCalendarFile(path: path)
        #expect(!file.calendar.isWorkingDay(monday))
        #expect(file.reloadIfChanged() == nil)

        try "year 2026\nyear 2027\n".write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(60)], ofItemAtPath: path)
        #expect(file.reloadIfChanged() == nil)
        #expect(file.calendar.isWorkingDay(monday) && file.calendar.covers(2027))

        try "year 2026\n2026-13-01 holiday x\n".write(toFile: path, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.modificationDate: Date().addingTimeInterval(120)], ofItemAtPath: path)
        #expect(file.reloadIfChanged()?.contains("line 2") == true)
        #expect(file.calendar.covers(2027), "a file that no longer parses keeps the last good calendar")
        #expect(throws: (any Error).self) { try HolidayCalendarFile(path: dir.file("missing.txt")) }
        #expect(HolidayCalendarFile.bundled.calendar.covers(2026))
        #expect(HolidayCalendarFile.bundled.calendar.sources.count == 1)
    }

    @Test func theDashboardListsCasesLiveAndShowsASiteNoForms() async throws {
        let f = try WebFixture()
        let regulator = try DashboardPageTests.login(f, .regulator, "4201")
        let site = try DashboardPageTests.login(f, .site, "canteen-01")
        var asked = regulator.headers
        asked[PageResponse.fragmentHeader] = "1"
        let fragment = asked
        try await f.test { client in
            try await client.execute(uri: "/dashboard/complaints", method: .get, headers: regulator.headers) { response in
                let page = String(buffer: response.body)
                #expect(page.contains("/dashboard/complaints/cp_acc") && page.contains("/dashboard/complaints/cp_tip"))
                #expect(!page.contains("cp_out"), "Changsha's is not Wuhan's")
            }
            try await client.execute(uri: "/dashboard/complaints", method: .get,
                                     headers: fragment) { response in
                #expect(response.headers[PageResponse.stampHeader] != nil)
                #expect(!String(buffer: response.body).contains("<html"))
            }
            try await client.execute(uri: "/dashboard/complaints/cp_acc", method: .get, headers: regulator.headers) { response in
                #expect(String(buffer: response.body).contains("/dashboard/complaints/cp_acc/accept"))
            }
            try await client.execute(uri: "/dashboard/complaints/cp_acc", method: .get, headers: site.headers) { response in
                #expect(response.status == .ok)
                #expect(!String(buffer: response.body).contains("<form class=\"action\""), "a site does not decide")
            }
            try await client.execute(uri: "/dashboard/complaints/cp_tip", method: .get, headers: site.headers) { response in
                #expect(response.status == .forbidden, "another site's tip-off")
            }
        }
    }

    @Test func onlyTheSameAddressGetsItsReceiptBack() throws {
        let f = try WebFixture()
        let desk = FeedbackDesk(dependencies(f, feed: RecordingComplaintFeed()))
        let site = try #require(desk.dependencies.sites.site(SiteID("canteen-01")!))
        let form = FeedbackForm(fields: ["kind": "complaint", "text": "餐具没有消毒"])
        let first = try desk.file(site, form: form, client: "10.0.0.1")
        let again = try desk.file(site, form: form, client: "10.0.0.1")
        let other = try desk.file(site, form: form, client: "10.0.0.2")
        #expect(!first.duplicate && again.duplicate && again.0.receipt == first.0.receipt)
        #expect(!other.duplicate && other.0.receipt != first.0.receipt, "the same words from elsewhere are a case of their own")
    }

    @Test func theClockServiceEscalatesAndWarnsWhileNextYearIsMissing() throws {
        let f = try WebFixture()
        let feed = RecordingComplaintFeed()
        let d = dependencies(f, feed: feed)
        let service = ComplaintClockService(d, logger: Logger(label: "test"))
        let desk = FeedbackDesk(d)
        // 22 November 2026: the bundled calendar has 2026, not yet 2027.
        #expect(service.tick(desk, warnedOn: nil) == "2026-11-22")
        #expect(feed.messages.isEmpty, "nothing is due yet")
        f.clock.advance(byMillis: 2 * 86_400_000)
        #expect(service.tick(desk, warnedOn: "2026-11-22") == "2026-11-24")
        // The fixture's four were due a day after webT0, each escalated once: three complaints on
        // their site's and regulator's topics, the tip-off on its regulator's only.
        #expect(feed.messages.count == 7)
        #expect(feed.messages.allSatisfy { $0.json["step"] as? String == "escalated" })
    }
}
