import Foundation
import Gateway
import Hummingbird
import HummingbirdTesting
import KitchenModel
import Logging
import TestSupport
import Testing
@testable import WebAPI

/// The lookup fast path on a real server socket: a cached page is answered before the router
/// with the router's own bytes and headers, and everything it does not fully decide still
/// reaches the router, in order.
@Suite struct LookupFastPathTests {
    /// A live server (real NIO socket, the gateway's own pipeline) over the web fixture.
    private func serve(limit: RateLimit? = nil,
                       _ body: @Sendable (any TestClientProtocol, PublicLookup, WebFixture) async throws -> Void)
        async throws
    {
        let fixture = try WebFixture()
        var dependencies = fixture.dependencies
        dependencies.lookupRateLimit = limit
        let lookup = PublicLookup(dependencies)
        let app = try buildApplication(dependencies, lookup: lookup, host: "127.0.0.1", port: 0, services: [],
                                   logger: Logger(label: "test"))
        try await app.test(.live) { client in
            try await fixture.addBatches(client)
            try await body(client, lookup, fixture)
        }
    }

    private static func fast(_ lookup: PublicLookup) -> Int { lookup.fastAnswers.load(ordering: .relaxed) }

    @Test func aCachedPageIsAnsweredBeforeTheRouterWithTheRoutersBytesAndHeaders() async throws {
        try await serve { client, lookup, fixture in
            for language in ["zh-CN,zh;q=0.9", "en-GB,en;q=0.8"] {
                let headers: HTTPFields = [.acceptLanguage: language]
                let before = Self.fast(lookup)
                let first = try await client.execute(uri: "/t/\(fixture.ticketInScope)", method: .get, headers: headers)
                #expect(Self.fast(lookup) == before, "a first scan renders through the router")
                let second = try await client.execute(uri: "/t/\(fixture.ticketInScope)", method: .get, headers: headers)
                #expect(Self.fast(lookup) == before + 1, "the next scan of the same code is a cached answer")

                #expect(first.status == .ok && second.status == .ok)
                #expect(second.body == first.body)
                #expect(String(buffer: second.body).contains(language.hasPrefix("en") ? "Genuine" : "正品"))
                func comparable(_ fields: HTTPFields) -> [String] {
                    fields.filter { $0.name != .date }.map { "\($0.name.canonicalName): \($0.value)" }.sorted()
                }
                #expect(comparable(second.headers) == comparable(first.headers))
                #expect(second.headers[.date] != nil)
                #expect(second.headers[.contentSecurityPolicy]?.contains("frame-ancestors 'none'") == true)
            }
        }
    }

    @Test func aRecallIsOnTheVeryNextScan() async throws {
        try await serve { client, lookup, fixture in
            for _ in 0..<2 { _ = try await client.execute(uri: "/t/\(fixture.ticketInScope)", method: .get) }
            let cachedAnswers = Self.fast(lookup)
            try fixture.service.recall(BatchID("b-in")!, reason: "农药残留超标", actor: "inspector", at: webT0 + 60_000)
            let page = try await client.execute(uri: "/t/\(fixture.ticketInScope)", method: .get)
            #expect(Self.fast(lookup) == cachedAnswers, "a stale entry is not served")
            #expect(String(buffer: page.body).contains("农药残留超标"))
            _ = try await client.execute(uri: "/t/\(fixture.ticketInScope)", method: .get)
            #expect(Self.fast(lookup) == cachedAnswers + 1, "the recalled page is cached in turn")
        }
    }

    @Test func afterARestartTheBatchIsReadByTheRouterNotOnTheEventLoop() async throws {
        let fixture = try WebFixture()
        try await Application(router: buildRouter(fixture.dependencies)).test(.router) { try await fixture.addBatches($0) }
        // A restarted gateway: same database and keys, nothing in memory.
        var dependencies = fixture.dependencies
        dependencies.traceability = TraceabilityService(
            store: fixture.store, batches: BatchCache(store: fixture.store, logger: Logger(label: "test")),
            issuer: fixture.service.issuer)
        let lookup = PublicLookup(dependencies)
        let app = try buildApplication(dependencies, lookup: lookup, host: "127.0.0.1", port: 0, services: [],
                                   logger: Logger(label: "test"))
        try await app.test(.live) { client in
            var statuses: [HTTPResponse.Status] = []
            var fastAfterEach: [Int] = []
            for _ in 0..<3 {
                statuses.append(try await client.execute(uri: "/t/\(fixture.ticketInScope)", method: .get).status)
                fastAfterEach.append(Self.fast(lookup))
            }
            #expect(statuses == [.ok, .ok, .ok])
            // 1: rendered by the router, which reads the batch through the batch cache (the answer
            // is cached under the version it read); 2 and 3: everything in memory, answered on the
            // event loop.
            #expect(fastAfterEach == [0, 1, 2])
        }
    }

