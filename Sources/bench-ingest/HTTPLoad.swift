import Foundation
import LoopbackTools
import Synchronization

#if canImport(Glibc)
import Glibc
#endif

/// One keep-alive HTTP/1.1 connection to a loopback port, blocking: a load generator that costs
/// little CPU (URLSession on Linux goes through curl and a run loop, and would compete with the
/// gateway for the two cores more than the browsers it stands for).
final class LoopbackHTTP {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    let port: Int
    private var fd: Int32 = -1
    private var pending: [UInt8] = []
    /// The `Set-Cookie` values of the last answer (a dashboard login's session cookie).
    private(set) var lastCookies: [String] = []

    init(port: Int) { self.port = port }

    deinit { disconnect() }

    /// Sends one request and reads its whole answer; reconnects once if the connection was closed.
    func request(_ method: String, _ path: String, headers: [(String, String)] = [], body: [UInt8] = [])
        throws -> (status: Int, body: [UInt8])
    {
        do {
            return try exchange(method, path, headers: headers, body: body)
        } catch {
            disconnect()
            return try exchange(method, path, headers: headers, body: body)
        }
    }

    private func exchange(_ method: String, _ path: String, headers: [(String, String)], body: [UInt8])
        throws -> (status: Int, body: [UInt8])
    {
        if fd < 0 { try connect() }
        var head = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\n"
        for (name, value) in headers { head += "\(name): \(value)\r\n" }
        if !body.isEmpty || method == "POST" { head += "Content-Length: \(body.count)\r\n" }
        head += "\r\n"
        try send(Array(head.utf8) + body)
        let headerBytes = try readUntilBlankLine()
        let lines = String(decoding: headerBytes, as: UTF8.self).split(separator: "\r\n")
        guard let statusLine = lines.first, statusLine.hasPrefix("HTTP/1."),
              let status = Int(statusLine.split(separator: " ").dropFirst().first ?? "")
        else { throw Failure(description: "bad status line") }
        var length: Int?
        var chunked = false
        var close = false
        lastCookies = []
        for line in lines.dropFirst() {
            let parts = line.split(separator: ":", maxSplits: 1)
            guard parts.count == 2 else { continue }
            let name = parts[0].lowercased()
            if name == "set-cookie" {
                lastCookies.append(String(parts[1].trimmingCharacters(in: .whitespaces).split(separator: ";")[0]))
            }
            let value = parts[1].trimmingCharacters(in: .whitespaces).lowercased()
            if name == "content-length" { length = Int(value) }
            if name == "transfer-encoding" && value.contains("chunked") { chunked = true }
            if name == "connection" && value == "close" { close = true }
        }
        var answer: [UInt8] = []
        if chunked {
            while true {
                let sizeLine = String(decoding: try readLine(), as: UTF8.self)
                guard let size = Int(sizeLine.split(separator: ";").first ?? "", radix: 16) else {
                    throw Failure(description: "bad chunk size")
                }
                if size == 0 {
                    while !(try readLine()).isEmpty {}  // trailers
                    break
                }
                answer += try read(count: size)
                _ = try readLine()
            }
        } else if let length {
            answer = try read(count: length)
        } else if method != "HEAD" && status != 204 && status != 304 {
            close = true  // body until the peer closes: not used by the gateway; stop here
        }
        if close { disconnect() }
        return (status, answer)
    }

    private func connect() throws {
        let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socket >= 0 else { throw Failure(description: "socket: \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                Glibc.connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard result == 0 else {
            Glibc.close(socket)
            throw Failure(description: "connect: \(errno)")
        }
        var one: Int32 = 1
        setsockopt(socket, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        fd = socket
        pending = []
    }

    private func disconnect() {
        if fd >= 0 { Glibc.close(fd) }
        fd = -1
        pending = []
    }

    private func send(_ bytes: [UInt8]) throws {
        var sent = 0
        while sent < bytes.count {
            let n = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress! + sent, bytes.count - sent, Int32(MSG_NOSIGNAL)) }
            guard n > 0 else { throw Failure(description: "send: \(errno)") }
            sent += n
        }
    }

    private func fill() throws {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        let n = chunk.withUnsafeMutableBytes { Glibc.recv(fd, $0.baseAddress, $0.count, 0) }
        guard n > 0 else { throw Failure(description: n == 0 ? "closed" : "recv: \(errno)") }
        pending += chunk[0..<n]
    }

