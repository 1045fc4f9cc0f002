import Foundation
import Gateway
import KitchenModel
import Logging
import MQTTClient
import Storage
import StorageModel
import Synchronization
import LoopbackTools

/// Issue 4's benchmark against the real `brightkitchen serve` process: weigh → ticket round trip
/// over MQTT (p50/p99, one scale waiting for each reply), sustained tickets/s (many scales, each
/// keeping a window of weighings in flight), and the consumer lookup under `wrk` beside nginx
/// serving the same page as a static file, in the same run.
struct TicketBench {
    let roundTrips: Int
    let scales: Int
    let throughputSeconds: Int
    let binary: String
    let logger: Logger
    /// Issue 15: the store the gateway runs on (`--store`).
    var storeKind: BenchStoreKind = .sqlite
    var postgres: BenchPostgres?
    /// `--skip-lookup`: no wrk / nginx comparison.
    var skipLookup = false

    func run() async throws {
        let workspace = try BenchWorkspace(label: "bk-ticket", logger: logger)
        defer { workspace.close() }
        let dir = workspace.directory
        var yaml = "sites:\n  - {id: market-01, name: 洪山区珞狮路农贸市场, kind: market, region: \"420111\", "
            + "licence: JY14201110012345, stalls: [{id: A12, vendor: 王建国}]}\ndevices:\n"
        for s in 0..<scales { yaml += "  - {id: scale-\(s), site: market-01, kind: scale, stall: A12}\n" }
        try yaml.write(toFile: dir + "/registry.yaml", atomically: true, encoding: .utf8)
        // The batch is recorded before the gateway starts: its cache reads it on the first weighing.
        let database = try BenchDatabase.make(storeKind, directory: dir, postgres: postgres)
        let store = try database.open()
        defer { try? store.closeCleanly() }
        let now = SystemClock().now()
        try store.createBatch(Batch(
            id: BatchID("b-1")!, site: SiteID("market-01")!, item: "青菜", category: "蔬菜", quantity: 1_000, unit: "kg",
            supplier: Supplier(name: "武汉绿源蔬菜合作社", licence: "91420100MA4K0XXXX1"),
            origin: Origin(place: "湖北省武汉市蔡甸区", producer: "绿源蔬菜基地"), arrivalDate: "2026-11-22",
            inspection: Inspection(method: .rapidTest, passed: true, items: ["农药残留"], tester: "张检", at: now),
            createdAt: now, updatedAt: now), actor: "bench")
        let httpPort = freePort()
        // wrk is one client hammering one code: the per-address limit would answer it with 429s.
        let gateway = try await GatewayProcess.start(binary: binary, workspace: workspace, logger: logger,
                                                     httpPort: httpPort, database: database,
                                                     extraArguments: ["--lookup-rate-limit", "off"])
        defer { gateway.stop() }

        print("\n## Weigh → ticket over MQTT (real gateway process on \(storeKind), \(scales) scales registered)")
        let clients = try (0..<scales).map { s in try ScaleClient(scale: s, brokerPort: workspace.broker.port, logger: logger) }
        defer { clients.forEach { $0.stop() } }
        for client in clients { try await client.ready() }

        // Round trip: one weighing at a time.
        var samples: [Double] = []
        for i in 0..<roundTrips {
            let started = ContinuousClock.now
            try await clients[0].weigh(req: "rt-\(i)", waitForReply: true)
            samples.append(seconds(started.duration(to: .now)) * 1000)
        }
        samples.sort()
        func pct(_ p: Double) -> Double { samples[min(samples.count - 1, Int(Double(samples.count) * p))] }
        print(String(format: "round trip (%d sequential weighings)  p50 %.2f ms  p99 %.2f ms  max %.2f ms  (target p99 <= 10 ms)",
                     roundTrips, pct(0.5), pct(0.99), samples.last ?? .nan))

        // Throughput: every scale keeps up to `window` weighings in flight.
        let window = 64
        let stopAt = ContinuousClock.now.advanced(by: .seconds(throughputSeconds))
        let before = clients.reduce(0) { $0 + $1.replies }
        let started = ContinuousClock.now
        await withTaskGroup(of: Void.self) { group in
            for client in clients {
                group.addTask {
                    var n = 0
                    while ContinuousClock.now < stopAt {
                        // Suspends (no polling) until a reply frees a slot in the window.
                        await client.slot(window: window)
                        n += 1
                        try? await client.weigh(req: "tp-\(n)", waitForReply: false)
                    }
                }
            }
        }
        // Replies still in flight at the deadline count once they arrive.
        let drainUntil = ContinuousClock.now.advanced(by: .seconds(10))
        while clients.contains(where: { $0.inFlight > 0 }) && ContinuousClock.now < drainUntil {
            try await Task.sleep(for: .milliseconds(20))
        }
        let elapsed = seconds(started.duration(to: .now))
        let replies = clients.reduce(0) { $0 + $1.replies } - before
        let refused = clients.reduce(0) { $0 + $1.refused }
        let stored = try store.tickets(batch: BatchID("b-1")!, limit: 10_000_000).count
        print(String(format: "sustained: %d tickets in %.1f s = %.0f tickets/s  (%d scales, window %d; target >= 5000/s)",
                     replies, elapsed, Double(replies) / elapsed, scales, window))
        print("tickets stored \(stored), replies refused \(refused), replies \(before + replies)")

        // Lookup under load, beside nginx serving the same page as a static file.
        if skipLookup { return }
        let code = try require(clients[0].lastCode, "no ticket code")
        try await lookup(code: code, httpPort: httpPort, gatewayPID: gateway.process.processIdentifier, dir: dir)
    }

