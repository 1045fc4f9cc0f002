import Foundation
import LoopbackTools
import Gateway
import KitchenModel
import KitchenRules
import Logging
import MQTTClient
import Storage
import StorageModel
import Synchronization

/// Issue 3's benchmark: latency from a class-1 detection's publish to its alarm on the
/// regulator topic, with steady telemetry in the background; and the rules' cost per reading.
/// Issue 14: the same latency measured twice in one run, first without, then with HTTP load
/// (dashboard viewers refreshing and acknowledge / rectify calls, `HTTPLoad`).
struct AlarmLatency {
    let samples: Int
    let backgroundRate: Int
    /// CPU niceness of the background generator (10 by default; 0 to let it compete fully).
    let generatorNice: Int
    /// The `brightkitchen` binary: the gateway runs as its own process, as in production.
    let binary: String
    let logger: Logger
    /// Dashboard viewers refreshing once a second each, during the second measurement.
    var viewers = 20
    /// Acknowledge / rectify calls per second during the second measurement.
    var actionsPerSecond = 50
    /// Issue 15: the stores the gateway runs on, one after the other (`--store`).
    var stores: [BenchStoreKind] = [.sqlite]
    var postgres: BenchPostgres?
    /// `--skip-http-load`: only the first measurement (no HTTP load, no rule cost).
    var skipHTTPLoad = false

    func run() async throws {
        for kind in stores { try await run(kind) }
    }