    private func readUntilBlankLine() throws -> [UInt8] {
        while true {
            if let end = find([13, 10, 13, 10]) {
                let head = Array(pending[0..<end])
                pending.removeFirst(end + 4)
                return head
            }
            try fill()
        }
    }

    private func readLine() throws -> [UInt8] {
        while true {
            if let end = find([13, 10]) {
                let line = Array(pending[0..<end])
                pending.removeFirst(end + 2)
                return line
            }
            try fill()
        }
    }

    private func read(count: Int) throws -> [UInt8] {
        while pending.count < count { try fill() }
        let bytes = Array(pending[0..<count])
        pending.removeFirst(count)
        return bytes
    }

    private func find(_ needle: [UInt8]) -> Int? {
        guard pending.count >= needle.count else { return nil }
        for i in 0...(pending.count - needle.count) where pending[i] == needle[0] {
            if Array(pending[i..<(i + needle.count)]) == needle { return i }
        }
        return nil
    }
}

/// What the dashboard's users do to a gateway while the alarm latency is measured: `viewers`
/// browsers refreshing once per `period` each, taking turns between the site list
/// (`/api/v1/sites` with a bearer token) and the overview page's live-refresh fragment (with the
/// session cookie), and `actionsPerSecond`
/// acknowledge / rectify calls on alarms the run raised for the purpose. Each on its own thread
/// with its own keep-alive connection, open loop (a slow answer does not slow the schedule).
final class HTTPLoad: Sendable {
    struct Figures {
        var count: Int
        var failures: Int
        var p50: Double
        var p99: Double
        var max: Double
    }

    let port: Int
    let token: String
    /// `bk_session=...` for the dashboard requests (empty when none is made).
    let session: String
    let viewers: Int
    let period: Duration
    let actionsPerSecond: Int
    let paths: [(path: String, cookie: Bool)]
    private let running = Atomic<Bool>(false)
    private let samples = Mutex<[String: [Double]]>([:])
    private let failures = Mutex<[String: Int]>([:])
    /// Alarm ids to act on: each is acknowledged, then rectified.
    private let alarms: Mutex<[String]>
    private let finished = DispatchGroup()

    init(port: Int, token: String, viewers: Int, period: Duration = .seconds(1), actionsPerSecond: Int,
         paths: [(path: String, cookie: Bool)] = [("/api/v1/sites", false), ("/dashboard", true)], alarms: [String]) throws {
        self.port = port
        self.token = token
        session = paths.contains { $0.cookie } ? try Self.dashboardSession(port: port, token: token) : ""
        self.viewers = viewers
        self.period = period
        self.actionsPerSecond = actionsPerSecond
        self.paths = paths
        self.alarms = Mutex(alarms)
    }

    /// The dashboard's session cookie, got the way a browser gets it: the login form's nonce
    /// (field and `bk_login` cookie), then the token posted with it.
    static func dashboardSession(port: Int, token: String) throws -> String {
        let http = LoopbackHTTP(port: port)
        let form = try http.request("GET", "/login")
        guard let nonceCookie = http.lastCookies.first(where: { $0.hasPrefix("bk_login=") }) else {
            throw LoopbackHTTP.Failure(description: "GET /login set no bk_login cookie (status \(form.status))")
        }
        let nonce = String(nonceCookie.dropFirst("bk_login=".count))
        let body = "login=\(nonce)&token=\(token)&next=%2Fdashboard"
        let answer = try http.request("POST", "/login", headers: [
            ("Cookie", nonceCookie), ("Content-Type", "application/x-www-form-urlencoded"),
        ], body: Array(body.utf8))
        guard let session = http.lastCookies.first(where: { $0.hasPrefix("bk_session=") && $0.count > "bk_session=".count })
        else { throw LoopbackHTTP.Failure(description: "POST /login answered \(answer.status) without a session") }
        return session
    }

    func start() {
        running.store(true, ordering: .relaxed)
        for viewer in 0..<viewers {
            // Staggered like independent browsers.
            let offset = period * (Double(viewer) / Double(max(1, viewers)))
            spawn { [self] in viewerLoop(offset: offset, first: viewer) }
        }
        if actionsPerSecond > 0 { spawn { [self] in actionLoop() } }
    }