    func lookup(code: String, httpPort: Int, gatewayPID: Int32, dir: String) async throws {
        print("\n## Consumer lookup under load (wrk, 10 s, 2 threads, 32 connections)")
        try await compare(path: "/t/\(code)", label: "/t/{code}", httpPort: httpPort, gatewayPID: gatewayPID, dir: dir)
        // Issue 19: the open-kitchen page a door poster's QR opens, the same way.
        print("\n## Open-kitchen page under load (wrk, 10 s, 2 threads, 32 connections)")
        try await compare(path: "/k/market-01", label: "/k/{site}", httpPort: httpPort, gatewayPID: gatewayPID, dir: dir)
        // A stall's screen (一户一屏), as a market's screens load it.
        print("\n## Stall screen under load (wrk, 10 s, 2 threads, 32 connections)")
        try await compare(path: "/m/market-01/A12", label: "/m/{market}/{stall}", httpPort: httpPort, gatewayPID: gatewayPID,
                          dir: dir)
    }

    /// `path` on the gateway under wrk, then the same page as a static file on nginx.
    func compare(path: String, label: String, httpPort: Int, gatewayPID: Int32, dir: String) async throws {
        guard let wrk = which("wrk") else { print("wrk is not installed (apt-get install wrk): skipped"); return }
        let url = "http://127.0.0.1:\(httpPort)\(path)"
        let file = URL(fileURLWithPath: dir + "/www" + path)
        try FileManager.default.createDirectory(at: file.deletingLastPathComponent(), withIntermediateDirectories: true)
        try download(url, to: file)
        let gatewayFigures = try runWrk(wrk, url: url, serverPIDs: [gatewayPID])
        print("gateway \(label): " + String(format: "%8.0f req/s  p50 %.2f ms  p99 %.2f ms", gatewayFigures.rate,
                     gatewayFigures.p50, gatewayFigures.p99) + gatewayFigures.cost)
        guard let nginx = ["/usr/sbin/nginx", "/usr/local/sbin/nginx"].first(where: FileManager.default.isExecutableFile)
        else { print("nginx is not installed (apt-get install nginx-light): comparison skipped"); return }
        let nginxPort = freePort()
        let conf = """
            daemon off; worker_processes 2; pid \(dir)/nginx.pid; error_log \(dir)/nginx-error.log;
            events { worker_connections 1024; }
            http { access_log off; default_type text/html; client_body_temp_path \(dir)/nginx-tmp;
              proxy_temp_path \(dir)/nginx-tmp; fastcgi_temp_path \(dir)/nginx-tmp; uwsgi_temp_path \(dir)/nginx-tmp;
              scgi_temp_path \(dir)/nginx-tmp;
              server { listen 127.0.0.1:\(nginxPort); root \(dir)/www; } }
            """
        try conf.write(toFile: dir + "/nginx.conf", atomically: true, encoding: .utf8)
        let server = Process()
        server.executableURL = URL(fileURLWithPath: nginx)
        server.arguments = ["-c", dir + "/nginx.conf", "-e", dir + "/nginx-error.log"]
        try server.run()
        defer { server.terminate(); server.waitUntilExit() }
        try await Task.sleep(for: .milliseconds(500))
        let nginxFigures = try runWrk(wrk, url: "http://127.0.0.1:\(nginxPort)\(path)",
                                      serverPIDs: Self.processGroup(of: server.processIdentifier))
        print(String(format: "nginx, same page (static): %8.0f req/s  p50 %.2f ms  p99 %.2f ms", nginxFigures.rate,
                     nginxFigures.p50, nginxFigures.p99) + nginxFigures.cost)
        print(String(format: "gateway / nginx = %.2f  (target >= 0.5, gateway p99 <= 5 ms)", gatewayFigures.rate / nginxFigures.rate))
        if let g = gatewayFigures.cpuPerRequest, let n = nginxFigures.cpuPerRequest {
            // CPU per request does not move with the machine's other load the way req/s does.
            print(String(format: "server CPU per request, nginx / gateway = %.2f", n / g))
        }
    }

