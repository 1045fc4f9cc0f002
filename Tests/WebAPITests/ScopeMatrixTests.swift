import Foundation
import Hummingbird
import HummingbirdTesting
import TestSupport
import Testing
import KitchenModel
import Ledgers
import WebAPI

/// One protected route with a resource inside and one outside a `4201` (Wuhan) regulator's scope.
private struct ScopedRoute: Sendable, CustomStringConvertible {
    var method: HTTPRequest.Method
    var pattern: String
    /// nil when no resource of the route is ever visible to a regulator (admin-only routes).
    var inScope: String?
    var outOfScope: String
    var body: String? = nil

    var description: String { "\(method) \(pattern)" }
}

/// Routes anyone may call: the consumer lookup, health and the API description.
private let openRoutes: Set<String> = [
    "GET /healthz", "GET /openapi.json", "GET /t/{code}", "GET /T/{code}", "HEAD /t/{code}", "HEAD /T/{code}",
    "GET /api/v1/tickets/{code}",
    "GET /01/{gtin}/10/{lot}",
    "GET /k/{site}", "GET /K/{site}", "GET /k/{site}/poster", "GET /k/{site}/cameras/{n}",
    // Ratings, complaints and the case page by receipt (limited per address and site): FeedbackAPITests.
    "POST /k/{site}/ratings", "POST /k/{site}/complaints", "GET /c/{receipt}", "GET /c",
    // Cameras authenticate with their registry credentials (HTTP Digest), not tokens: CameraPushLoopTests.
    "POST /isapi/{camera}", "POST /isapi/{camera}/{secret}", "POST /VIID/System/Register", "POST /VIID/System/Keepalive",
    "POST /VIID/System/UnRegister", "POST /VIID/SubscribeNotifications",
    // The open data of grades: what door signs show, for anyone (GradeAPITests).
    "GET /open/grades.json", "GET /open/grades.csv",
    // Markets' notice boards and stall screens (MarketAPITests).
    "GET /m/screen.js", "GET /m/{site}", "GET /m/{site}/{stall}", "GET /m/{site}/{stall}/feed.json",
]

/// The dashboard's open routes: its login form and the static refresh script.
private let openPageRoutes: Set<String> = ["GET /login", "POST /login", "POST /logout", "GET /dashboard/live.js"]