    @Test func whatItDoesNotDecideGoesToTheRouter() async throws {
        try await serve { client, lookup, fixture in
            let code = fixture.ticketInScope
            _ = try await client.execute(uri: "/t/\(code)", method: .get)
            let before = Self.fast(lookup)
            let head = try await client.execute(uri: "/t/\(code)", method: .head)
            #expect(head.status == .ok, "the router's answer: GET's status and headers, no body")
            #expect(head.body.readableBytes == 0)
            let query = try await client.execute(uri: "/t/\(code)?from=poster", method: .get)
            #expect(query.status == .ok)
            // A last character that differs from the genuine one (a fixed "A" left the code genuine 1 time in 32).
            let forgedLast = code.hasSuffix("A") ? "B" : "A"
            let forged = try await client.execute(uri: "/t/\(String(code.dropLast()))\(forgedLast)", method: .get)
            #expect(forged.status == .notFound)
            #expect(String(buffer: forged.body).contains("非正品溯源码"))
            let json = try await client.execute(uri: "/api/v1/tickets/\(code)", method: .get)
            #expect(json.status == .ok)
            #expect(Self.fast(lookup) == before)
        }
    }

    @Test func aRateLimitedClientGetsTheRoutersRefusal() async throws {
        try await serve(limit: RateLimit(burst: 3, perSecond: 0.001)) { client, lookup, fixture in
            // The batches went in through the API, outside the limited group: the bucket is full.
            let statuses = try await (0..<5).asyncMap { _ in
                try await client.execute(uri: "/t/\(fixture.ticketInScope)", method: .get).status
            }
            #expect(statuses == [.ok, .ok, .ok, .tooManyRequests, .tooManyRequests])
            #expect(Self.fast(lookup) == 2, "one token per answered scan, whichever path answered it")
        }
    }

    @Test func pipelinedRequestsAreAnsweredInOrder() async throws {
        try await serve { client, lookup, fixture in
            let port = try #require(client.port)
            let page = "GET /t/\(fixture.ticketInScope) HTTP/1.1\r\nHost: x\r\n\r\n"
            _ = try await RawHTTP.exchange(port: port, requests: [page], expecting: 1)
            let before = Self.fast(lookup)
            // The page could be answered at once, but the router still holds the request before it.
            let answers = try await RawHTTP.exchange(port: port, requests: [
                "GET /openapi.json HTTP/1.1\r\nHost: x\r\n\r\n", page, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n", page, page,
            ], expecting: 5)
            #expect(answers.map { $0.contentType.prefix(9) } == ["applicati", "text/html", "applicati", "text/html", "text/html"])
            #expect(answers.allSatisfy { $0.status == 200 })
            #expect(answers[0].body.contains("\"openapi\""))
            #expect(answers[2].body.contains("mqtt_connected"))
            // Pages first: answered here, then the router's answer follows them.
            let pagesFirst = try await RawHTTP.exchange(port: port, requests: [page, page, "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"],
                                                  expecting: 3)
            #expect(pagesFirst.map { $0.contentType.prefix(9) } == ["text/html", "text/html", "applicati"])
            #expect(Self.fast(lookup) - before == 2)
        }
    }

    @Test func connectionCloseIsTheRoutersToHonour() async throws {
        try await serve { client, lookup, fixture in
            let port = try #require(client.port)
            let page = "GET /t/\(fixture.ticketInScope) HTTP/1.1\r\nHost: x\r\n"
            _ = try await RawHTTP.exchange(port: port, requests: [page + "\r\n"], expecting: 1)
            let before = Self.fast(lookup)
            let answers = try await RawHTTP.exchange(port: port, requests: [page + "Connection: close\r\n\r\n"], expecting: 1,
                                               thenClosed: true)
            #expect(answers.first?.status == 200)
            #expect(Self.fast(lookup) == before)
        }
    }

    @Test func plainGetsAreAnsweredFromTheirBytesWithTheRoutersHeaders() async throws {
        try await serve { client, lookup, fixture in
            let port = try #require(client.port)
            let page = "GET /t/\(fixture.ticketInScope) HTTP/1.1\r\nHost: x\r\nAccept-Language: en-GB,en;q=0.8\r\n\r\n"
            // The first scan is rendered by the router: its answer is the reference.
            let rendered = try await RawHTTP.converse(port: port, [[page]])[0]
            #expect(Self.raw(lookup) == 0)
            let answers = try await RawHTTP.converse(port: port, [[page], [page], [page]])
            #expect(Self.raw(lookup) == 3, "each plain GET of the cached page answered before HTTP's decoder")
            for answer in answers {
                #expect(answer.status == 200)
                #expect(answer.body == rendered.body)
                #expect(answer.body.contains("Genuine"))
                #expect(answer.headers.sorted() == rendered.headers.sorted(), "the same headers, Date aside")
            }
        }
    }