    /// The page as the gateway serves it, saved for nginx. With curl: Foundation on Linux no longer
    /// reads `http:` URLs (`Data(contentsOf:)` throws "The specified URL type isn't supported").
    func download(_ url: String, to file: URL) throws {
        let curl = Process()
        curl.executableURL = URL(fileURLWithPath: try require(which("curl"), "curl is not installed"))
        curl.arguments = ["-sf", "-o", file.path, url]
        try curl.run()
        curl.waitUntilExit()
        guard curl.terminationStatus == 0 else { throw BenchFailure("curl \(url): exit status \(curl.terminationStatus)") }
    }

    struct WrkFigures {
        var rate: Double
        var p50: Double
        var p99: Double
        /// Server CPU seconds (user + system) per request.
        var cpuPerRequest: Double?
        /// Server thread context switches per request: thread hand-offs cost wake-ups.
        var switchesPerRequest: Double?

        var cost: String {
            guard let cpu = cpuPerRequest, let switches = switchesPerRequest else { return "" }
            return String(format: "  server CPU %.1f µs, %.2f context switches per request", cpu * 1e6, switches)
        }
    }

    /// Runs wrk against `url` while counting the server processes' CPU time: CPU per request
    /// moves far less with the machine's other load than req/s does.
    func runWrk(_ wrk: String, url: String, serverPIDs: [Int32]) throws -> WrkFigures {
        let cpuBefore = serverPIDs.map(Self.cpuSeconds).reduce(0, +)
        let switchesBefore = serverPIDs.map(Self.contextSwitches).reduce(0, +)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: wrk)
        process.arguments = ["-t2", "-c32", "-d10s", "--latency", url]
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        let cpu = serverPIDs.map(Self.cpuSeconds).reduce(0, +) - cpuBefore
        let switches = serverPIDs.map(Self.contextSwitches).reduce(0, +) - switchesBefore
        func value(after label: String) -> String? {
            output.split(separator: "\n").first { $0.trimmingCharacters(in: .whitespaces).hasPrefix(label) }?
                .split(separator: " ", omittingEmptySubsequences: true).dropFirst(label.split(separator: " ").count).first
                .map(String.init)
        }
        func millis(_ text: String?) -> Double {
            guard let text else { return .nan }
            if text.hasSuffix("us") { return (Double(text.dropLast(2)) ?? .nan) / 1000 }
            if text.hasSuffix("ms") { return Double(text.dropLast(2)) ?? .nan }
            if text.hasSuffix("s") { return (Double(text.dropLast(1)) ?? .nan) * 1000 }
            return .nan
        }
        if output.contains("Non-2xx") {
            throw BenchFailure("wrk saw answers other than 200 (rate limited? not found?):\n\(output)")
        }
        // "  431234 requests in 10.00s, ..."
        let requests = output.split(separator: "\n").first { $0.contains(" requests in ") }?
            .split(separator: " ").first.flatMap { Double($0) }
        return WrkFigures(rate: Double(value(after: "Requests/sec:") ?? "") ?? .nan,
                          p50: millis(value(after: "50%")), p99: millis(value(after: "99%")),
                          cpuPerRequest: requests.map { cpu / $0 }, switchesPerRequest: requests.map { Double(switches) / $0 })
    }

    /// utime + stime of a process from /proc, in seconds.
    static func cpuSeconds(_ pid: Int32) -> Double {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")") else { return 0 }
        // Fields after the command name: state is field 3, utime 14, stime 15.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return 0 }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// Voluntary + involuntary context switches of all of a process's threads.
    static func contextSwitches(_ pid: Int32) -> Int {
        let tasks = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/task")) ?? []
        var total = 0
        for task in tasks {
            let status = (try? String(contentsOfFile: "/proc/\(pid)/task/\(task)/status", encoding: .utf8)) ?? ""
            // "voluntary_ctxt_switches:\t12" and "nonvoluntary_ctxt_switches:\t3"
            for line in status.split(separator: "\n") where line.contains("ctxt_switches:") {
                total += line.split(separator: "\t").last.flatMap { Int($0) } ?? 0
            }
        }
        return total
    }

    /// A process and its children (nginx's workers).
    static func processGroup(of pid: Int32) -> [Int32] {
        let children = (try? String(contentsOfFile: "/proc/\(pid)/task/\(pid)/children", encoding: .utf8)) ?? ""
        return [pid] + children.split(separator: " ").compactMap { Int32($0) }
    }

    func which(_ tool: String) -> String? {
        ["/usr/bin/\(tool)", "/usr/local/bin/\(tool)"].first(where: FileManager.default.isExecutableFile)
    }
}

