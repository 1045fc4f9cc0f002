import Foundation
import Gateway
import Hummingbird
import HummingbirdTesting
import KitchenModel
import KitchenRules
import Logging
import Storage
import StorageModel
import TestSupport
import Testing
@testable import WebAPI

/// The dashboard's pages through the real router: login, content, language, escaping, CSRF and
/// the live refresh fragment. Scope per route is walked in `PageScopeMatrixTests`.
@Suite struct DashboardPageTests {
    static func csrf(_ session: String) -> String { DashboardSession.csrfToken(for: session) }

    /// A signed-in browser: the session id its cookie holds.
    struct Session {
        var id: String
        var headers: HTTPFields { [.cookie: "bk_session=\(id)", .contentType: "application/x-www-form-urlencoded"] }
        var csrf: String { DashboardPageTests.csrf(id) }
    }

    /// A session opened with `token`, as a login would.
    static func session(_ store: any GatewayStore, token: String) throws -> Session {
        let principal = try #require(try store.authenticate(token: token))
        return Session(id: try store.openDashboardSession(tokenID: try #require(principal.tokenID), lifetime: .standard,
                                                          now: webT0))
    }

    static func login(_ f: WebFixture, _ role: Role, _ scope: String? = nil) throws -> Session {
        try session(f.store, token: try f.store.createToken(role: role, scope: scope, now: webT0).token)
    }

    func get(_ client: some TestClientProtocol, _ uri: String, _ session: Session?, headers: HTTPFields = [:])
        async throws -> (status: HTTPResponse.Status, headers: HTTPFields, body: String)
    {
        var all = session?.headers ?? [:]
        all.append(contentsOf: headers)
        return try await client.execute(uri: uri, method: .get, headers: all) { ($0.status, $0.headers, String(buffer: $0.body)) }
    }

    // MARK: login

    struct Nonce {
        var value: String
        var headers: HTTPFields { [.cookie: "\(LoginNonce.cookieName)=\(value)", .contentType: "application/x-www-form-urlencoded"] }
    }

    /// The login form's nonce: the `bk_login` cookie it set, which its hidden field must echo.
    static func loginNonce(_ form: (status: HTTPResponse.Status, headers: HTTPFields, body: String)) throws -> Nonce {
        let cookie = try #require(form.headers[.setCookie])
        let value = try #require(cookie.split(separator: ";").first?.split(separator: "=", maxSplits: 1).last.map(String.init))
        #expect(cookie.hasPrefix("bk_login=\(value);"))
        #expect(form.body.contains("name=\"login\" value=\"\(value)\""))
        return Nonce(value: value)
    }