    @Test func aRequestInPiecesGoesToTheDecoderAndTheConnectionStaysRight() async throws {
        try await serve { client, lookup, fixture in
            let port = try #require(client.port)
            let page = "GET /t/\(fixture.ticketInScope) HTTP/1.1\r\nHost: x\r\n\r\n"
            _ = try await RawHTTP.converse(port: port, [[page]])
            let (fastBefore, rawBefore) = (Self.fast(lookup), Self.raw(lookup))
            // Split inside a header line: the first read is no whole request, so it and all that
            // follows on this connection go through HTTP's decoder.
            let split = page.index(page.startIndex, offsetBy: 20)
            let answers = try await RawHTTP.converse(port: port, [
                [page], [String(page[..<split]), String(page[split...])], [page],
                ["GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"], [page],
            ])
            #expect(answers.map(\.status) == [200, 200, 200, 200, 200])
            #expect(answers[3].body.contains("mqtt_connected"))
            #expect([0, 1, 2, 4].allSatisfy { answers[$0].body == answers[0].body })
            #expect(Self.raw(lookup) - rawBefore == 1, "only the request before the split one was answered from bytes")
            #expect(Self.fast(lookup) - fastBefore == 4, "the rest of the pages from the parsed heads")
        }
    }

    @Test func unusualRequestsAreNeverAnsweredFromTheirBytes() async throws {
        try await serve { client, lookup, fixture in
            let port = try #require(client.port)
            let target = "/t/\(fixture.ticketInScope)"
            _ = try await RawHTTP.converse(port: port, [["GET \(target) HTTP/1.1\r\nHost: x\r\n\r\n"]])
            let unusual = [
                "GET \(target) HTTP/1.0\r\nHost: x\r\n\r\n",
                "GET \(target) HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                "GET \(target) HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n",
                "GET \(target)?from=poster HTTP/1.1\r\nHost: x\r\n\r\n",
            ]
            for request in unusual {
                let answer = try await RawHTTP.converse(port: port, [[request]])
                #expect(answer.first?.status == 200, "\(request.prefix(40)): the router's answer")
            }
            #expect(Self.raw(lookup) == 0)
        }
    }

    @Test func aStallScreenIsKeptTenSecondsAndAnsweredBeforeTheRouter() async throws {
        try await serve { client, lookup, fixture in
            let port = try #require(client.port)
            let screen = "GET /m/market-01/A12 HTTP/1.1\r\nHost: x\r\n\r\n"
            let rendered = try await RawHTTP.converse(port: port, [[screen]])[0]
            #expect(rendered.status == 200 && rendered.body.contains("青菜"))
            #expect(Self.fast(lookup) == 0, "a first load renders through the router")
            // A batch arriving now shows once the screen's entry has expired.
            let body = #"{"id":"b-new","item":"白菜","category":"蔬菜","quantity":20,"unit":"kg","supplier":{"name":"绿源","licence":"L-1"},"origin":{"place":"黄陂"},"arrival_date":"2026-11-22","stall":"A12","inspection":{"method":"voucher","passed":true,"voucher_number":"HG-002"}}"#
            let created = try await client.execute(uri: "/api/v1/sites/market-01/batches", method: .post,
                                                   headers: try fixture.token(.admin), body: ByteBuffer(string: body))
            #expect(created.status == .created)
            let cached = try await RawHTTP.converse(port: port, [[screen], [screen]])
            #expect(Self.raw(lookup) == 2)
            for answer in cached {
                #expect(answer.body == rendered.body && !answer.body.contains("白菜"))
                #expect(answer.headers.sorted() == rendered.headers.sorted())
            }
            #expect(rendered.headers.contains { $0.hasPrefix("content-security-policy:") && $0.contains("script-src 'self'") })
            fixture.clock.advance(byMillis: StallScreens.lifetime)
            let fresh = try await RawHTTP.converse(port: port, [[screen]])[0]
            #expect(Self.raw(lookup) == 2, "an expired screen is rendered again by the router")
            #expect(fresh.body.contains("白菜"))
            let feed = try await client.execute(uri: "/m/market-01/A12/feed.json", method: .get)
            #expect(String(buffer: feed.body).contains("白菜"), "the feed is the same read as the page")
        }
    }

    private static func raw(_ lookup: PublicLookup) -> Int { lookup.rawAnswers.load(ordering: .relaxed) }

    @Test func theDateHeaderIsAnIMFFixdate() {
        #expect(HTTPDate.format(784_111_777) == "Sun, 06 Nov 1994 08:49:37 GMT")
        #expect(HTTPDate.format(1_795_339_840) == "Sun, 22 Nov 2026 09:30:40 GMT")
    }
}