/// The dashboard's pages, with the cookie instead of the bearer token. `/dashboard` has no
/// out-of-scope variant: it sends every token to its own start page.
private func pageMatrix(_ f: WebFixture) -> [ScopedRoute] {
    let (ein, eout) = (f.evidenceInScope, f.evidenceOutOfScope)
    var routes = [
        ScopedRoute(method: .get, pattern: "/dashboard", inScope: "/dashboard", outOfScope: "/dashboard"),
        ScopedRoute(method: .get, pattern: "/dashboard/regions/{code}", inScope: "/dashboard/regions/4201",
                    outOfScope: "/dashboard/regions/4301"),
        ScopedRoute(method: .get, pattern: "/dashboard/sites/{id}", inScope: "/dashboard/sites/canteen-01",
                    outOfScope: "/dashboard/sites/canteen-02"),
        ScopedRoute(method: .get, pattern: "/dashboard/alarms/{id}", inScope: "/dashboard/alarms/al_in",
                    outOfScope: "/dashboard/alarms/al_cs"),
        ScopedRoute(method: .get, pattern: "/dashboard/evidence/{id}/original.jpg", inScope: "/dashboard/evidence/\(ein)/original.jpg",
                    outOfScope: "/dashboard/evidence/\(eout)/original.jpg"),
        ScopedRoute(method: .get, pattern: "/dashboard/evidence/{id}/thumbnail.jpg",
                    inScope: "/dashboard/evidence/\(ein)/thumbnail.jpg", outOfScope: "/dashboard/evidence/\(eout)/thumbnail.jpg"),
    ]
    // The manual 晨检 form; the in-scope walk records worker w-001 first (PageScopeMatrixTests).
    routes.append(ScopedRoute(method: .post, pattern: "/dashboard/sites/{id}/morning-checks",
                              inScope: "/dashboard/sites/canteen-01/morning-checks", outOfScope: "/dashboard/sites/canteen-02/morning-checks",
                              body: "worker=w-001&temperature_c=36.6&uniform_ok=1&hygiene_ok=1&checker=x"))
    // Before the actions: al_v must still be open to be warned about.
    routes.append(ScopedRoute(method: .post, pattern: "/dashboard/alarms/{id}/voice", inScope: "/dashboard/alarms/al_v/voice",
                              outOfScope: "/dashboard/alarms/al_cs/voice", body: "by=x"))
    for action in ["ack", "rectify", "close"] {
        routes.append(ScopedRoute(method: .post, pattern: "/dashboard/alarms/{id}/\(action)", inScope: "/dashboard/alarms/al_v/\(action)",
                                  outOfScope: "/dashboard/alarms/al_cs/\(action)", body: "by=x&action=fixed&note=seen"))
    }
    routes += [
        ScopedRoute(method: .get, pattern: "/dashboard/complaints", inScope: "/dashboard/complaints?region=4201",
                    outOfScope: "/dashboard/complaints?region=43"),
        ScopedRoute(method: .get, pattern: "/dashboard/complaints/{id}", inScope: "/dashboard/complaints/cp_acc",
                    outOfScope: "/dashboard/complaints/cp_out"),
        ScopedRoute(method: .get, pattern: "/dashboard/complaints/{id}/photos/{n}", inScope: "/dashboard/complaints/cp_acc/photos/1",
                    outOfScope: "/dashboard/complaints/cp_out/photos/1"),
        ScopedRoute(method: .post, pattern: "/dashboard/complaints/{id}/accept", inScope: "/dashboard/complaints/cp_acc/accept",
                    outOfScope: "/dashboard/complaints/cp_out/accept", body: "by=x&reply=ok"),
        ScopedRoute(method: .post, pattern: "/dashboard/complaints/{id}/refuse", inScope: "/dashboard/complaints/cp_ref/refuse",
                    outOfScope: "/dashboard/complaints/cp_out/refuse", body: "by=x&reply=no"),
        ScopedRoute(method: .post, pattern: "/dashboard/complaints/{id}/close", inScope: "/dashboard/complaints/cp_tip/close",
                    outOfScope: "/dashboard/complaints/cp_out/close", body: "by=x&reply=done&upheld=true"),
    ]
    return routes
}

