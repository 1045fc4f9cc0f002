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

/// Rate limits on the public lookup, request size limits and security headers, over the real router.
@Suite struct HTTPHardeningTests {
    private struct Fixture {
        let dir = TemporaryDirectory("bk-http-hardening")
        let store: Store
        let dependencies: APIDependencies

        init(lookupLimit: RateLimit = .publicLookup) throws {
            store = try Store(path: dir.file("bk.sqlite"))
            let registry = try RegistryFile.parse(yaml: """
                sites:
                  - {id: market-01, name: Market, kind: market, region: "420111"}
                """)
            let now = SystemClock().now()
            var dependencies = try APIDependencies.gateway(
                model: StateModel(registry: registry, restoring: [], startedAt: now), store: store, clock: SystemClock())
            dependencies.lookupRateLimit = lookupLimit
            self.dependencies = dependencies
        }

        func test(_ body: @Sendable (any TestClientProtocol) async throws -> Void) async throws {
            try await Application(router: buildRouter(dependencies)).test(.router, body)
        }
    }

    @Test func publicLookupIsThrottledWith429AndRetryAfterWhileOtherRoutesAreNot() async throws {
        // No refill worth speaking of during the test: exactly `burst` lookups pass.
        let fixture = try Fixture(lookupLimit: RateLimit(burst: 3, perSecond: 0.001))
        try await fixture.test { client in
            for _ in 0..<3 {
                try await client.execute(uri: "/api/v1/tickets/NOTACODE", method: .get) { #expect($0.status == .notFound) }
            }
            try await client.execute(uri: "/api/v1/tickets/NOTACODE", method: .get) { response in
                #expect(response.status == .tooManyRequests)
                #expect(Int(response.headers[.retryAfter] ?? "") ?? 0 >= 1)
                #expect(response.headers[.contentType]?.hasPrefix("application/json") == true)
                let body = String(buffer: response.body)
                #expect(body.contains(#""error":"rate_limited""#), "\(body)")
            }
            // The consumer page shares the client's bucket and says so in HTML.
            try await client.execute(uri: "/t/NOTACODE", method: .get) { response in
                #expect(response.status == .tooManyRequests)
                #expect(response.headers[.contentType]?.hasPrefix("text/html") == true)
                #expect(String(buffer: response.body).contains("Too many requests"))
            }
            try await client.execute(uri: "/01/09506000134352/10/L1", method: .get) { #expect($0.status == .tooManyRequests) }
            // Operations routes are outside the limited group.
            try await client.execute(uri: "/healthz", method: .get) { #expect($0.status == .ok) }
        }
    }

    @Test func bucketsAreKeptPerClientRefillAndStayBounded() {
        let limiter = ClientRateLimiter(limit: RateLimit(burst: 2, perSecond: 1), maxClients: 100)
        let start = ContinuousClock.now
        #expect(limiter.take(client: "10.0.0.1", now: start) == .allowed)
        #expect(limiter.take(client: "10.0.0.1", now: start) == .allowed)
        #expect(limiter.take(client: "10.0.0.1", now: start) == .limited(retryAfterSeconds: 1))
        #expect(limiter.take(client: "10.0.0.2", now: start) == .allowed, "another address has its own bucket")
        #expect(limiter.take(client: "10.0.0.1", now: start + .milliseconds(1100)) == .allowed, "one token a second")
        #expect(limiter.take(client: "10.0.0.1", now: start + .milliseconds(1100)) == .limited(retryAfterSeconds: 1))
        for index in 0..<1000 { _ = limiter.take(client: "192.0.2.\(index)", now: start) }
        #expect(limiter.trackedClients <= 100)
    }

    @Test func aCrowdOfActiveAddressesDoesNotMakeEveryRequestScanTheTable() {
        let limiter = ClientRateLimiter(limit: RateLimit(burst: 5, perSecond: 0.001), maxClients: 1_000)
        let start = ContinuousClock.now
        // Every address stays active (its bucket below full), so none can be forgotten for free.
        for index in 0..<10_000 { _ = limiter.take(client: "2001:db8::\(index)", now: start) }
        #expect(limiter.trackedClients <= 1_000)
        // Room for a tenth is made at once: about 9,000 / 100 scans, not one per new address.
        #expect(limiter.evictions <= 100, "\(limiter.evictions) scans")
        // A client still in the table keeps its bucket.
        #expect(limiter.take(client: "2001:db8::9999", now: start) == .allowed)
    }

    @Test func pagesAndErrorsCarrySecurityHeaders() async throws {
        let fixture = try Fixture()
        try await fixture.test { client in
            try await client.execute(uri: "/t/NOTACODE", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(response.headers[.xContentTypeOptions] == "nosniff")
                #expect(response.headers[.referrerPolicy] == "no-referrer")
                #expect(response.headers[.xFrameOptions] == "DENY")
                let policy = response.headers[.contentSecurityPolicy] ?? ""
                #expect(policy.hasPrefix("default-src 'none'"), "the page's own policy is kept: \(policy)")
                #expect(policy.hasSuffix("frame-ancestors 'none'"))
            }
            // Thrown errors (an unknown route) get them too.
            try await client.execute(uri: "/no/such/route", method: .get) { response in
                #expect(response.status == .notFound)
                #expect(response.headers[.xContentTypeOptions] == "nosniff")
                #expect(response.headers[.xFrameOptions] == "DENY")
                #expect(response.headers[.contentSecurityPolicy] == nil, "JSON needs no page policy")
            }
        }
    }

    @Test func oversizedRequestBodyIsRefusedWith413() async throws {
        let fixture = try Fixture()
        let (token, _) = try fixture.store.createToken(role: .admin, scope: nil, now: SystemClock().now())
        let huge = #"{"id":"b-1","item":""# + String(repeating: "x", count: 300 * 1024) + #""}"#
        try await fixture.test { client in
            try await client.execute(uri: "/api/v1/sites/market-01/batches", method: .post,
                                     headers: [.authorization: "Bearer \(token)", .contentType: "application/json"],
                                     body: ByteBuffer(string: huge)) { response in
                #expect(response.status == .contentTooLarge)
            }
        }
    }
}