    /// Stops the load and returns per-kind figures (latency in ms).
    func stop() -> [(String, Figures)] {
        running.store(false, ordering: .relaxed)
        finished.wait()
        let all = samples.withLock { $0 }
        let failed = failures.withLock { $0 }
        return Set(all.keys).union(failed.keys).sorted().map { kind in
            let sorted = (all[kind] ?? []).sorted()
            func p(_ q: Double) -> Double { sorted.isEmpty ? .nan : sorted[min(sorted.count - 1, Int(Double(sorted.count) * q))] }
            return (kind, Figures(count: sorted.count, failures: failed[kind] ?? 0, p50: p(0.5), p99: p(0.99),
                                  max: sorted.last ?? .nan))
        }
    }

    var requests: Int { samples.withLock { $0.values.reduce(0) { $0 + $1.count } } + failures.withLock { $0.values.reduce(0, +) } }

    private func spawn(_ body: @escaping @Sendable () -> Void) {
        finished.enter()
        let group = finished
        Thread {
            body()
            group.leave()
        }.start()
    }

    private func timed(_ kind: String, _ call: () throws -> (status: Int, body: [UInt8])) {
        let start = ContinuousClock.now
        let status = (try? call())?.status ?? 0
        let ms = seconds(start.duration(to: .now)) * 1_000
        // Only a 200 counts: a redirect to the login page is a failed refresh.
        if status == 200 {
            samples.withLock { $0[kind, default: []].append(ms) }
        } else {
            failures.withLock { $0[kind, default: 0] += 1 }
        }
    }

    private func viewerLoop(offset: Duration, first: Int) {
        let http = LoopbackHTTP(port: port)
        var next = ContinuousClock.now.advanced(by: offset)
        var turn = first
        while running.load(ordering: .relaxed) {
            Self.sleep(until: next)
            guard running.load(ordering: .relaxed) else { break }
            let (path, cookie) = paths[turn % paths.count]
            let headers = cookie ? [("Cookie", session), ("X-BK-Fragment", "1")]
                : [("Authorization", "Bearer \(token)")]
            timed("GET " + path) { try http.request("GET", path, headers: headers) }
            turn += 1
            next = next.advanced(by: period)
        }
    }

    private func actionLoop() {
        let http = LoopbackHTTP(port: port)
        let interval = Duration.seconds(1) / actionsPerSecond
        var next = ContinuousClock.now
        var step = 0
        while running.load(ordering: .relaxed) {
            Self.sleep(until: next)
            guard running.load(ordering: .relaxed) else { break }
            // ack a1, ack a2, rectify a1, rectify a2, ack a3, ...: each alarm is worked through in order.
            let pair = step / 4 * 2 + step % 2
            let action = step % 4 < 2 ? "ack" : "rectify"
            guard let id = alarms.withLock({ pair < $0.count ? $0[pair] : nil }) else { break }
            let body = action == "ack" ? #"{"by":"bench","note":"seen"}"# : #"{"by":"bench","action":"traps set"}"#
            timed("POST " + action) {
                try http.request("POST", "/api/v1/alarms/\(id)/\(action)",
                                 headers: [("Authorization", "Bearer \(token)"), ("Content-Type", "application/json")],
                                 body: Array(body.utf8))
            }
            step += 1
            next = next.advanced(by: interval)
        }
    }

    private static func sleep(until instant: ContinuousClock.Instant) {
        let wait = ContinuousClock.now.duration(to: instant)
        if wait > .zero { Thread.sleep(forTimeInterval: seconds(wait)) }
    }

    /// Prints one line per request kind.
    static func print(_ figures: [(String, Figures)], seconds elapsed: Double, cpuPerRequest: Double?) {
        for (kind, f) in figures {
            Swift.print(String(format: "  %-22@ %6.1f req/s  p50 %6.2f ms  p99 %7.2f ms  max %7.2f ms  failed %d",
                               kind as NSString, Double(f.count + f.failures) / elapsed, f.p50, f.p99, f.max, f.failures))
        }
        if let cpuPerRequest {
            Swift.print(String(format: "  gateway CPU per HTTP request (above the same load without HTTP): %.2f ms", cpuPerRequest * 1_000))
        }
    }
}