    @Test(arguments: StoreBackend.allCases) func loginSetsAStrictHttpOnlyCookieAndReturnsToTheAskedPage(_ backend: StoreBackend) async throws {
        let f = try WebFixture(backend)
        let token = try f.store.createToken(role: .regulator, scope: "4201", now: webT0).token
        try await f.test { client in
            try await client.execute(uri: "/dashboard/sites/canteen-01", method: .get) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers[.location] == "/login?next=/dashboard/sites/canteen-01")
            }
            let form = try await get(client, "/login?next=/dashboard/sites/canteen-01", nil)
            #expect(form.status == .ok)
            #expect(form.body.contains("name=\"next\" value=\"/dashboard/sites/canteen-01\""))
            #expect(form.body.contains("登录监管看板"))
            let nonce = try Self.loginNonce(form)
            let session = try await client.execute(uri: "/login", method: .post, headers: nonce.headers,
                                     body: ByteBuffer(string: "token=\(token)&next=%2Fdashboard%2Fsites%2Fcanteen-01&login=\(nonce.value)")) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers[.location] == "/dashboard/sites/canteen-01")
                let cookie = try #require(response.headers[.setCookie])
                #expect(cookie.hasPrefix("bk_session=bks_") && !cookie.contains(token), "a session id, never the token")
                for attribute in ["HttpOnly", "SameSite=Strict", "Path=/"] { #expect(cookie.contains(attribute), "\(attribute)") }
                return Session(id: String(cookie.dropFirst("bk_session=".count).prefix { $0 != ";" }))
            }
            let page = try await get(client, "/dashboard/sites/canteen-01", session)
            #expect(page.status == .ok)
        }
    }

    @Test(arguments: StoreBackend.allCases) func aWrongTokenIsRefusedAndAForeignNextIsIgnored(_ backend: StoreBackend) async throws {
        let f = try WebFixture(backend)
        let token = try f.store.createToken(role: .admin, scope: nil, now: webT0).token
        try await f.test { client in
            let nonce = try Self.loginNonce(try await get(client, "/login", nil))
            try await client.execute(uri: "/login", method: .post, headers: nonce.headers,
                                     body: ByteBuffer(string: "token=bk_nope&next=/dashboard&login=\(nonce.value)")) { response in
                #expect(response.status == .unauthorized)
                #expect(response.headers[.setCookie]?.hasPrefix("bk_session") != true)
                #expect(String(buffer: response.body).contains("令牌无效或已撤销"))
            }
            try await client.execute(uri: "/login", method: .post, headers: nonce.headers,
                                     body: ByteBuffer(string: "token=\(token)&next=%2F%2Fevil.example%2F&login=\(nonce.value)")) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers[.location] == "/dashboard")
            }
            let session = try Self.session(f.store, token: token)
            try await client.execute(uri: "/logout", method: .post, headers: session.headers,
                                     body: ByteBuffer(string: "csrf=\(session.csrf)")) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers[.setCookie]?.contains("Max-Age=0") == true)
            }
            // A revoked token ends the session at once.
            let revoked = try await get(client, "/dashboard", Session(id: "bks_revoked-or-never-issued"))
            #expect(revoked.status == .seeOther)
        }
    }

    @Test(arguments: [
        ("/dashboard/sites/a?lang=en", "/dashboard/sites/a?lang=en"), ("//evil.example", nil), ("/\\evil.example", nil),
        ("https://evil.example/", nil), ("/ok/../x", "/ok/../x"), ("/a b", nil), ("/a\u{0}b", nil), ("", nil), ("/食堂", nil),
    ] as [(String, String?)])
    func onlyLocalPathsAreFollowedAfterLogin(next: String, expected: String?) {
        #expect(DashboardSession.localPath(next) == expected)
    }

    // MARK: pages

    @Test(arguments: StoreBackend.allCases) func theRegionOverviewShowsChildrenWithTrafficLightsAndCounts(_ backend: StoreBackend) async throws {
        let f = try WebFixture(backend)
        let wuhan = try Self.login(f, .regulator, "4201")
        try await f.test { client in
            let start = try await get(client, "/dashboard", wuhan)
            #expect(start.status == .seeOther)
            #expect(start.headers[.location] == "/dashboard/regions/4201")
            let page = try await get(client, "/dashboard/regions/4201", wuhan)
            #expect(page.status == .ok)
            #expect(page.headers[.contentSecurityPolicy]?.contains("script-src 'self'") == true)
            #expect(page.headers[.cacheControl] == "private, no-store")
            #expect(page.body.contains("<html lang=\"zh-CN\">"))
            #expect(page.body.contains("下级地区"))
            for child in ["420106", "420107", "420111"] {
                #expect(page.body.contains("href=\"/dashboard/regions/\(child)\""), "\(child)")
            }
            // 420107 holds the class-1 violation: red; the whole city is red too.
            #expect(page.body.contains("<span class=\"light red\" role=\"img\" aria-label=\"红\" title=\"红\"></span><a href=\"/dashboard/regions/420107\">"))
            #expect(page.body.contains("<h1><span class=\"light red\""))
            #expect(!page.body.contains("430102"))
            // GB/T 2260 names, the code after them: heading, crumbs and the children's cards.
            #expect(page.body.contains("<title>地区 武汉市 (4201)"), "\(page.body.prefix(400))")
            #expect(page.body.contains("湖北省 (42)"))
            #expect(page.body.contains("href=\"/dashboard/regions/420106\">武昌区 <span class=\"muted\">420106</span></a>"))
            let english = try await get(client, "/dashboard/regions/4201?lang=en", wuhan)
            #expect(english.body.contains("Regions below"))
            #expect(english.body.contains("href=\"/dashboard/regions/420106?lang=en\""))
            let county = try await get(client, "/dashboard/regions/420106", wuhan)
            #expect(county.body.contains("href=\"/dashboard/sites/canteen-01\">第一中学食堂</a>"))
        }
    }

    @Test(arguments: StoreBackend.allCases) func anAdminStartsWithEveryProvince(_ backend: StoreBackend) async throws {
        let f = try WebFixture(backend)
        let admin = try Self.login(f, .admin)
        try await f.test { client in
            let page = try await get(client, "/dashboard", admin)
            #expect(page.status == .ok)
            #expect(page.body.contains("href=\"/dashboard/regions/42\"") && page.body.contains("href=\"/dashboard/regions/43\""))
        }
    }

    @Test(arguments: StoreBackend.allCases) func theSitePageShowsDevicesChartsAlarmsAndEvidence(_ backend: StoreBackend) async throws {
        let f = try WebFixture(backend)
        let site = try Self.login(f, .site, "canteen-01")
        try await f.test { client in
            let start = try await get(client, "/dashboard", site)
            #expect(start.headers[.location] == "/dashboard/sites/canteen-01")
            let page = try await get(client, "/dashboard/sites/canteen-01", site)
            #expect(page.status == .ok)
            // Its one alarm (al_in) was rectified and closed itself: green, nothing open.
            #expect(page.body.contains("<h1><span class=\"light green\""))
            #expect(page.body.contains("<h2>未结报警 (0)</h2>"))
            #expect(page.body.contains("第一中学食堂"))
            #expect(page.body.contains("湖北省 武汉市 武昌区 <span class=\"muted\">420106</span>"))
            #expect(page.body.contains("<div class=\"reading\">3.5 °C</div>"))
            #expect(page.body.contains("<span class=\"state online\">在线</span>"))
            // 24 h and 7 d charts with the cold zone's 0 and 8 °C limits; 9 °C two hours ago is shaded.
            #expect(page.body.components(separatedBy: "<svg class=\"chart\"").count - 1 == 2)
            #expect(page.body.contains(">8 °C</text>") && page.body.contains(">0 °C</text>"))
            #expect(page.body.contains("class=\"excursion\""))
            #expect(page.body.contains("src=\"/dashboard/evidence/\(f.evidenceInScope)/thumbnail.jpg\""))
            // A site token sees no region above it.
            #expect(!page.body.contains("href=\"/dashboard/regions/"))
            let region = try await get(client, "/dashboard/regions/4201", site)
            #expect(region.status == .forbidden)
            #expect(region.body.contains("无权查看"))
            let picture = try await get(client, "/dashboard/evidence/\(f.evidenceInScope)/thumbnail.jpg", site)
            #expect(picture.status == .ok && picture.headers[.contentType] == "image/jpeg")
            let traversal = try await get(client, "/dashboard/evidence/..%2F1/thumbnail.jpg", site)
            #expect(traversal.status == .notFound)
        }
    }

    @Test(arguments: StoreBackend.allCases) func theAlarmPageShowsTheTrailAndTheActionsWorkOnlyWithTheFormsToken(_ backend: StoreBackend) async throws {
        let f = try WebFixture(backend)
        let wuhan = try Self.login(f, .regulator, "4201")
        try await Application(router: f.router()).test(.router) { client in
            let before = try await get(client, "/dashboard/alarms/al_v", wuhan)
            #expect(before.status == .ok)
            #expect(before.body.contains("违规行为 · rodent"))
            #expect(before.body.contains("action=\"/dashboard/alarms/al_v/ack\""))
            #expect(before.body.contains("name=\"csrf\" value=\"\(wuhan.csrf)\""))
            #expect(before.body.contains("<b>报警</b>"))

            // Forged: no token, another session's token.
            let other = try Self.login(f, .regulator, "4201")
            for body in ["by=x&note=forged", "by=x&note=forged&csrf=\(other.csrf)"] {
                try await client.execute(uri: "/dashboard/alarms/al_v/ack", method: .post, headers: wuhan.headers,
                                         body: ByteBuffer(string: body)) { response in
                    #expect(response.status == .forbidden)
                }
            }
            #expect(try f.store.alarm(id: "al_v")?.state == .raised)

            try await client.execute(uri: "/dashboard/alarms/al_v/ack", method: .post, headers: wuhan.headers,
                                     body: ByteBuffer(string: "by=%E6%9D%8E%E5%9B%9B&note=%3Cscript%3Ealert(1)%3C%2Fscript%3E&csrf=\(wuhan.csrf)")) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers[.location] == "/dashboard/alarms/al_v")
            }
            #expect(try f.store.alarm(id: "al_v")?.state == .acknowledged)
            let after = try await get(client, "/dashboard/alarms/al_v", wuhan)
            #expect(after.body.contains("<b>确认</b> <span class=\"muted\">2026-11-22 08:00</span> · 李四 (regulator:4201#"))
            #expect(after.body.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
            #expect(!after.body.contains("<script>alert"))
            #expect(!after.body.contains("action=\"/dashboard/alarms/al_v/ack\""))
            #expect(after.body.contains("action=\"/dashboard/alarms/al_v/rectify\""))

            // A step the loop refuses is a page, not a crash: acknowledging twice.
            try await client.execute(uri: "/dashboard/alarms/al_v/ack", method: .post, headers: wuhan.headers,
                                     body: ByteBuffer(string: "csrf=\(wuhan.csrf)")) { response in
                #expect(response.status == .conflict)
                #expect(String(buffer: response.body).contains("无法执行该操作"))
            }
        }
    }

    @Test(arguments: StoreBackend.allCases) func anUnknownDashboardPathIsTheHTML404Page(_ backend: StoreBackend) async throws {
        let f = try WebFixture(backend)
        let admin = try Self.login(f, .admin)
        try await f.test { client in
            for uri in ["/dashboard/nope", "/dashboard/sites/canteen-01/extra", "/dashboard/alarms"] {
                let page = try await get(client, uri, admin)
                #expect(page.status == .notFound, "\(uri)")
                #expect(page.headers[.contentType] == "text/html; charset=utf-8", "\(uri)")
                #expect(page.body.contains("<h1>未找到</h1>"), "\(uri)")
            }
            // The real pages still win over the catch-all.
            #expect(try await get(client, "/dashboard/sites/canteen-01", admin).status == .ok)
            #expect(try await get(client, "/dashboard/live.js", nil).status == .ok)
        }
    }

    @Test(arguments: StoreBackend.allCases) func theLiveRefreshGetsOnlyMainWithAStamp(_ backend: StoreBackend) async throws {
        let f = try WebFixture(backend)
        let wuhan = try Self.login(f, .regulator, "4201")
        try await f.test { client in
            let full = try await get(client, "/dashboard/sites/canteen-01", wuhan)
            #expect(full.body.contains("<script src=\"/dashboard/live.js?v=\(PageKit.stamp(LiveRefresh.script))\" defer></script>"))
            let fragment = try await get(client, "/dashboard/sites/canteen-01", wuhan, headers: [PageResponse.fragmentHeader: "1"])
            #expect(fragment.status == .ok)
            #expect(fragment.body.hasPrefix("<h1>"))
            #expect(!fragment.body.contains("<html"))
            let stamp = try #require(fragment.headers[PageResponse.stampHeader])
            #expect(full.body.contains("<main class=\"wide\" data-stamp=\"\(stamp)\">\(fragment.body)</main>"))
            let script = try await get(client, "/dashboard/live.js", nil)
            #expect(script.status == .ok)
            #expect(script.headers[.contentType]?.hasPrefix("text/javascript") == true)
            #expect(script.body.contains("X-BK-Fragment") && script.body.contains("15000"))
        }
    }

    @Test func namesAndNotesAreEscapedEverywhere() async throws {
        let dir = TemporaryDirectory("bk-dash-escape")
        let store = try Store(path: dir.file("bk.sqlite"))
        let registry = try RegistryFile.parse(yaml: """
            sites:
              - {id: evil-01, name: "<script>alert('site')</script>食堂", kind: canteen, region: "420106"}
            devices:
              - {id: fridge-1, site: evil-01, kind: thermo, zone: cold}
            """)
        let model = StateModel(registry: registry, restoring: [], startedAt: webT0)
        let dependencies = try APIDependencies.gateway(model: model, store: store, clock: ManualClock(webT0))
        let session = try Self.session(store, token: try store.createToken(role: .admin, scope: nil, now: webT0).token)
        try await Application(router: buildRouter(dependencies)).test(.router) { client in
            for uri in ["/dashboard/regions/420106", "/dashboard/sites/evil-01"] {
                let page = try await get(client, uri, session)
                #expect(page.status == .ok, "\(uri)")
                #expect(page.body.contains("&lt;script&gt;alert(&apos;site&apos;)&lt;/script&gt;食堂"), "\(uri)")
                #expect(!page.body.contains("<script>alert"), "\(uri)")
            }
            // fridge-1 is registered but never reported: listed all the same, heard "never".
            let site = try await get(client, "/dashboard/sites/evil-01", session)
            #expect(site.body.contains("<h3>fridge-1 ") && site.body.contains("最后上报 从未"))
        }
    }
}