    func run(_ kind: BenchStoreKind) async throws {
        let workspace = try BenchWorkspace(label: "bk-alarm", logger: logger)
        defer { workspace.close() }
        let (dir, broker) = (workspace.directory, workspace.broker)
        let sites = 100
        let thermos = 1_000
        // Alarms raised only to be acknowledged and rectified under load (two calls each).
        let workedAlarms = actionsPerSecond * (samples * 20 / 1_000 + 8) / 2 + 10
        var yaml = "sites:\n"
        for s in 0..<sites { yaml += "  - {id: site-\(s), name: Site \(s), kind: canteen, region: \"\(420101 + s % 17)\"}\n" }
        yaml += "devices:\n"
        for d in 0..<thermos { yaml += "  - {id: t-\(d), site: site-\(d % sites), kind: thermo, zone: cold}\n" }
        for c in 0..<(2 * samples) { yaml += "  - {id: cam-\(c), site: site-\(c % sites), kind: camera}\n" }
        for c in 0..<workedAlarms { yaml += "  - {id: act-\(c), site: site-\(c % sites), kind: camera}\n" }
        try yaml.write(toFile: dir + "/registry.yaml", atomically: true, encoding: .utf8)
        let database = try BenchDatabase.make(kind, directory: dir, postgres: postgres)
        let token = try Self.adminToken(database: database)
        let httpPort = freePort()
        let gateway = try await GatewayProcess.start(binary: binary, workspace: workspace, logger: logger, httpPort: httpPort,
                                                     database: database)
        defer { gateway.stop() }
        let pid = gateway.process.processIdentifier

        // The regulator's view: one subscription for the whole province.
        let sentAt = Mutex<[String: ContinuousClock.Instant]>([:])
        let latencies = Mutex<[Double]>([])
        let worked = Mutex<[String]>([])
        let regulator = try MQTTClient(configuration: MQTTConfiguration(host: "127.0.0.1", port: broker.port,
                                                                         clientID: "bench-regulator"), logger: logger)
        regulator.onMessage { message in
            let now = ContinuousClock.now
            let text = String(decoding: message.payload, as: UTF8.self)
            guard text.contains(#""transition":"raised""#) else { return }
            if text.contains(#""device":"act-"#), let range = text.range(of: #""alarm_id":""#) {
                worked.withLock { $0.append(String(text[range.upperBound...].prefix { $0 != "\"" })) }
                return
            }
            guard let range = text.range(of: #""device":"cam-"#) else { return }
            let id = "cam-" + text[range.upperBound...].prefix { $0 != "\"" }
            if let start = sentAt.withLock({ $0[id] }) {
                latencies.withLock { $0.append(seconds(start.duration(to: now)) * 1000) }
            }
        }
        try regulator.subscribe(TopicFilter.regulator(scope: "42")!, qos: 1)
        try regulator.start()
        _ = await regulator.waitUntilConnected(timeout: .seconds(10))

        let cameras = try MQTTClient(configuration: MQTTConfiguration(host: "127.0.0.1", port: broker.port,
                                                                       clientID: "bench-cameras"), logger: logger)
        try cameras.start()
        _ = await cameras.waitUntilConnected(timeout: .seconds(10))
        try await Task.sleep(for: .milliseconds(500))
        func detect(_ id: String, site: Int) throws {
            let body = #"{"seq":1,"ts":\#(SystemClock().now()),"type":"detection","label":"rodent","score":0.93,"box":[0.4,0.7,0.03,0.02]}"#
            _ = try cameras.publish(topic: Topic.device(site: "site-\(site)", device: id, .event)!.description, payload: Array(body.utf8), qos: 1, retain: false)
        }
        for c in 0..<workedAlarms {
            try detect("act-\(c)", site: c % sites)
            try await Task.sleep(for: .milliseconds(5))
        }
        let raisedBy = ContinuousClock.now.advanced(by: .seconds(30))
        while worked.withLock({ $0.count }) < workedAlarms && ContinuousClock.now < raisedBy {
            try await Task.sleep(for: .milliseconds(50))
        }

        print("\n## Alarm latency (\(kind)): \(samples) class-1 detections, \(backgroundRate) telemetry msg/s in the background"
            + (skipHTTPLoad ? "" : ";"))
        if !skipHTTPLoad { print("## then \(samples) more with \(viewers) dashboard viewers (1 refresh/s each: /api/v1/sites or /dashboard in turn)"
            + " and \(actionsPerSecond) ack/rectify calls/s") }
        // The background telemetry stands in for devices elsewhere on the network: it runs in a
        // child process at a lower CPU priority, so it competes with the gateway for the machine's
        // two cores as little as a remote fleet would, while the broker and gateway bear its load.
        let generator = try TelemetryProcess(port: broker.port, rate: backgroundRate, sites: sites, thermos: thermos,
                                             nice: generatorNice)
        defer { generator.stop() }
        try await Task.sleep(for: .seconds(2))  // let the background reach its rate

        func measure(_ cams: Range<Int>, _ label: String) async throws -> Double {
            latencies.withLock { $0 = [] }
            let startedBackground = generator.sentSoFar()
            let cpuStart = TicketBench.cpuSeconds(pid)
            let measureStart = ContinuousClock.now
            for c in cams {
                let id = "cam-\(c)"
                sentAt.withLock { $0[id] = ContinuousClock.now }
                try detect(id, site: c % sites)
                try await Task.sleep(for: .milliseconds(20))
            }
            let deadline = ContinuousClock.now.advanced(by: .seconds(10))
            while latencies.withLock({ $0.count }) < cams.count && ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(50))
            }
            try await Task.sleep(for: .milliseconds(1_100))
            let elapsed = seconds(measureStart.duration(to: ContinuousClock.now))
            let cpu = TicketBench.cpuSeconds(pid) - cpuStart
            let backgroundRateSeen = Double(generator.sentSoFar() - startedBackground) / elapsed
            let sorted = latencies.withLock { $0 }.sorted()
            func percentile(_ p: Double) -> Double { sorted.isEmpty ? .nan : sorted[min(sorted.count - 1, Int(Double(sorted.count) * p))] }
            print("\n### \(label)")
            print(String(format: "background telemetry sent   %8.0f msg/s", backgroundRateSeen))
            print(String(format: "alarms received             %5d of %d", sorted.count, cams.count))
            print(String(format: "detection → regulator topic p50 %.2f ms, p99 %.2f ms, max %.2f ms  (target p99 <= 20 ms)",
                         percentile(0.5), percentile(0.99), sorted.last ?? .nan))
            print(String(format: "gateway CPU                 %.2f cores", cpu / elapsed))
            return cpu / elapsed
        }

        let quietCPU = try await measure(0..<samples, "without HTTP load")
        if skipHTTPLoad {
            for client in [regulator, cameras] { client.stop() }
            return
        }
        let load = try HTTPLoad(port: httpPort, token: token, viewers: viewers, actionsPerSecond: actionsPerSecond,
                            alarms: worked.withLock { $0 })
        let loadStart = ContinuousClock.now
        load.start()
        try await Task.sleep(for: .seconds(1))
        let loadedCPU = try await measure(samples..<(2 * samples), "with HTTP load")
        let figures = load.stop()
        let loadSeconds = seconds(loadStart.duration(to: .now))
        let requests = figures.reduce(0) { $0 + $1.1.count + $1.1.failures }
        print("HTTP load (\(requests) requests in \(String(format: "%.1f", loadSeconds)) s):")
        let cpuPerRequest: Double? = requests > 0 ? (loadedCPU - quietCPU) * loadSeconds / Double(requests) : nil
        HTTPLoad.print(figures, seconds: loadSeconds, cpuPerRequest: cpuPerRequest)
        for client in [regulator, cameras] { client.stop() }
        ruleCost()
    }

