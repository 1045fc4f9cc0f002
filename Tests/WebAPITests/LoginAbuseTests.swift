import Foundation
import Gateway
import Hummingbird
import HummingbirdTesting
import KitchenModel
import Logging
import Storage
import StorageModel
import Synchronization
import TestSupport
import Testing
@testable import WebAPI

/// Log lines at `error` or worse, kept in memory.
final class ErrorLines: Sendable {
    let lines = Mutex<[String]>([])
    var all: [String] { lines.withLock { $0 } }

    var logger: Logger {
        Logger(label: "test") { _ in Handler(sink: self) }
    }

    struct Handler: LogHandler {
        let sink: ErrorLines
        var metadata: Logger.Metadata = [:]
        var logLevel: Logger.Level = .trace

        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }

        func log(level: Logger.Level, message: Logger.Message, metadata: Logger.Metadata?, source: String,
                 file: String, function: String, line: UInt) {
            guard level >= .error else { return }
            sink.lines.withLock { $0.append("\(level) \(message) \(metadata ?? [:])") }
        }
    }
}

/// The login form and bearer tokens against someone guessing or sending junk: oversized and
/// malformed posts are quiet client errors, failures are limited per address, and the login
/// nonce is signed.
@Suite struct LoginAbuseTests {
    let form: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]

    /// A login form's nonce from a real `GET /login`.
    private func nonce(_ client: some TestClientProtocol) async throws -> DashboardPageTests.Nonce {
        let page = try await client.execute(uri: "/login", method: .get) { ($0.status, $0.headers, String(buffer: $0.body)) }
        return try DashboardPageTests.loginNonce(page)
    }

    @Test func oversizedAndMalformedLoginPostsAre413And400WithoutAnErrorLog() async throws {
        let f = try WebFixture()
        let errors = ErrorLines()
        try await Application(router: f.router(), logger: errors.logger).test(.router) { client in
            let nonce = try await nonce(client)
            let huge = "token=" + String(repeating: "A", count: 64 * 1024) + "&login=\(nonce.value)"
            try await client.execute(uri: "/login", method: .post, headers: nonce.headers, body: ByteBuffer(string: huge)) {
                #expect($0.status == .contentTooLarge)
                #expect($0.headers[.contentType]?.hasPrefix("text/html") == true)
            }
            for body in ["token[a][b]=x&login=\(nonce.value)", "token=1&token[x]=2", "login[]=\(nonce.value)", "token=%ZZ&login=%", "=&&=="] {
                try await client.execute(uri: "/login", method: .post, headers: nonce.headers, body: ByteBuffer(string: body)) {
                    #expect($0.status == .badRequest, "\(body)")
                }
            }
            // Logout reads the same kind of form.
            try await client.execute(uri: "/logout", method: .post, headers: form,
                                     body: ByteBuffer(string: String(repeating: "csrf=x&", count: 5000))) {
                #expect($0.status == .contentTooLarge)
            }
        }
        #expect(errors.all.isEmpty, "\(errors.all)")
    }

    @Test func wrongLoginsAreLimitedPerAddressWith429AndRetryAfter() async throws {
        let f = try WebFixture()
        var dependencies = f.dependencies
        dependencies.authFailureLimit = RateLimit(burst: 3, perSecond: 0.001)
        let token = try f.store.createToken(role: .admin, scope: nil, now: webT0).token
        try await Application(router: buildRouter(dependencies)).test(.router) { client in
            let nonce = try await nonce(client)
            for _ in 0..<3 {
                try await client.execute(uri: "/login", method: .post, headers: nonce.headers,
                                         body: ByteBuffer(string: "token=bk_guess&login=\(nonce.value)")) {
                    #expect($0.status == .unauthorized)
                }
            }
            // Past the limit even the right token is refused, before it is looked at: a guesser
            // learns nothing from the answer.
            try await client.execute(uri: "/login", method: .post, headers: nonce.headers,
                                     body: ByteBuffer(string: "token=\(token)&login=\(nonce.value)")) { response in
                #expect(response.status == .tooManyRequests)
                #expect(Int(response.headers[.retryAfter] ?? "") ?? 0 >= 1)
                #expect(response.headers[.setCookie] == nil)
            }
            // The API's bearer tokens share the budget.
            try await client.execute(uri: "/api/v1/sites", method: .get, headers: [.authorization: "Bearer \(token)"]) { response in
                #expect(response.status == .tooManyRequests)
                #expect(String(buffer: response.body).contains(#""error":"rate_limited""#))
            }
        }
    }

    @Test func unknownBearerTokensAreLimitedTooAndOtherAddressesAreNot() async throws {
        let f = try WebFixture()
        var dependencies = f.dependencies
        dependencies.authFailureLimit = RateLimit(burst: 3, perSecond: 0.001)
        // Behind a trusted proxy (this test's loopback client), so X-Forwarded-For names the client.
        dependencies.trustedProxies = try TrustedProxies(["127.0.0.1"])
        let token = try f.store.createToken(role: .admin, scope: nil, now: webT0).token
        let app = try buildApplication(dependencies, lookup: PublicLookup(dependencies), host: "127.0.0.1", port: 0,
                                       services: [], logger: Logger(label: "test"))
        try await app.test(.live) { client in
            func get(_ bearer: String, from address: String) async throws -> HTTPResponse.Status {
                try await client.execute(uri: "/api/v1/sites", method: .get,
                                         headers: [.authorization: "Bearer \(bearer)", .xForwardedFor: "203.0.113.9, \(address)"]) {
                    $0.status
                }
            }
            var seen: [HTTPResponse.Status] = []
            for _ in 0..<4 { seen.append(try await get("bk_guess", from: "192.0.2.1")) }
            seen.append(try await get(token, from: "192.0.2.1"))
            #expect(seen == [.unauthorized, .unauthorized, .unauthorized, .tooManyRequests, .tooManyRequests])
            // Another client behind the same proxy is served as before.
            let other = [try await get(token, from: "192.0.2.2"), try await get("bk_guess", from: "192.0.2.2")]
            #expect(other == [.ok, .unauthorized])
        }
    }

    @Test func theLoginNonceMustBeSignedByThisGatewayAndFresh() async throws {
        let f = try WebFixture()
        let clock = ManualClock(webT0)
        struct Clock: WallClock {
            let manual: ManualClock
            func now() -> EpochMillis { manual.now() }
        }
        var dependencies = f.dependencies
        dependencies.clock = Clock(manual: clock)
        let token = try f.store.createToken(role: .admin, scope: nil, now: webT0).token
        try await Application(router: buildRouter(dependencies)).test(.router) { client in
            let issued = try await nonce(client)
            let parts = issued.value.split(separator: ".").map(String.init)
            #expect(parts.count == 3)
            // A value of the right shape the gateway did not sign, set as cookie and field alike
            // (as a cookie-planting attacker could): refused. So is the old unsigned form.
            let forged = [parts[0], parts[1], String(repeating: "0", count: 32)].joined(separator: ".")
            let later = [String(Int(parts[0])! + 3600), parts[1], parts[2]].joined(separator: ".")
            for value in [forged, later, parts[1]] {
                let planted = DashboardPageTests.Nonce(value: value)
                try await client.execute(uri: "/login", method: .post, headers: planted.headers,
                                         body: ByteBuffer(string: "token=\(token)&login=\(value)")) {
                    #expect($0.status == .forbidden, "\(value)")
                }
            }
            try await client.execute(uri: "/login", method: .post, headers: issued.headers,
                                     body: ByteBuffer(string: "token=\(token)&login=\(issued.value)")) {
                #expect($0.status == .seeOther)
            }
            // Past its 15 minutes the gateway's own nonce is refused too.
            clock.advance(byMillis: Int64(LoginNonce.maxAgeSeconds) * 1000 + 1000)
            try await client.execute(uri: "/login", method: .post, headers: issued.headers,
                                     body: ByteBuffer(string: "token=\(token)&login=\(issued.value)")) {
                #expect($0.status == .forbidden)
                #expect(String(buffer: $0.body).contains("登录表单已过期"))
            }
        }
    }
}