extension Range where Bound == Int {
    fileprivate func asyncMap<T>(_ transform: (Int) async throws -> T) async rethrows -> [T] {
        var out: [T] = []
        for i in self { out.append(try await transform(i)) }
        return out
    }
}

struct RawHTTPError: Error, CustomStringConvertible {
    var description: String
}

/// HTTP/1.1 over a plain socket, for what a client library hides: pipelining.
enum RawHTTP {
    struct Answer {
        var status: Int
        var contentType: String
        var body: String
        /// Every header but `date`, as `name: value` lines.
        var headers: [String] = []
    }

    /// One request at a time on one connection, each answer read before the next request is
    /// sent; a request given as several pieces is sent piece by piece, 50 ms apart, so the
    /// server reads them separately.
    static func converse(port: Int, _ requests: [[String]]) async throws -> [Answer] {
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                continuation.resume(with: Result {
                    guard let fd = loopbackSocket(port: port, timeoutSeconds: 10) else { throw POSIXError(.ECONNREFUSED) }
                    defer { close(fd) }
                    var buffer: [UInt8] = []
                    return try requests.map { pieces in
                        for (i, piece) in pieces.enumerated() {
                            if i > 0 { usleep(50_000) }
                            let bytes = Array(piece.utf8)
                            guard bytes.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, 0) }) == bytes.count else {
                                throw POSIXError(.EIO)
                            }
                        }
                        return try read(fd, buffer: &buffer)
                    }
                })
            }.start()
        }
    }

    private static func read(_ fd: Int32, buffer: inout [UInt8]) throws -> Answer {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            if let (answer, used) = parse(buffer) {
                buffer.removeFirst(used)
                return answer
            }
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { throw RawHTTPError(description: "recv \(n) errno \(errno)") }
            buffer += chunk[0..<n]
        }
    }

    /// Writes all requests at once on one connection and reads `expecting` responses; with
    /// `thenClosed`, also requires the server to close the connection after them. The blocking
    /// socket runs on a thread of its own: on the concurrency pool it would starve the server.
    static func exchange(port: Int, requests: [String], expecting: Int, thenClosed: Bool = false) async throws
        -> [Answer]
    {
        try await withCheckedThrowingContinuation { continuation in
            Thread {
                continuation.resume(with: Result {
                    try blockingExchange(port: port, requests: requests, expecting: expecting, thenClosed: thenClosed)
                })
            }.start()
        }
    }

    private static func blockingExchange(port: Int, requests: [String], expecting: Int, thenClosed: Bool) throws
        -> [Answer]
    {
        guard let fd = loopbackSocket(port: port, timeoutSeconds: 10) else { throw POSIXError(.ECONNREFUSED) }
        defer { close(fd) }
        let bytes = Array(requests.joined().utf8)
        guard bytes.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, 0) }) == bytes.count else { throw POSIXError(.EIO) }

        var buffer: [UInt8] = []
        var answers: [Answer] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while answers.count < expecting {
            if let (answer, used) = parse(buffer) {
                answers.append(answer)
                buffer.removeFirst(used)
                continue
            }
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard n > 0 else {
                throw RawHTTPError(description: "after \(answers.count) of \(expecting) answers, recv \(n) errno \(errno), "
                    + "unparsed: \(String(decoding: buffer.prefix(300), as: UTF8.self))")
            }
            buffer += chunk[0..<n]
        }
        if thenClosed {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard n == 0 else { throw POSIXError(.EISCONN) }
        }
        return answers
    }

    /// One complete response at the start of `bytes` (Content-Length framing), with its size.
    private static func parse(_ bytes: [UInt8]) -> (Answer, Int)? {
        let separator = Array("\r\n\r\n".utf8)
        guard let end = (0..<max(0, bytes.count - 3)).first(where: { Array(bytes[$0..<$0 + 4]) == separator }) else {
            return nil
        }
        let head = String(decoding: bytes[..<end], as: UTF8.self).components(separatedBy: "\r\n")
        var fields: [String: String] = [:]
        var lines: [String] = []
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].lowercased()
            fields[name] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if name != "date" { lines.append("\(name): \(fields[name]!)") }
        }
        let length = Int(fields["content-length"] ?? "0") ?? 0
        guard bytes.count >= end + 4 + length else { return nil }
        let status = Int(head[0].split(separator: " ")[1]) ?? 0
        let body = String(decoding: bytes[(end + 4)..<(end + 4 + length)], as: UTF8.self)
        return (Answer(status: status, contentType: fields["content-type"] ?? "", body: body, headers: lines), end + 4 + length)
    }
}