    /// Issue 14: `/api/v1/sites` with `sites` sites registered while `rate` telemetry msg/s are
    /// ingested (`--sites-load`): the ingest thread and the HTTP readers share the state lock.
    func sitesUnderIngest(sites: Int, rate: Int, seconds duration: Int) async throws {
        let workspace = try BenchWorkspace(label: "bk-sites", logger: logger)
        defer { workspace.close() }
        let dir = workspace.directory
        var yaml = "sites:\n"
        for s in 0..<sites { yaml += "  - {id: site-\(s), name: Site \(s), kind: canteen, region: \"\(420101 + s % 17)\"}\n" }
        yaml += "devices:\n"
        for d in 0..<sites { yaml += "  - {id: t-\(d), site: site-\(d), kind: thermo, zone: cold}\n" }
        try yaml.write(toFile: dir + "/registry.yaml", atomically: true, encoding: .utf8)
        let token = try Self.adminToken(database: BenchDatabase.make(.sqlite, directory: dir, postgres: nil))
        let httpPort = freePort()
        let gateway = try await GatewayProcess.start(binary: binary, workspace: workspace, logger: logger, httpPort: httpPort)
        defer { gateway.stop() }
        let pid = gateway.process.processIdentifier
        print("\n## /api/v1/sites with \(sites) sites registered, \(rate) telemetry msg/s ingested, \(viewers) viewers at 1 request/s")
        let generator = try TelemetryProcess(port: workspace.broker.port, rate: rate, sites: sites, thermos: sites,
                                             nice: generatorNice)
        defer { generator.stop() }
        try await Task.sleep(for: .seconds(3))
        // Ingest alone, then ingest + readers: the difference in gateway CPU is the readers'.
        var sent = generator.sentSoFar()
        var cpu = TicketBench.cpuSeconds(pid)
        var start = ContinuousClock.now
        try await Task.sleep(for: .seconds(5))
        let quietElapsed = seconds(start.duration(to: .now))
        let quietCPU = (TicketBench.cpuSeconds(pid) - cpu) / quietElapsed
        let quietSent = generator.sentSoFar()
        print(String(format: "ingest alone: %.0f msg/s sent, gateway CPU %.2f cores",
                     Double(quietSent - sent) / quietElapsed, quietCPU))
        let load = try HTTPLoad(port: httpPort, token: token, viewers: viewers, actionsPerSecond: 0,
                            paths: [("/api/v1/sites", false)], alarms: [])
        sent = quietSent
        cpu = TicketBench.cpuSeconds(pid)
        start = ContinuousClock.now
        load.start()
        try await Task.sleep(for: .seconds(duration))
        let figures = load.stop()
        let elapsed = seconds(start.duration(to: .now))
        let loadedCPU = (TicketBench.cpuSeconds(pid) - cpu) / elapsed
        let requests = figures.reduce(0) { $0 + $1.1.count + $1.1.failures }
        print(String(format: "with readers: %.0f msg/s sent, gateway CPU %.2f cores",
                     Double(generator.sentSoFar() - sent) / elapsed, loadedCPU))
        let cpuPerRequest: Double? = requests > 0 ? (loadedCPU - quietCPU) * elapsed / Double(requests) : nil
        HTTPLoad.print(figures, seconds: elapsed, cpuPerRequest: cpuPerRequest)
    }

    /// An admin bearer token, created in the database before the gateway opens it.
    static func adminToken(database: BenchDatabase) throws -> String {
        let store = try database.open()
        defer { try? store.closeCleanly() }
        return try store.createToken(role: .admin, scope: nil, label: "bench", now: SystemClock().now()).token
    }

