import Foundation
import GatewayPorts
import GRDB
import Gateway
import Hummingbird
import HummingbirdTesting
import KitchenModel
import Logging
@testable import Storage
import StorageModel
import TestSupport
import Testing
@testable import WebAPI

/// The dashboard's server-side sessions: a random id, not the API token, stored hashed in
/// SQLite, ended by logout, by the token's revocation and by time, and `Secure` over HTTPS.
@Suite struct DashboardSessionTests {
    typealias Session = DashboardPageTests.Session

    /// Logs in through the real form and returns the session cookie's value.
    static func login(_ client: some TestClientProtocol, token: String) async throws -> (session: Session, setCookie: String) {
        let page = try await client.execute(uri: "/login", method: .get) { ($0.status, $0.headers, String(buffer: $0.body)) }
        let nonce = try DashboardPageTests.loginNonce(page)
        let cookie = try await client.execute(uri: "/login", method: .post, headers: nonce.headers,
                                              body: ByteBuffer(string: "token=\(token)&login=\(nonce.value)")) { response in
            #expect(response.status == .seeOther)
            return try #require(response.headers[.setCookie])
        }
        let id = String(cookie.dropFirst("bk_session=".count).prefix { $0 != ";" })
        return (Session(id: id), cookie)
    }

    @Test func theCookieIsARandomSessionIdThatLogoutMakesUseless() async throws {
        let f = try WebFixture()
        let (token, record) = try f.store.createToken(role: .admin, scope: nil, now: webT0)
        try await f.test { client in
            let (session, cookie) = try await Self.login(client, token: token)
            #expect(cookie.hasPrefix("bk_session=bks_") && !cookie.contains(token))
            // 256 random bits, base64url: 43 characters after the prefix; two logins never share one.
            #expect(session.id.count == 4 + 43)
            let second = try await Self.login(client, token: token).session
            #expect(second.id != session.id)
            #expect(try f.store.dashboardSessionCount(tokenID: record.id) == 2)
            // Only a hash is stored: the id itself is nowhere in the database.
            let sqlite = try #require(f.store as? Store, "the SQLite fixture")
            let stored = try await sqlite.pool.read { db in try String.fetchAll(db, sql: "SELECT hash FROM dashboard_session") }
            #expect(!stored.contains(session.id) && stored.allSatisfy { $0.count == 64 })

            try await client.execute(uri: "/dashboard/sites/canteen-01", method: .get, headers: session.headers) {
                #expect($0.status == .ok)
            }
            // The session id is not an API token.
            try await client.execute(uri: "/api/v1/sites", method: .get, headers: [.authorization: "Bearer \(session.id)"]) {
                #expect($0.status == .unauthorized)
            }
            try await client.execute(uri: "/logout", method: .post, headers: session.headers,
                                     body: ByteBuffer(string: "csrf=\(session.csrf)")) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers[.setCookie]?.contains("Max-Age=0") == true)
            }
            // A copy of the old cookie (a shared computer, a stolen value) no longer works.
            try await client.execute(uri: "/dashboard/sites/canteen-01", method: .get, headers: session.headers) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers[.location]?.hasPrefix("/login") == true)
            }
            try await client.execute(uri: "/dashboard/alarms/al_in/ack", method: .post, headers: session.headers,
                                     body: ByteBuffer(string: "csrf=\(session.csrf)")) {
                #expect($0.status == .unauthorized)
            }
            #expect(try f.store.dashboardSessionCount(tokenID: record.id) == 1)
        }
    }

    @Test func revokingTheTokenEndsItsSessionsAndSessionsSurviveARestart() async throws {
        let f = try WebFixture()
        let (token, record) = try f.store.createToken(role: .regulator, scope: "4201", now: webT0)
        let (other, _) = try f.store.createToken(role: .regulator, scope: "4201", now: webT0)
        let (session, kept) = try await Application(router: f.router()).test(.router) { client in
            (try await Self.login(client, token: token).session, try await Self.login(client, token: other).session)
        }
        // A restarted gateway: a new store on the same file, a new router.
        let reopened = try Store(path: f.dir.file("bk.sqlite"))
        var dependencies = f.dependencies
        dependencies.store = reopened
        try await Application(router: buildRouter(dependencies)).test(.router) { client in
            try await client.execute(uri: "/dashboard/sites/canteen-01", method: .get, headers: session.headers) {
                #expect($0.status == .ok, "the session outlives the process")
            }
            #expect(try reopened.revokeToken(id: record.id, now: webT0))
            #expect(try reopened.dashboardSessionCount(tokenID: record.id) == 0)
            try await client.execute(uri: "/dashboard/sites/canteen-01", method: .get, headers: session.headers) {
                #expect($0.status == .seeOther, "revoking the token ended its session")
            }
            try await client.execute(uri: "/dashboard/sites/canteen-01", method: .get, headers: kept.headers) {
                #expect($0.status == .ok, "another token's session is untouched")
            }
        }
    }

    @Test func aSessionEndsWhenIdleAndAtItsAbsoluteLimit() async throws {
        let f = try WebFixture()
        let clock = ManualClock(webT0)
        struct Clock: WallClock {
            let manual: ManualClock
            func now() -> EpochMillis { manual.now() }
        }
        var dependencies = f.dependencies
        dependencies.clock = Clock(manual: clock)
        dependencies.sessionLifetime = SessionLifetime(idleMillis: 3_600_000, absoluteMillis: 3 * 3_600_000)
        let token = try f.store.createToken(role: .admin, scope: nil, now: webT0).token
        try await Application(router: buildRouter(dependencies)).test(.router) { client in
            let (session, cookie) = try await Self.login(client, token: token)
            #expect(cookie.contains("Max-Age=10800"), "the cookie lasts as long as the session may")
            func status() async throws -> HTTPResponse.Status {
                try await client.execute(uri: "/dashboard/sites/canteen-01", method: .get, headers: session.headers) { $0.status }
            }
            // Used every 50 minutes it stays open past the idle hour...
            for _ in 0..<3 {
                clock.advance(byMillis: 50 * 60_000)
                #expect(try await status() == .ok)
            }
            // ...but not past three hours from the login.
            clock.advance(byMillis: 40 * 60_000)
            #expect(try await status() == .seeOther)

            let (idle, _) = try await Self.login(client, token: token)
            clock.advance(byMillis: 3_600_000)
            try await client.execute(uri: "/dashboard", method: .get, headers: idle.headers) { #expect($0.status == .seeOther) }
        }
    }

    @Test func theCookieIsSecureOverHTTPSOrBehindATrustedProxyOnly() async throws {
        let f = try WebFixture()
        let token = try f.store.createToken(role: .admin, scope: nil, now: webT0).token
        func loginCookie(trusting proxies: [String], forwardedProto: String?) async throws -> String {
            var dependencies = f.dependencies
            dependencies.trustedProxies = try TrustedProxies(proxies)
            let app = try buildApplication(dependencies, lookup: PublicLookup(dependencies), host: "127.0.0.1", port: 0,
                                           services: [], logger: Logger(label: "test"))
            return try await app.test(.live) { client in
                var extra: HTTPFields = [:]
                if let forwardedProto { extra[.xForwardedProto] = forwardedProto }
                let page = try await client.execute(uri: "/login", method: .get, headers: extra) {
                    ($0.status, $0.headers, String(buffer: $0.body))
                }
                #expect(page.1[.strictTransportSecurity] == nil, "HSTS only when the gateway itself serves HTTPS")
                let nonce = try DashboardPageTests.loginNonce(page)
                var headers = nonce.headers
                headers.append(contentsOf: extra)
                return try await client.execute(uri: "/login", method: .post, headers: headers,
                                                body: ByteBuffer(string: "token=\(token)&login=\(nonce.value)")) {
                    try #require($0.headers[.setCookie])
                }
            }
        }
        let plain = try await loginCookie(trusting: [], forwardedProto: nil)
        // Anyone can write X-Forwarded-Proto: from an untrusted peer it means nothing.
        let untrusted = try await loginCookie(trusting: [], forwardedProto: "https")
        let otherProxy = try await loginCookie(trusting: ["192.0.2.1"], forwardedProto: "https")
        let trusted = try await loginCookie(trusting: ["127.0.0.1"], forwardedProto: "https")
        let trustedHTTP = try await loginCookie(trusting: ["127.0.0.1"], forwardedProto: "http")
        for cookie in [plain, untrusted, otherProxy, trustedHTTP] { #expect(!cookie.contains("Secure"), "\(cookie)") }
        #expect(trusted.contains("Secure"), "\(trusted)")
    }

    @Test func overTheGatewaysOwnHTTPSTheCookieIsSecureAndHSTSIsSent() async throws {
        let f = try WebFixture()
        let ca = try ThrowawayCA(in: f.dir.path)
        let token = try f.store.createToken(role: .admin, scope: nil, now: webT0).token
        let app = try buildApplication(f.dependencies, lookup: PublicLookup(f.dependencies), host: "127.0.0.1", port: 0,
                                       tls: TLSFiles(certificate: ca.serverCertificate, privateKey: ca.serverKey),
                                       services: [], logger: Logger(label: "test"))
        // The test framework's HTTPS client follows redirects, which would hide the login's
        // Set-Cookie: curl (trusting the test CA) sends the posts.
        try await app.test(.ahc(.https)) { client in
            let base = "https://127.0.0.1:\(try #require(client.port))"
            // curl blocks: on a thread of its own, off the concurrency pool the server needs.
            func curl(_ arguments: [String]) async throws -> String {
                let run = try await withCheckedThrowingContinuation { continuation in
                    Thread {
                        continuation.resume(with: Result {
                            try runTool("/usr/bin/curl", ["-s", "--cacert", ca.caCertificate, "-D", "-", "-o", "/dev/null"] + arguments)
                        })
                    }.start()
                }
                #expect(run.status == 0, "\(run.errors)")
                return run.output
            }
            let form = try await curl([base + "/login"])
            #expect(form.lowercased().contains("strict-transport-security: max-age=31536000"), "\(form)")
            let nonceLine = try #require(form.split(separator: "\r\n").first { $0.lowercased().hasPrefix("set-cookie: bk_login=") })
            #expect(nonceLine.contains("Secure"))
            let nonce = String(nonceLine.dropFirst("set-cookie: bk_login=".count).prefix { $0 != ";" })
            let login = try await curl(["-H", "Cookie: bk_login=\(nonce)", "--data", "token=\(token)&login=\(nonce)", base + "/login"])
            let sessionLine = try #require(login.split(separator: "\r\n").first { $0.lowercased().hasPrefix("set-cookie: bk_session=") },
                                           "\(login)")
            #expect(sessionLine.contains("Secure") && sessionLine.contains("HttpOnly"))
            let session = Session(id: String(sessionLine.dropFirst("set-cookie: bk_session=".count).prefix { $0 != ";" }))
            try await client.execute(uri: "/dashboard/sites/canteen-01", method: .get, headers: session.headers) { response in
                #expect(response.status == .ok)
                #expect(response.headers[.strictTransportSecurity] == "max-age=31536000")
            }
            try await client.execute(uri: "/healthz", method: .get) {
                #expect($0.headers[.strictTransportSecurity] == "max-age=31536000")
            }
        }
    }
}
