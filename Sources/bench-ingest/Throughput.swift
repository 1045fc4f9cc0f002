import Foundation
import Gateway
import KitchenModel
import Logging
import MQTTClient
import Storage
import StorageModel
import Synchronization

/// Phase 1: sustained ingest rate, the gateway against `mosquitto_sub -q 1`, measured one at a
/// time against the same publisher (issue 13, item 8).
///
/// Running both subscribers at once on one stream halves what the broker gives each, so each round
/// measures them one after the other: a fresh broker, the publisher (a child process, so it never
/// shares the measured process), and either `mosquitto_sub -q 1` or the gateway (this process:
/// libmosquitto client, decode, state model, rules, batched SQLite commits). The figures are rates,
/// the ratio gateway ÷ `mosquitto_sub` alone, and CPU per message of the subscriber and the broker.
/// With `--store both` (issue 15) each round runs the gateway on SQLite and on PostgreSQL, their
/// order alternating from round to round, and adds the PostgreSQL server's CPU per reading.
struct Throughput {
    let devices: Int
    let messages: Int
    let publishers: Int
    let rounds: Int
    var stores: [BenchStoreKind] = [.sqlite]
    var postgres: BenchPostgres?
    let logger: Logger

    /// One subscriber's run.
    struct Figures {
        var rate: Double
        var subscriberCPU: Double
        var brokerCPU: Double
        var stored: Int
        /// The PostgreSQL server's CPU per message, when the gateway wrote to it.
        var databaseCPU: Double?
        /// PostgreSQL only: write transactions committed and WAL bytes written during the run.
        var transactions: Int64?
        var walBytes: Int64?
        /// The gateway only: CPU per message by thread (`ThreadCPU`).
        var threads: [String] = []
        /// SQLite only: the size of the WAL file when the last reading was committed (how far the
        /// background checkpoints kept up).
        var walFileBytes: Int?
    }

    func run() async throws {
        print("\n## Throughput: \(messages) telemetry messages, \(devices) devices, \(publishers) publishers, QoS 1, "
            + "each subscriber alone, \(rounds) round(s)")
        var subs: [Figures] = []
        var gateways: [BenchStoreKind: [Figures]] = [:]
        for round in 1...rounds {
            let sub = try await measureMosquittoSub()
            report("round \(round) mosquitto_sub -q 1", sub, unit: "received")
            subs.append(sub)
            // Alternating order: neither store always runs second on a warmer (or busier) machine.
            for kind in round % 2 == 1 ? stores : stores.reversed() {
                let gateway = try await measureGateway(kind)
                report("round \(round) gateway \(kind)", gateway, unit: "committed")
                gateways[kind, default: []].append(gateway)
            }
        }
        let subRate = median(subs.map(\.rate))
        print(String(format: "median mosquitto_sub alone    %9.0f msg/s  %5.2f µs CPU/msg (broker %5.2f)", subRate,
                     median(subs.map(\.subscriberCPU)), median(subs.map(\.brokerCPU))))
        for kind in stores {
            let figures = gateways[kind] ?? []
            let gatewayRate = median(figures.map(\.rate))
            print("median gateway \(kind) alone".padding(toLength: 30, withPad: " ", startingAt: 0)
                + String(format: " %9.0f msg/s  %5.2f µs CPU/msg (broker %5.2f)", gatewayRate,
                         median(figures.map(\.subscriberCPU)), median(figures.map(\.brokerCPU)))
                + (kind == .postgres ? String(format: "  PostgreSQL server %5.2f µs CPU/msg",
                                              median(figures.compactMap(\.databaseCPU))) : ""))
            print(String(format: "ratio gateway \(kind) / mosquitto_sub  %.2f  (target >= 0.85)", gatewayRate / subRate))
        }
        if let sqlite = gateways[.sqlite], let postgres = gateways[.postgres] {
            let ratio = median(postgres.map(\.rate)) / median(sqlite.map(\.rate))
            let perRound = zip(postgres, sqlite).map { String(format: "%.2f", $0.rate / $1.rate) }.joined(separator: ", ")
            print(String(format: "ratio PostgreSQL / SQLite  %.2f (per round \(perRound))  ", ratio)
                + "(target >= 0.6: \(ratio >= 0.6 ? "met" : "not met"))")
        }
    }

