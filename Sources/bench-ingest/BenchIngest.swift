import Foundation
import DeviceSimulator
import Gateway
import KitchenModel
import Logging
import MQTTClient
import Storage
import StorageModel
import Synchronization

/// End-to-end gateway benchmark: ingest (issue 2, item 13) and alarms (issue 3, item 10).
///
/// Phase 1 — throughput: a private mosquitto; `--devices` thermometers publish
/// `--messages` telemetry messages at QoS 1 through it. The gateway (in this process:
/// decode, state model, batched SQLite commits) and `mosquitto_sub -q 1` receive the
/// same stream; both rates and their ratio are printed.
/// Phase 2 — memory: the real `brightkitchen serve` binary with `--rss-sites` sites and
/// `--rss-devices` devices registered, every device announcing itself and reporting once;
/// its peak RSS (VmHWM) is printed.
/// Phase 3 — disk cost per sensor-year. Phase 4 — alarm latency under background load and
/// the rules' cost per reading, measured without and then with HTTP load (`--viewers`,
/// `--actions-per-second`; `scripts/bench-alarms` runs only this one).
/// `--sites-load`: `/api/v1/sites` with `--sites` sites while `--rate` telemetry msg/s are ingested (issue 14).
/// `--adapters`: third-party messages per second through the router (issue 6), nothing else.
@main
struct BenchIngest {
    static func main() async throws {
        let args = Arguments(CommandLine.arguments.dropFirst())
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = .warning
            return handler
        }
        let logger = Logger(label: "bench")
        if args.flag("generate-telemetry") {
            let schedule = args.values["stop-after"].flatMap(Double.init).map {
                GeneratorSchedule(burstAfter: Double(args.int("burst-after", 0)), burstSeconds: Double(args.int("burst-seconds", 0)),
                                  burstFactor: args.int("burst-factor", 1), stopAfter: $0)
            }
            try await TelemetryGenerator.run(port: args.int("port", 1883), rate: args.int("rate", 10_000),
                                             sites: args.int("sites", 100), thermos: args.int("thermos", 1_000),
                                             schedule: schedule, logger: logger)
        }
        if args.flag("publish") {
            // The throughput phase's publisher, run as a child process of the benchmark.
            return try await Publisher.run(port: args.int("port", 1883), devices: args.int("devices", 200),
                                           messages: args.int("messages", 200_000), publishers: args.int("publishers", 4),
                                           logger: logger)
        }
        print("BrightKitchen ingest benchmark — \(ProcessInfo.processInfo.activeProcessorCount) cores, "
            + "\(ProcessInfo.processInfo.physicalMemory / 1_048_576) MiB")
        if args.flag("burst") {
            // Issue 8, item 6: steady load, a 10× burst, the way back; `--burst` runs only this.
            return try await BurstBench(rate: args.int("rate", 2_000), factor: args.int("burst-factor", 10),
                                        steadySeconds: args.int("steady-seconds", 20),
                                        burstSeconds: args.int("burst-seconds", 10),
                                        afterSeconds: args.int("after-seconds", 30),
                                        binary: args.string("binary", Self.siblingBinary("brightkitchen")),
                                        logger: logger).run()
        }
        if args.flag("camera-push") {
            // Issue 18: ISAPI pushes with pictures, POST → regulator topic and sustained rate; only this.
            return try await CameraPushBench(samples: args.int("samples", 300), workers: args.int("workers", 4),
                                             seconds: args.int("seconds", 10),
                                             binary: args.string("binary", Self.siblingBinary("brightkitchen")),
                                             logger: logger).run()
        }
        if args.flag("adapters") {
            // Issue 6: the third-party router alone; `--adapters` runs only this.
            return try AdapterThroughput(messages: args.int("messages", 1_000_000)).run()
        }
        // Issue 15: `--store sqlite|postgres|both` for throughput, disk cost, tickets and alarms.
        let stores = try BenchStoreKind.parse(args.string("store", "sqlite"))
        let postgres = try stores.contains(.postgres) ? BenchPostgres() : nil
        defer { postgres?.stop() }
        if args.flag("standby") {
            // Issue 15, item 7: the PostgreSQL figures with a synchronous standby (on this machine).
            guard let postgres else { throw BenchFailure("--standby needs --store postgres or both") }
            try postgres.addSynchronousStandby()
            print("PostgreSQL with a synchronous standby (same machine, same disk): every commit waits for both flushes")
        }
        var alarms = AlarmLatency(samples: args.int("alarm-samples", 500), backgroundRate: args.int("background-rate", 10_000),
                                  generatorNice: args.int("generator-nice", 10),
                                  binary: args.string("binary", Self.siblingBinary("brightkitchen")), logger: logger)
        alarms.viewers = args.int("viewers", 20)
        alarms.actionsPerSecond = args.int("actions-per-second", 50)
        alarms.stores = stores
        alarms.postgres = postgres
        alarms.skipHTTPLoad = args.flag("skip-http-load")
        if args.flag("sites-load") {
            // Issue 14: /api/v1/sites at 10,000 sites under ingest; `--sites-load` runs only this.
            return try await alarms.sitesUnderIngest(sites: args.int("sites", 10_000), rate: args.int("rate", 10_000),
                                                     seconds: args.int("seconds", 20))
        }
        if !args.flag("skip-throughput") {
            try await Throughput(devices: args.int("devices", 200), messages: args.int("messages", 200_000),
                                 publishers: args.int("publishers", 4), rounds: args.int("rounds", 2),
                                 stores: stores, postgres: postgres, logger: logger).run()
        }
        if !args.flag("skip-rss") {
            try await PeakRSS(sites: args.int("rss-sites", 10_000), devices: args.int("rss-devices", 50_000),
                              binary: args.string("binary", Self.siblingBinary("brightkitchen")), logger: logger).run()
        }
        if !args.flag("skip-disk") {
            for kind in stores {
                try DiskCost(days: args.int("disk-days", 30), intervalSeconds: args.int("disk-interval", 60)).run(kind, postgres: postgres)
            }
        }
        if !args.flag("skip-tickets") {
            for kind in stores {
                var tickets = TicketBench(roundTrips: args.int("ticket-round-trips", 2_000), scales: args.int("scales", 20),
                                          throughputSeconds: args.int("ticket-seconds", 10),
                                          binary: args.string("binary", Self.siblingBinary("brightkitchen")), logger: logger)
                tickets.storeKind = kind
                tickets.postgres = postgres
                tickets.skipLookup = args.flag("skip-lookup")
                try await tickets.run()
            }
        }
        if !args.flag("skip-alarms") {
            try await alarms.run()
        }
    }

    static func siblingBinary(_ name: String) -> String {
        URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
            .appendingPathComponent(name).path
    }
}