    /// ThermoRules.observe on a steady fridge and on one cycling through excursions.
    func ruleCost() {
        let key = DeviceKey(site: SiteID("s")!, device: DeviceID("t")!)
        let profile = ZoneProfile.defaults(for: .cold)
        let sensor = SensorLimits()
        for (name, amplitude) in [("steady fridge", 0.3), ("excursions every ~2 h", 6.0)] {
            var rules = ThermoRules(device: key)
            let n = 1_000_000
            var signals = 0
            let start = ContinuousClock.now
            for i in 0..<n {
                let t = 4 + amplitude * sin(Double(i) / 1_000)
                signals &+= rules.observe(ThermoReading(celsius: t, humidity: 60, battery: 90),
                                          at: 1_795_276_800_000 + EpochMillis(i) * 10_000, profile: profile,
                                          sensor: sensor).count
            }
            let ns = seconds(start.duration(to: ContinuousClock.now)) * 1e9 / Double(n)
            print(String(format: "rule evaluation, %@: %6.0f ns per reading (%d signals)", name, ns, signals))
        }
    }
}

/// `bench-ingest --generate-telemetry`: thermometer telemetry at a fixed rate, printing the running
/// total once a second (the alarm-latency phase's background load, the burst phase's load).
/// With a `GeneratorSchedule` the rate is multiplied for a while and the generator ends by itself,
/// printing `done <total>` once its client has had time to hand everything to the broker.
enum TelemetryGenerator {
    static func run(port: Int, rate: Int, sites: Int, thermos: Int, schedule: GeneratorSchedule? = nil,
                    logger: Logger) async throws -> Never {
        let client = try MQTTClient(configuration: MQTTConfiguration(host: "127.0.0.1", port: port,
                                                                     clientID: "bench-background"), logger: logger)
        try client.start()
        _ = await client.waitUntilConnected(timeout: .seconds(10))
        var seqs = [Int64](repeating: 0, count: thermos)
        let started = ContinuousClock.now
        var next = started
        var sent = 0
        var lastReport = started
        var i = 0
        while true {
            let elapsed = seconds(started.duration(to: .now))
            if let schedule, elapsed >= schedule.stopAfter { break }
            let factor = schedule.map { elapsed >= $0.burstAfter && elapsed < $0.burstAfter + $0.burstSeconds ? $0.burstFactor : 1 } ?? 1
            let perTick = max(1, rate * factor / 100)
            let now = SystemClock().now()
            for _ in 0..<perTick {
                let d = i % thermos
                i += 1
                let body = #"{"seq":\#(seqs[d] + 1),"ts":\#(now),"t":3.2,"rh":60}"#
                // Only a message the client accepted gets its seq: the count is what the gateway must store.
                if (try? client.publish(topic: Topic.device(site: "site-\(d % sites)", device: "t-\(d)", .telemetry)!.description, payload: Array(body.utf8),
                                        qos: 1, retain: false)) != nil {
                    seqs[d] += 1
                    sent += 1
                }
            }
            if ContinuousClock.now - lastReport >= .seconds(1) {
                FileHandle.standardOutput.write(Data("\(sent)\n".utf8))
                lastReport = .now
            }
            next = next.advanced(by: .milliseconds(10))
            let wait = ContinuousClock.now.duration(to: next)
            if wait > .zero { try await Task.sleep(for: wait) }
        }
        // libmosquitto sends its queue in the background; give it time before disconnecting.
        try await Task.sleep(for: .seconds(5))
        client.stop()
        FileHandle.standardOutput.write(Data("done \(sent)\n".utf8))
        exit(0)
    }
}

/// When the generator multiplies its rate, and when it stops (seconds from its start).
struct GeneratorSchedule {
    let burstAfter: Double
    let burstSeconds: Double
    let burstFactor: Int
    let stopAfter: Double
}

/// `bench-ingest --generate-telemetry` as a child process at a given niceness.
final class TelemetryProcess {
    private let process = Process()
    private let counter = Pipe()
    private var lastCount = 0

    init(port: Int, rate: Int, sites: Int, thermos: Int, nice: Int) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/nice")
        process.arguments = ["-n", "\(nice)", CommandLine.arguments[0], "--generate-telemetry",
                             "--port", "\(port)", "--rate", "\(rate)", "--sites", "\(sites)", "--thermos", "\(thermos)"]
        process.standardOutput = counter
        try process.run()
    }

    /// The generator prints its running total once a second.
    func sentSoFar() -> Int {
        let text = String(decoding: counter.fileHandleForReading.availableData, as: UTF8.self)
        if let last = text.split(separator: "\n").last.flatMap({ Int($0) }) { lastCount = last }
        return lastCount
    }

    func stop() {
        process.terminate()
        process.waitUntilExit()
    }
}