    private func report(_ label: String, _ f: Figures, unit: String) {
        // Padded by hand: Foundation on Linux ignores a width on %@.
        print(label.padding(toLength: 30, withPad: " ", startingAt: 0)
            + String(format: " %9.0f msg/s  %5.2f µs CPU/msg (broker %5.2f)  %d ", f.rate, f.subscriberCPU, f.brokerCPU,
                     f.stored) + unit
            + (f.databaseCPU.map { String(format: "  PostgreSQL server %5.2f µs CPU/msg", $0) } ?? ""))
        if let transactions = f.transactions, let wal = f.walBytes, transactions > 0 {
            // The writer commits serially: elapsed ÷ transactions is the time one batch takes.
            print(String(format: "    %d transactions, %.0f readings each, %.1f ms each, %.0f WAL bytes per reading",
                         transactions, Double(f.stored) / Double(transactions), Double(f.stored) / f.rate / Double(transactions) * 1000,
                         Double(wal) / Double(max(1, f.stored))))
        }
        if let wal = f.walFileBytes { print(String(format: "      WAL file at the end   %6.1f MiB", Double(wal) / 1_048_576)) }
        for line in f.threads { print(line) }
    }

    /// `mosquitto_sub -q 1`: the broker's own client, the ceiling a subscriber can reach. It runs
    /// under `bash -c '…; times'`, whose `times` prints the CPU of the exited `mosquitto_sub`.
    private func measureMosquittoSub() async throws -> Figures {
        let workspace = try BenchWorkspace(label: "bk-bench-sub", logger: logger)
        defer { workspace.close() }
        let sub = Process()
        sub.executableURL = URL(fileURLWithPath: "/bin/bash")
        sub.arguments = ["-c", "mosquitto_sub -h 127.0.0.1 -p \(workspace.broker.port) -q 1 -t '\(TopicFilter.everyDevice(.telemetry))' "
            + "-C \(messages) -i bench-mosquitto-sub >/dev/null; times"]
        let output = Pipe()
        sub.standardOutput = output
        try sub.run()
        defer { if sub.isRunning { sub.terminate() } }
        try await Task.sleep(for: .milliseconds(500))  // subscribed
        let brokerPID = workspace.broker.pid ?? 0
        let brokerBefore = ProcessCPU.seconds(brokerPID)
        let start = ContinuousClock.now
        let publisher = try startPublisher(port: workspace.broker.port)
        defer { publisher.terminate(); publisher.waitUntilExit() }
        let deadline = start.advanced(by: .seconds(600))
        while sub.isRunning && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(5))
        }
        let elapsed = seconds(start.duration(to: .now))
        let brokerCPU = ProcessCPU.seconds(brokerPID) - brokerBefore
        guard !sub.isRunning else { throw BenchFailure("mosquitto_sub did not receive \(messages) messages in time") }
        let times = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        return Figures(rate: Double(messages) / elapsed, subscriberCPU: ProcessCPU.bashChildrenSeconds(times) / Double(messages) * 1e6,
                       brokerCPU: brokerCPU / Double(messages) * 1e6, stored: messages)
    }

    /// The gateway in this process, with nothing else running here but a 5 ms poll of its counter.
    private func measureGateway(_ kind: BenchStoreKind) async throws -> Figures {
        let workspace = try BenchWorkspace(label: "bk-bench-gw", logger: logger)
        defer { workspace.close() }
        let (dir, broker) = (workspace.directory, workspace.broker)
        let sites = max(1, devices / 10)
        try registryYAML(sites: sites, devices: devices).write(toFile: dir + "/registry.yaml", atomically: true, encoding: .utf8)
        let database = try BenchDatabase.make(kind, directory: dir, postgres: postgres)
        var configuration = GatewayConfiguration(registryPath: dir + "/registry.yaml", brokerURL: broker.url,
                                                 database: database.database, dataDirectory: dir)
        configuration.databasePasswordFile = database.passwordFile
        configuration.ticketKeysPath = database.ticketKeys
        configuration.gatewayID = "bench"
        let gateway = try GatewayRuntime(configuration: configuration, logger: logger)
        try gateway.startWithoutGroup()
        defer { gateway.shutdown() }
        guard await gateway.client.waitUntilConnected(timeout: .seconds(10)) else { throw BenchFailure("gateway did not connect") }
        try await Task.sleep(for: .milliseconds(500))  // subscribed
        let brokerPID = broker.pid ?? 0
        let activity = try kind == .postgres ? postgres?.activity() : nil
        let threadsBefore = ThreadCPU.now()
        let before = (gateway: ProcessCPU.selfSeconds(), broker: ProcessCPU.seconds(brokerPID),
                      database: kind == .postgres ? postgres?.cpuSeconds() : nil)
        let start = ContinuousClock.now
        let publisher = try startPublisher(port: broker.port)
        defer { publisher.terminate(); publisher.waitUntilExit() }
        let deadline = start.advanced(by: .seconds(600))
        var stored = 0
        while stored < messages && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(5))
            stored = gateway.metrics.readingsStoredTotal
        }
        let elapsed = seconds(start.duration(to: .now))
        let gatewayCPU = ProcessCPU.selfSeconds() - before.gateway
        let threads = ThreadCPU.now().lines(since: threadsBefore, messages: messages)
        let walFile = kind == .sqlite
            ? (try? FileManager.default.attributesOfItem(atPath: database.database + "-wal")[.size] as? Int) ?? 0 : nil
        let brokerCPU = ProcessCPU.seconds(brokerPID) - before.broker
        let databaseCPU = before.database.flatMap { start in postgres.map { $0.cpuSeconds() - start } }
        let activityAfter = try activity == nil ? nil : postgres?.activity()
        return Figures(rate: Double(stored) / elapsed, subscriberCPU: gatewayCPU / Double(messages) * 1e6,
                       brokerCPU: brokerCPU / Double(messages) * 1e6, stored: stored,
                       databaseCPU: databaseCPU.map { $0 / Double(messages) * 1e6 },
                       transactions: activityAfter.flatMap { a in activity.map { a.transactions - $0.transactions } },
                       walBytes: activityAfter.flatMap { a in activity.map { a.walBytes - $0.walBytes } },
                       threads: threads, walFileBytes: walFile)
    }

    /// This benchmark's own binary in `--publish` mode (`Publisher`): a separate process.
    private func startPublisher(port: Int) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        process.arguments = ["--publish", "--port", "\(port)", "--devices", "\(devices)", "--messages", "\(messages)",
                             "--publishers", "\(publishers)"]
        try process.run()
        return process
    }

    private func median(_ values: [Double]) -> Double {
        let sorted = values.sorted()
        return sorted.isEmpty ? 0 : sorted[sorted.count / 2]
    }
}