/// One scale: publishes `weigh`, counts `ticket` replies and keeps the last code.
final class ScaleClient: @unchecked Sendable {
    // @unchecked: the mutable counters live in `state`, a Mutex.
    let client: MQTTClient
    let scale: Int
    private let state = Mutex(State())
    private let seq = Mutex<Int64>(0)

    struct State {
        var inFlight = 0
        var replies = 0
        var refused = 0
        var lastCode: String?
        var waiting: [String: CheckedContinuation<Void, Never>] = [:]
        var slotWaiter: (window: Int, continuation: CheckedContinuation<Void, Never>)?
    }

    init(scale: Int, brokerPort: Int, logger: Logger) throws {
        self.scale = scale
        client = try MQTTClient(configuration: MQTTConfiguration(host: "127.0.0.1", port: brokerPort,
                                                                 clientID: "bench-scale-\(scale)"), logger: logger)
        client.onMessage { [weak self] message in self?.received(message.payload) }
        try client.subscribe(Topic.device(site: "market-01", device: "scale-\(scale)", .ticket)!.description, qos: 1)
        try client.start()
    }

    private func received(_ payload: [UInt8]) {
        let text = String(decoding: payload, as: UTF8.self)
        let req = text.range(of: #""req":""#).map { String(text[$0.upperBound...].prefix { $0 != "\"" }) } ?? ""
        let code = text.range(of: #""code":""#).map { String(text[$0.upperBound...].prefix { $0 != "\"" }) }
        let (continuation, slot) = state.withLock { s -> (CheckedContinuation<Void, Never>?, CheckedContinuation<Void, Never>?) in
            s.inFlight -= 1
            s.replies += 1
            if code == nil { s.refused += 1 } else { s.lastCode = code }
            var slot: CheckedContinuation<Void, Never>?
            if let waiter = s.slotWaiter, s.inFlight < waiter.window {
                slot = waiter.continuation
                s.slotWaiter = nil
            }
            return (s.waiting.removeValue(forKey: req), slot)
        }
        continuation?.resume()
        slot?.resume()
    }

    /// Returns once fewer than `window` weighings are waiting for their reply.
    func slot(window: Int) async {
        await withCheckedContinuation { continuation in
            let ready = state.withLock { s -> Bool in
                if s.inFlight < window { return true }
                s.slotWaiter = (window, continuation)
                return false
            }
            if ready { continuation.resume() }
        }
    }

    func ready() async throws {
        guard await client.waitUntilConnected(timeout: .seconds(10)) else { throw BenchFailure("scale client not connected") }
    }

    var inFlight: Int { state.withLock { $0.inFlight } }
    var replies: Int { state.withLock { $0.replies } }
    var refused: Int { state.withLock { $0.refused } }
    var lastCode: String? { state.withLock { $0.lastCode } }

    func weigh(req: String, waitForReply: Bool) async throws {
        let n = seq.withLock { $0 += 1; return $0 }
        let body = #"{"req":"\#(req)","seq":\#(n),"ts":\#(SystemClock().now()),"stall":"A12","batch":"b-1","plu":"1002","grams":1250,"unit_price_fen":680}"#
        state.withLock { $0.inFlight += 1 }
        if waitForReply {
            await withCheckedContinuation { continuation in
                state.withLock { $0.waiting[req] = continuation }
                _ = try? client.publish(topic: Topic.device(site: "market-01", device: "scale-\(scale)", .weigh)!.description, payload: Array(body.utf8), qos: 1,
                                        retain: false)
            }
        } else {
            _ = try client.publish(topic: Topic.device(site: "market-01", device: "scale-\(scale)", .weigh)!.description, payload: Array(body.utf8), qos: 1,
                                   retain: false)
        }
    }

    func stop() { client.stop() }
}

func require<T>(_ value: T?, _ message: String) throws -> T {
    guard let value else { throw BenchFailure(message) }
    return value
}