private func matrix(_ f: WebFixture) -> [ScopedRoute] {
    let (tin, tout) = (f.ticketInScope, f.ticketOutOfScope)
    let (ein, eout) = (f.evidenceInScope, f.evidenceOutOfScope)
    let action = #"{"note":"seen","action":"fixed"}"#
    let inspection = #"{"method":"rapid_test","passed":true,"items":["农残"],"tester":"王检"}"#
    return [
        ScopedRoute(method: .get, pattern: "/metrics", inScope: nil, outOfScope: "/metrics"),
        ScopedRoute(method: .get, pattern: "/api/v1/sites", inScope: "/api/v1/sites", outOfScope: "/api/v1/sites?region=43"),
        ScopedRoute(method: .get, pattern: "/api/v1/sites/{id}", inScope: "/api/v1/sites/canteen-01",
                    outOfScope: "/api/v1/sites/canteen-02"),
        ScopedRoute(method: .get, pattern: "/api/v1/alarms", inScope: "/api/v1/alarms?region=420106",
                    outOfScope: "/api/v1/alarms?region=43"),
        ScopedRoute(method: .get, pattern: "/api/v1/alarms/{id}", inScope: "/api/v1/alarms/al_in",
                    outOfScope: "/api/v1/alarms/al_cs"),
        // Before ack, rectify and close: al_v must still be open to be warned about.
        ScopedRoute(method: .post, pattern: "/api/v1/alarms/{id}/voice", inScope: "/api/v1/alarms/al_v/voice",
                    outOfScope: "/api/v1/alarms/al_cs/voice", body: #"{"by":"王主管"}"#),
        ScopedRoute(method: .post, pattern: "/api/v1/alarms/{id}/ack", inScope: "/api/v1/alarms/al_v/ack",
                    outOfScope: "/api/v1/alarms/al_cs/ack", body: action),
        ScopedRoute(method: .post, pattern: "/api/v1/alarms/{id}/rectify", inScope: "/api/v1/alarms/al_v/rectify",
                    outOfScope: "/api/v1/alarms/al_cs/rectify", body: action),
        ScopedRoute(method: .post, pattern: "/api/v1/alarms/{id}/close", inScope: "/api/v1/alarms/al_v/close",
                    outOfScope: "/api/v1/alarms/al_cs/close", body: action),
        ScopedRoute(method: .get, pattern: "/api/v1/alarms/{id}/evidence", inScope: "/api/v1/alarms/al_in/evidence",
                    outOfScope: "/api/v1/alarms/al_cs/evidence"),
        ScopedRoute(method: .get, pattern: "/api/v1/evidence/{id}/original.jpg", inScope: "/api/v1/evidence/\(ein)/original.jpg",
                    outOfScope: "/api/v1/evidence/\(eout)/original.jpg"),
        ScopedRoute(method: .get, pattern: "/api/v1/evidence/{id}/thumbnail.jpg",
                    inScope: "/api/v1/evidence/\(ein)/thumbnail.jpg", outOfScope: "/api/v1/evidence/\(eout)/thumbnail.jpg"),
        ScopedRoute(method: .get, pattern: "/api/v1/sites/{id}/batches", inScope: "/api/v1/sites/market-01/batches",
                    outOfScope: "/api/v1/sites/market-02/batches"),
        ScopedRoute(method: .post, pattern: "/api/v1/sites/{id}/batches", inScope: "/api/v1/sites/market-01/batches",
                    outOfScope: "/api/v1/sites/market-02/batches",
                    body: #"{"id":"b-new","item":"白菜","category":"蔬菜","quantity":5,"unit":"kg","supplier":{"name":"绿源","licence":"L-1"},"origin":{"place":"蔡甸"},"arrival_date":"2026-11-22","inspection":{"method":"voucher","passed":true,"voucher_number":"HG-002"}}"#),
        ScopedRoute(method: .get, pattern: "/api/v1/batches/{id}", inScope: "/api/v1/batches/b-in", outOfScope: "/api/v1/batches/b-out"),
        ScopedRoute(method: .post, pattern: "/api/v1/batches/{id}/inspections", inScope: "/api/v1/batches/b-in/inspections",
                    outOfScope: "/api/v1/batches/b-out/inspections", body: inspection),
        ScopedRoute(method: .post, pattern: "/api/v1/batches/{id}/recall", inScope: "/api/v1/batches/b-in/recall",
                    outOfScope: "/api/v1/batches/b-out/recall", body: #"{"reason":"抽检不合格"}"#),
        ScopedRoute(method: .get, pattern: "/api/v1/batches/{id}/tickets", inScope: "/api/v1/batches/b-in/tickets",
                    outOfScope: "/api/v1/batches/b-out/tickets"),
        ScopedRoute(method: .get, pattern: "/api/v1/batches/{id}/epcis", inScope: "/api/v1/batches/b-in/epcis",
                    outOfScope: "/api/v1/batches/b-out/epcis"),
        ScopedRoute(method: .get, pattern: "/api/v1/tickets/{code}/receipt", inScope: "/api/v1/tickets/\(tin)/receipt",
                    outOfScope: "/api/v1/tickets/\(tout)/receipt"),
        ScopedRoute(method: .get, pattern: "/api/v1/regions/{code}/summary", inScope: "/api/v1/regions/4201/summary",
                    outOfScope: "/api/v1/regions/4301/summary"),
        ScopedRoute(method: .get, pattern: "/api/v1/reports/haccp",
                    inScope: "/api/v1/reports/haccp?site=canteen-01&date=2026-11-22",
                    outOfScope: "/api/v1/reports/haccp?site=canteen-02&date=2026-11-22"),
        ScopedRoute(method: .get, pattern: "/api/v1/reports/ledger",
                    inScope: "/api/v1/reports/ledger?site=canteen-01&from=2026-11-22&to=2026-11-22",
                    outOfScope: "/api/v1/reports/ledger?site=canteen-02&from=2026-11-22&to=2026-11-22"),
        ScopedRoute(method: .get, pattern: "/api/v1/reports/alarms",
                    inScope: "/api/v1/reports/alarms?region=4201&from=2026-11-01&to=2026-11-30",
                    outOfScope: "/api/v1/reports/alarms?region=43&from=2026-11-01&to=2026-11-30"),
    ] + ledgerMatrix() + sampleMatrix() + gradeMatrix() + marketMatrix() + complaintMatrix()
}

/// A market's 令81 records (docs/markets.md).
private func marketMatrix() -> [ScopedRoute] {
    let holder = #"{"stall":"A12","name":"王建国","contact":"13800000000","id_number":"420106199001011234","address":"珞狮路1号","started_on":"2026-01-01"}"#
    let plan = #"{"lines":[{"item":"青菜","tests":["农药残留"]}]}"#
    let certificate = #"{"product":"青菜","quantity":50,"unit":"kg","origin":"蔡甸","issued_on":"2026-11-21","issuer":"绿源","contact":"027-1"}"#
    return [
        ScopedRoute(method: .put, pattern: "/api/v1/sites/{id}/stall-holders/{holder}",
                    inScope: "/api/v1/sites/market-01/stall-holders/wang", outOfScope: "/api/v1/sites/market-02/stall-holders/wang",
                    body: holder),
        ScopedRoute(method: .get, pattern: "/api/v1/sites/{id}/stall-holders", inScope: "/api/v1/sites/market-01/stall-holders",
                    outOfScope: "/api/v1/sites/market-02/stall-holders"),
        ScopedRoute(method: .put, pattern: "/api/v1/sites/{id}/rapid-tests/{day}", inScope: "/api/v1/sites/market-01/rapid-tests/2026-11-22",
                    outOfScope: "/api/v1/sites/market-02/rapid-tests/2026-11-22", body: plan),
        ScopedRoute(method: .get, pattern: "/api/v1/sites/{id}/rapid-tests/{day}", inScope: "/api/v1/sites/market-01/rapid-tests/2026-11-22",
                    outOfScope: "/api/v1/sites/market-02/rapid-tests/2026-11-22"),
        ScopedRoute(method: .post, pattern: "/api/v1/batches/{id}/certificate", inScope: "/api/v1/batches/b-in/certificate",
                    outOfScope: "/api/v1/batches/b-out/certificate", body: certificate),
    ]
}

/// Grades and red/black lists (docs/rules.md, "Grades").
private func gradeMatrix() -> [ScopedRoute] {
    [
        ScopedRoute(method: .get, pattern: "/api/v1/grades", inScope: "/api/v1/grades?region=4201",
                    outOfScope: "/api/v1/grades?region=43"),
        ScopedRoute(method: .get, pattern: "/api/v1/sites/{id}/grades", inScope: "/api/v1/sites/canteen-01/grades",
                    outOfScope: "/api/v1/sites/canteen-02/grades"),
        ScopedRoute(method: .get, pattern: "/api/v1/regions/{code}/lists", inScope: "/api/v1/regions/4201/lists?month=2026-11",
                    outOfScope: "/api/v1/regions/4301/lists?month=2026-11"),
    ]
}

/// 留样 (docs/ledgers.md): the meal plan first, so that the sample finds its dish; the removal
/// takes that sample's box out of the fixture's fridge.
private func sampleMatrix() -> [ScopedRoute] {
    let plan = #"{"meals":[{"meal":"breakfast","dishes":["包子","豆浆"]}]}"#
    let sample = #"{"meal":"breakfast","dish":"包子","grams":150,"fridge":"fridge-1","box":"B1"}"#
    let removal = #"{"fridge":"fridge-1","box":"B1"}"#
    var routes = [
        ScopedRoute(method: .post, pattern: "/api/v1/sites/{id}/meal-plan", inScope: "/api/v1/sites/canteen-01/meal-plan",
                    outOfScope: "/api/v1/sites/canteen-02/meal-plan", body: plan),
        ScopedRoute(method: .post, pattern: "/api/v1/sites/{id}/samples", inScope: "/api/v1/sites/canteen-01/samples",
                    outOfScope: "/api/v1/sites/canteen-02/samples", body: sample),
        ScopedRoute(method: .post, pattern: "/api/v1/sites/{id}/sample-removals", inScope: "/api/v1/sites/canteen-01/sample-removals",
                    outOfScope: "/api/v1/sites/canteen-02/sample-removals", body: removal),
    ]
    for path in ["meal-plan", "samples"] {
        routes.append(ScopedRoute(method: .get, pattern: "/api/v1/sites/{id}/\(path)", inScope: "/api/v1/sites/canteen-01/\(path)",
                                  outOfScope: "/api/v1/sites/canteen-02/\(path)"))
    }
    return routes
}

/// Complaints (WebFixture.seedComplaints): each action on a complaint it can take in Wuhan.
private func complaintMatrix() -> [ScopedRoute] {
    [
        ScopedRoute(method: .get, pattern: "/api/v1/complaints", inScope: "/api/v1/complaints?region=420106",
                    outOfScope: "/api/v1/complaints?region=43"),
        ScopedRoute(method: .get, pattern: "/api/v1/complaints/{id}", inScope: "/api/v1/complaints/cp_acc",
                    outOfScope: "/api/v1/complaints/cp_out"),
        ScopedRoute(method: .get, pattern: "/api/v1/complaints/{id}/photos/{n}", inScope: "/api/v1/complaints/cp_acc/photos/1",
                    outOfScope: "/api/v1/complaints/cp_out/photos/1"),
        ScopedRoute(method: .post, pattern: "/api/v1/complaints/{id}/accept", inScope: "/api/v1/complaints/cp_acc/accept",
                    outOfScope: "/api/v1/complaints/cp_out/accept", body: #"{"reply":"受理"}"#),
        ScopedRoute(method: .post, pattern: "/api/v1/complaints/{id}/refuse", inScope: "/api/v1/complaints/cp_ref/refuse",
                    outOfScope: "/api/v1/complaints/cp_out/refuse", body: #"{"reply":"不属于本部门职责"}"#),
        ScopedRoute(method: .post, pattern: "/api/v1/complaints/{id}/close", inScope: "/api/v1/complaints/cp_tip/close",
                    outOfScope: "/api/v1/complaints/cp_out/close", body: #"{"reply":"已核查","upheld":true}"#),
    ]
}

/// Kitchen ledgers (docs/ledgers.md): the staff record comes first so the morning check finds its worker.
private func ledgerMatrix() -> [ScopedRoute] {
    let worker = #"{"worker":"w-001","name":"王芳","role":"cook","cert_no":"420106-0001","cert_expiry":"2027-12-31"}"#
    let check = #"{"worker":"w-001","temperature_c":36.6,"checker":"王主管"}"#
    var routes = [
        ScopedRoute(method: .post, pattern: "/api/v1/sites/{id}/staff", inScope: "/api/v1/sites/canteen-01/staff",
                    outOfScope: "/api/v1/sites/canteen-02/staff", body: worker),
        ScopedRoute(method: .post, pattern: "/api/v1/sites/{id}/morning-checks", inScope: "/api/v1/sites/canteen-01/morning-checks",
                    outOfScope: "/api/v1/sites/canteen-02/morning-checks", body: check),
    ]
    routes += ledgerCheckMatrix()
    for path in ["staff", "ledger/entries", "ledger/sheet", "ledger/export", "ledger/verify", "checklist", "ledger/duties"] {
        routes.append(ScopedRoute(method: .get, pattern: "/api/v1/sites/{id}/\(path)", inScope: "/api/v1/sites/canteen-01/\(path)",
                                  outOfScope: "/api/v1/sites/canteen-02/\(path)"))
    }
    return routes
}

/// 陪餐, 进货查验 and 令60's records: a food-safety officer is recorded first for the checks that need one.
private func ledgerCheckMatrix() -> [ScopedRoute] {
    let officer = #"{"worker":"w-009","name":"赵敏","role":"food-safety-officer","cert_no":"420106-0009","cert_expiry":"2027-12-31"}"#
    let items = SafetyChecklist.for(.canteen).items.map { #"{"item":"\#($0.id)","ok":true}"# }.joined(separator: ",")
    let bodies: [(String, String)] = [
        ("meal-escorts", #"{"meal":"lunch","escort":"李校长","escort_role":"leader"}"#),
        ("purchases", #"{"item":"大米","quantity":50,"unit":"kg","batch":"B-1","supplier":{"name":"粮油公司","address":"武汉市","contact":"027-1"},"voucher":{"type":"licence","number":"JY1"},"inspector":"w-001"}"#),
        ("daily-checks", #"{"officer":"w-009","items":[\#(items)]}"#),
        ("weekly-reviews", #"{"officer":"w-009","summary":"本周无隐患"}"#),
        ("monthly-meetings", #"{"chair":"w-009","attendees":["w-001","w-009"],"minutes":"月度调度"}"#),
    ]
    return [ScopedRoute(method: .post, pattern: "/api/v1/sites/{id}/staff", inScope: "/api/v1/sites/canteen-01/staff",
                        outOfScope: "/api/v1/sites/canteen-02/staff", body: officer)]
        + bodies.map { path, body in
            ScopedRoute(method: .post, pattern: "/api/v1/sites/{id}/\(path)", inScope: "/api/v1/sites/canteen-01/\(path)",
                        outOfScope: "/api/v1/sites/canteen-02/\(path)", body: body)
        }
}

private func errorCode(_ buffer: ByteBuffer) -> String? {
    (try? JSONSerialization.jsonObject(with: Data(buffer.readableBytesView)) as? [String: Any])?["error"] as? String
}

/// Issue 7: "a regulator token scoped to 4201 sees Wuhan and below, nothing else, on every
/// endpoint (403 otherwise)", walked over every protected route the router actually registers.
@Suite struct ScopeMatrixTests {
    @Test(arguments: StoreBackend.allCases) func everyProtectedRouteIsInTheMatrix(_ backend: StoreBackend) throws {
        let f = try WebFixture(backend)
        let registered = Set(f.router().routes.map { "\($0.method) \($0.path)" }).subtracting(openRoutes)
            .subtracting(openPageRoutes)
        let tested = Set((matrix(f) + pageMatrix(f)).map(\.description))
        #expect(registered.subtracting(tested).isEmpty, "routes without a scope test: \(registered.subtracting(tested).sorted())")
        #expect(tested.subtracting(registered).isEmpty, "tests of routes that do not exist: \(tested.subtracting(registered).sorted())")
    }

    @Test(arguments: StoreBackend.allCases) func withoutATokenEveryProtectedRouteIs401(_ backend: StoreBackend) async throws {
        let f = try WebFixture(backend)
        let routes = matrix(f)
        try await f.test { client in
            for route in routes {
                try await client.execute(uri: route.outOfScope, method: route.method,
                                         headers: [.contentType: "application/json"],
                                         body: route.body.map { ByteBuffer(string: $0) }) { response in
                    #expect(response.status == .unauthorized, "\(route)")
                    #expect(errorCode(response.body) == "unauthorized", "\(route)")
                }
            }
        }
    }

    @Test(arguments: StoreBackend.allCases) func aWuhanRegulatorIsRefusedOutsideWuhanOnEveryRoute(_ backend: StoreBackend) async throws {
        let f = try WebFixture(backend)
        let wuhan = try f.token(.regulator, "4201")
        let routes = matrix(f)
        try await f.test { client in
            try await f.addBatches(client)
            for route in routes {
                try await client.execute(uri: route.outOfScope, method: route.method, headers: wuhan,
                                         body: route.body.map { ByteBuffer(string: $0) }) { response in
                    #expect(response.status == .forbidden, "\(route): \(String(buffer: response.body))")
                    #expect(errorCode(response.body) == "forbidden", "\(route)")
                }
            }
        }
    }

    @Test(arguments: StoreBackend.allCases) func aWuhanRegulatorIsServedInsideWuhanOnEveryRoute(_ backend: StoreBackend) async throws {
        let f = try WebFixture(backend)
        let wuhan = try f.token(.regulator, "4201")
        let routes = matrix(f)
        try await f.test { client in
            try await f.addBatches(client)
            for route in routes {
                guard let uri = route.inScope else { continue }
                try await client.execute(uri: uri, method: route.method, headers: wuhan,
                                         body: route.body.map { ByteBuffer(string: $0) }) { response in
                    // The alarm actions run on the fixture's real engine: acknowledged, rectified, closed.
                    let served: Set<HTTPResponse.Status> = route.pattern.hasPrefix("/api/v1/alarms/{id}/") && route.method == .post
                        ? [.ok] : [.ok, .created]
                    #expect(served.contains(response.status), "\(route): \(response.status) \(String(buffer: response.body))")
                }
            }
        }
    }
}

/// The same walk for the dashboard's pages, logged in by cookie: without a session a page is a
/// redirect to the login form (a post a 401 page), outside the scope a 403 page, inside it served.
@Suite struct PageScopeMatrixTests {
    static func session(_ f: WebFixture, _ role: Role, _ scope: String?) throws -> (cookie: String, csrf: String) {
        let session = try DashboardPageTests.login(f, role, scope)
        return ("bk_session=\(session.id)", session.csrf)
    }

    static func headers(_ session: (cookie: String, csrf: String)?) -> HTTPFields {
        var headers: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]
        if let session { headers[.cookie] = session.cookie }
        return headers
    }

    fileprivate static func body(_ route: ScopedRoute, _ session: (cookie: String, csrf: String)?) -> ByteBuffer? {
        route.body.map { ByteBuffer(string: $0 + "&csrf=" + (session?.csrf ?? "")) }
    }

    @Test(arguments: StoreBackend.allCases) func withoutASessionPagesRedirectToLoginAndPostsAre401(_ backend: StoreBackend) async throws {
        let f = try WebFixture(backend)
        let routes = pageMatrix(f)
        try await f.test { client in
            for route in routes {
                try await client.execute(uri: route.outOfScope, method: route.method, headers: Self.headers(nil),
                                         body: Self.body(route, nil)) { response in
                    if route.method == .get {
                        #expect(response.status == .seeOther, "\(route)")
                        #expect(response.headers[.location]?.hasPrefix("/login?next=/dashboard") == true, "\(route)")
                    } else {
                        #expect(response.status == .unauthorized, "\(route)")
                        #expect(response.headers[.contentType]?.hasPrefix("text/html") == true, "\(route)")
                    }
                }
            }
        }
    }

    @Test(arguments: StoreBackend.allCases) func aWuhanRegulatorIsRefusedOutsideWuhanOnEveryPage(_ backend: StoreBackend) async throws {
        let f = try WebFixture(backend)
        let wuhan = try Self.session(f, .regulator, "4201")
        let routes = pageMatrix(f).filter { $0.pattern != "/dashboard" }
        try await f.test { client in
            for route in routes {
                try await client.execute(uri: route.outOfScope, method: route.method, headers: Self.headers(wuhan),
                                         body: Self.body(route, wuhan)) { response in
                    #expect(response.status == .forbidden, "\(route): \(String(buffer: response.body))")
                    #expect(response.headers[.contentType]?.hasPrefix("text/html") == true, "\(route)")
                }
            }
        }
    }

    @Test(arguments: StoreBackend.allCases) func aWuhanRegulatorIsServedInsideWuhanOnEveryPage(_ backend: StoreBackend) async throws {
        let f = try WebFixture(backend)
        let wuhan = try Self.session(f, .regulator, "4201")
        let routes = pageMatrix(f)
        try StaffDesk(book: f.dependencies.ledgers).record(Worker(id: "w-001", name: "王芳", role: "cook", certificateNumber: "420106-0001",
                                                                  certificateExpiry: "2027-12-31"), site: SiteID("canteen-01")!, source: "test")
        try await f.test { client in
            for route in routes {
                guard let uri = route.inScope else { continue }
                try await client.execute(uri: uri, method: route.method, headers: Self.headers(wuhan),
                                         body: Self.body(route, wuhan)) { response in
                    // `/dashboard` sends a regulator to its region; an action done on the fixture's
                    // engine sends the browser back to the alarm's page.
                    let served: HTTPResponse.Status = route.pattern == "/dashboard" || route.method == .post ? .seeOther : .ok
                    #expect(response.status == served, "\(route): \(response.status) \(String(buffer: response.body))")
                }
            }
        }
    }
}