/// `--name value` and `--flag` parsing, enough for a benchmark.
struct Arguments {
    var values: [String: String] = [:]
    var flags: Set<String> = []

    init(_ raw: ArraySlice<String>) {
        var iterator = raw.makeIterator()
        var pending: String?
        while let item = iterator.next() {
            if item.hasPrefix("--") {
                if let p = pending { flags.insert(p) }
                pending = String(item.dropFirst(2))
            } else if let p = pending {
                values[p] = item
                pending = nil
            }
        }
        if let p = pending { flags.insert(p) }
    }

    func int(_ name: String, _ fallback: Int) -> Int { values[name].flatMap(Int.init) ?? fallback }
    func string(_ name: String, _ fallback: String) -> String { values[name] ?? fallback }
    func flag(_ name: String) -> Bool { flags.contains(name) }
}

func seconds(_ d: Duration) -> Double { d.inSeconds }

func registryYAML(sites: Int, devices: Int) -> String {
    BenchmarkRegistry.thermometers(sites: sites, devices: devices)
}

/// A temporary directory with a private mosquitto in it, for one benchmark phase.
struct BenchWorkspace {
    let directory: String
    let broker: MosquittoBroker

    init(label: String, logger: Logger) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("\(label)-\(UUID().uuidString.prefix(6))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var options = MosquittoBroker.Options()
        options.dataDirectory = directory + "/broker"
        broker = try MosquittoBroker.start(options: options, logger: logger)
    }

    func close() {
        broker.stop()
        try? FileManager.default.removeItem(atPath: directory)
    }
}

/// The real `brightkitchen serve` binary on a workspace's registry and broker, started and
/// waited for until it has subscribed (its retained online state appears).
struct GatewayProcess {
    let process: Process

    static func start(binary: String, workspace: BenchWorkspace, logger: Logger, httpPort: Int = 0,
                      database: BenchDatabase? = nil, extraArguments: [String] = []) async throws
        -> GatewayProcess
    {
        guard FileManager.default.isExecutableFile(atPath: binary) else {
            throw BenchFailure("no gateway binary at \(binary) (build it, or pass --binary)")
        }
        let dir = workspace.directory
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        let databaseArguments = database?.serveArguments ?? ["--database", dir + "/bk.sqlite"]
        process.arguments = ["serve", "--allow-loopback-public-url", "--config", dir + "/registry.yaml", "--broker", workspace.broker.url]
            + databaseArguments + ["--data-dir", dir, "--http-port", "\(httpPort)", "--log-level", "warning"] + extraArguments
        // BENCH_GATEWAY_STDERR=FILE keeps the gateway's diagnostics (e.g. BRIGHTKITCHEN_PROBE's report).
        // Never createFile on /dev/null: Foundation writes by rename and would replace the device
        // with a regular file for every process on the machine.
        if let stderrPath = ProcessInfo.processInfo.environment["BENCH_GATEWAY_STDERR"] {
            FileManager.default.createFile(atPath: stderrPath, contents: nil)
            process.standardError = FileHandle(forWritingAtPath: stderrPath)
        } else {
            process.standardError = FileHandle.nullDevice
        }
        try process.run()
        let probe = try MQTTClient(configuration: MQTTConfiguration(host: "127.0.0.1", port: workspace.broker.port,
                                                                     clientID: "bench-probe"), logger: logger)
        defer { probe.stop() }
        let online = Mutex(false)
        probe.onMessage { _ in online.withLock { $0 = true } }
        try probe.subscribe(TopicFilter.gatewayStates, qos: 1)
        try probe.start()
        let deadline = ContinuousClock.now.advanced(by: .seconds(120))
        while !online.withLock({ $0 }) {
            guard process.isRunning, ContinuousClock.now < deadline else { throw BenchFailure("the gateway did not come up") }
            try await Task.sleep(for: .milliseconds(50))
        }
        return GatewayProcess(process: process)
    }

    func stop() {
        process.terminate()
        process.waitUntilExit()
    }
}