/// `bench-ingest --publish`: publishes the throughput phase's messages as fast as libmosquitto
/// takes them, from `publishers` connections, each device's seq rising by one per message, then
/// stays connected (so libmosquitto's queue drains) until the benchmark terminates it.
enum Publisher {
    static func run(port: Int, devices: Int, messages: Int, publishers: Int, logger: Logger) async throws {
        let sites = max(1, devices / 10)
        let clients = try (0..<publishers).map { i -> MQTTClient in
            let c = try MQTTClient(configuration: MQTTConfiguration(host: "127.0.0.1", port: port, clientID: "bench-pub-\(i)"),
                                   logger: logger)
            try c.start()
            return c
        }
        for c in clients where !(await c.waitUntilConnected(timeout: .seconds(10))) { throw BenchFailure("publisher did not connect") }
        let perPublisher = messages / publishers
        DispatchQueue.concurrentPerform(iterations: publishers) { p in
            let now = SystemClock().now()
            var seqs = [Int64](repeating: 0, count: devices)
            for i in 0..<perPublisher {
                let device = (i * publishers + p) % devices
                seqs[device] += 1
                let payload = Array(#"{"seq":\#(seqs[device]),"ts":\#(now),"t":\#(3 + Double(i % 20) / 10),"rh":61.5,"bat":93}"#.utf8)
                while (try? clients[p].publish(topic: Topic.device(site: "site-\(device % sites)", device: "t-\(device)", .telemetry)!.description, payload: payload,
                                               qos: 1, retain: false)) == nil {
                    Thread.sleep(forTimeInterval: 0.001)  // the client's queue is full: wait, never drop
                }
            }
        }
        while true { try await Task.sleep(for: .seconds(60)) }
    }
}

/// CPU time of processes, from /proc and rusage.
enum ProcessCPU {
    /// utime + stime of a live process, in seconds.
    static func seconds(_ pid: Int32) -> Double { TicketBench.cpuSeconds(pid) }

    /// This process's user + system time.
    static func selfSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return time(usage.ru_utime) + time(usage.ru_stime)
    }

    /// The children's user + system time from bash's `times` (its second line: "0m1.230s 0m0.450s").
    static func bashChildrenSeconds(_ output: String) -> Double {
        let lines = output.split(separator: "\n")
        guard lines.count >= 2 else { return 0 }
        return lines[1].split(separator: " ").reduce(0) { total, field in
            let parts = field.dropLast().split(separator: "m")  // "0m1.230s" → ["0", "1.230"]
            guard parts.count == 2, let m = Double(parts[0]), let s = Double(parts[1]) else { return total }
            return total + m * 60 + s
        }
    }

    private static func time(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
}

struct BenchFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
