import Foundation
import Gateway
import Hummingbird
import HummingbirdTesting
import KitchenModel
import KitchenRules
import Storage
import StorageModel
import Testing
@testable import WebAPI

/// Forged posts, oversized or disguised input, and failures that are not the API's own errors.
@Suite struct DashboardSafetyTests {
    typealias Session = DashboardPageTests.Session
    let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]

    @Test func aLoginPostWithoutTheFormsNonceIsRefused() async throws {
        let f = try WebFixture()
        let attacker = try f.store.createToken(role: .site, scope: "canteen-01", now: webT0).token
        try await f.test { client in
            let page = try await client.execute(uri: "/login", method: .get) { ($0.headers, String(buffer: $0.body)) }
            let nonce = try DashboardPageTests.loginNonce((.ok, page.0, page.1))
            for attribute in ["Path=/login", "HttpOnly", "SameSite=Strict"] { #expect(page.0[.setCookie]?.contains(attribute) == true) }
            // A hostile page's post: no cookie (SameSite=Strict) and a field it had to guess,
            // or a cookie of its own with another field.
            let forged: [(HTTPFields, String)] = [
                (form, "token=\(attacker)"),
                (form, "token=\(attacker)&login=\(nonce.value)"),
                (nonce.headers, "token=\(attacker)"),
                (nonce.headers, "token=\(attacker)&login=\(String(nonce.value.reversed()))"),
                ([.cookie: "bk_login=", .contentType: "application/x-www-form-urlencoded"], "token=\(attacker)&login="),
            ]
            for (headers, body) in forged {
                try await client.execute(uri: "/login", method: .post, headers: headers, body: ByteBuffer(string: body)) { response in
                    #expect(response.status == .forbidden, "\(body)")
                    // No session; a fresh form (new nonce) so a person can simply retry.
                    #expect(response.headers[.setCookie]?.hasPrefix("bk_login=") == true)
                    #expect(String(buffer: response.body).contains("登录表单已过期"))
                }
            }
            try await client.execute(uri: "/login", method: .post, headers: nonce.headers,
                                     body: ByteBuffer(string: "token=\(attacker)&login=\(nonce.value)")) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers[.setCookie]?.hasPrefix("bk_session=bks_") == true)
            }
        }
    }

    @Test func logoutNeedsTheSessionsFormToken() async throws {
        let f = try WebFixture()
        let session = try DashboardPageTests.login(f, .admin)
        let other = try DashboardPageTests.login(f, .admin)
        try await f.test { client in
            // Every signed-in page's logout form carries the token.
            let page = try await client.execute(uri: "/dashboard/sites/canteen-01", method: .get, headers: session.headers) {
                String(buffer: $0.body)
            }
            #expect(page.contains("action=\"/logout\"><input type=\"hidden\" name=\"csrf\" value=\"\(session.csrf)\">"))
            for body in ["", "csrf=\(other.csrf)"] {
                try await client.execute(uri: "/logout", method: .post, headers: session.headers,
                                         body: ByteBuffer(string: body)) { response in
                    #expect(response.status == .forbidden, "\(body)")
                    #expect(response.headers[.setCookie] == nil)
                }
            }
            try await client.execute(uri: "/logout", method: .post, headers: session.headers,
                                     body: ByteBuffer(string: "csrf=\(session.csrf)")) { response in
                #expect(response.status == .seeOther)
                #expect(response.headers[.setCookie]?.hasPrefix("bk_session=;") == true)
                #expect(response.headers[.setCookie]?.contains("Max-Age=0") == true)
            }
        }
    }

    @Test func notesAndActionsAreBoundedAndNamesLoseControlCharacters() async throws {
        let f = try WebFixture()
        let wuhan = try DashboardPageTests.login(f, .regulator, "4201")
        let api = try f.token(.regulator, "4201")
        try await Application(router: f.router()).test(.router) { client in
            let long = String(repeating: "长", count: 501)
            try await client.execute(uri: "/api/v1/alarms/al_v/ack", method: .post, headers: api,
                                     body: ByteBuffer(string: #"{"note":"\#(long)"}"#)) { response in
                #expect(response.status == .badRequest)
                #expect(String(buffer: response.body).contains("note is 501 characters; at most 500 are kept"))
            }
            let encoded = try #require(long.addingPercentEncoding(withAllowedCharacters: .alphanumerics))
            try await client.execute(uri: "/dashboard/alarms/al_v/rectify", method: .post, headers: wuhan.headers,
                                     body: ByteBuffer(string: "csrf=\(wuhan.csrf)&action=\(encoded)")) { response in
                #expect(response.status == .badRequest)
                #expect(String(buffer: response.body).contains("action is 501 characters"))
            }
            #expect(try f.store.alarm(id: "al_v")?.state == .raised)
            let exact = String(repeating: "长", count: 500)
            // A name that would fake another trail line is refused (it used to be cleaned silently).
            try await client.execute(uri: "/api/v1/alarms/al_v/ack", method: .post, headers: api,
                                     body: ByteBuffer(string: #"{"note":"\#(exact)","by":"李\nrectified by: boss\u202E"}"#)) { response in
                #expect(response.status == .badRequest)
                #expect(String(buffer: response.body).contains("by must not contain control"))
            }
            try await client.execute(uri: "/api/v1/alarms/al_v/ack", method: .post, headers: api,
                                     body: ByteBuffer(string: #"{"note":"\#(exact)","by":"李 rectified by: boss"}"#)) { response in
                #expect(response.status == .ok)
            }
            let trail = try f.store.transitions(ofAlarm: "al_v")
            #expect(trail.last?.actor?.hasPrefix("李 rectified by: boss (regulator:4201#") == true)
        }
        let admin = Principal(role: .admin, scope: nil, tokenID: 7)
        #expect(AlarmRoutes.actor(admin, named: "\u{0007}\t\r\n ") == "admin#7")
        #expect(AlarmRoutes.actor(admin, named: " 王\u{0000}五\u{200B} ") == "王五 (admin#7)")
    }

    @Test func anUnexpectedErrorIsAnHTMLPageWithTheSecurityHeaders() async throws {
        struct Broken: Error, CustomStringConvertible { var description: String { "SQLite error 11: database disk image is malformed" } }
        let router = Router(context: GatewayRequestContext.self)
        router.add(middleware: SecurityHeadersMiddleware())
        router.add(middleware: ErrorJSONMiddleware())
        router.group().add(middleware: PageErrorMiddleware()).get("/dashboard/broken") { _, _ -> Response in throw Broken() }
        try await Application(router: router).test(.router) { client in
            try await client.execute(uri: "/dashboard/broken?lang=en", method: .get) { response in
                #expect(response.status == .internalServerError)
                #expect(response.headers[.contentType] == "text/html; charset=utf-8")
                #expect(response.headers[.xFrameOptions] == "DENY")
                #expect(response.headers[.contentSecurityPolicy]?.contains("default-src 'none'") == true)
                let body = String(buffer: response.body)
                #expect(body.contains("<h1>Internal error</h1>"))
                // The detail is logged, not shown.
                #expect(!body.contains("malformed"))
            }
        }
    }
}
