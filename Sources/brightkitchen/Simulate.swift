import ArgumentParser
import DeviceSimulator
import Foundation
import Logging
import ServiceLifecycle

/// Simulator options shared by `simulate` and `demo`.
struct FleetOptions: ParsableArguments {
    @Option(help: "Fleet or site profile (YAML, see devices/README.md).")
    var fleet = "devices/demo-fleet.yaml"

    @Option(help: "Time compression: 60 reports 60 times more often than the devices' intervals.")
    var speed: Double = 10

    @Option(help: "Replicate the fleet this many times (site ids get a suffix).")
    var copies = 1

    @Option(help: "Fault: fraction of sequenced messages silently dropped (0-1); replay recovers them.")
    var dropRate: Double = 0

    @Option(help: "Fault: drop every device's connection uncleanly every N seconds.")
    var disconnectEvery: Int?

    @Option(help: "Fault: fraction of messages replaced by malformed payloads (0-1).")
    var malformedRate: Double = 0

    @Flag(help: "Fault: cold-zone fridges drift to 9-10 °C.")
    var warmFridge = false

    @Option(help: "Seed for reproducible runs.")
    var seed: UInt64?

    @Flag(help: "One MQTT connection per site instead of per device (needed beyond ~300 devices; no per-device Will).")
    var connectionPerSite = false

    @Option(help: "QoS of the devices' cmd and ticket subscriptions: 1 as the protocol has it; 0 for a NATS cluster, where each QoS 1 subscription is a replicated consumer (docs/scale-out.md).")
    var subscribeQos: Int = 1

    @Option(help: "Open this many connections a second at start instead of all at once (a province on one machine).")
    var connectRate: Double?

    @Option(help: "Simulate only slice K of N of the sites (copies included), e.g. 3/7: one process connects about 320 clients at most, so a larger fleet runs as N processes.")
    var part: String?

    func simulatorOptions(brokerURL: String) throws -> SimulatorOptions {
        guard speed > 0 else { throw ValidationError("--speed must be positive") }
        guard copies >= 1 else { throw ValidationError("--copies must be at least 1") }
        guard (0...1).contains(dropRate), (0...1).contains(malformedRate) else {
            throw ValidationError("--drop-rate and --malformed-rate are fractions between 0 and 1")
        }
        var options = SimulatorOptions(brokerURL: brokerURL)
        options.speed = speed
        options.siteCopies = copies
        options.seed = seed
        options.clientPerDevice = !connectionPerSite
        guard subscribeQos == 0 || subscribeQos == 1 else { throw ValidationError("--subscribe-qos must be 0 or 1") }
        options.subscribeQoS = subscribeQos
        options.connectionsPerSecond = connectRate
        if let part {
            let fields = part.split(separator: "/").map { Int($0) }
            guard fields.count == 2, let index = fields[0], let count = fields[1] else {
                throw ValidationError("--part must be K/N, such as 2/7")
            }
            options.part = (index, count)
        }
        options.faults.dropRate = dropRate
        options.faults.malformedRate = malformedRate
        options.faults.warmFridge = warmFridge
        options.faults.disconnectEvery = disconnectEvery.map { .seconds($0) }
        return options
    }

    func loadProfile() throws -> FleetProfile {
        guard FileManager.default.fileExists(atPath: fleet) else {
            throw ValidationError("no fleet profile at '\(fleet)' (run from the repository root or pass --fleet)")
        }
        return try FleetProfile.load(path: fleet)
    }
}

struct Simulate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run a simulated fleet of kitchen and market devices against a broker.")

    @Option(help: "Broker URL, mqtt://host:port (env BK_BROKER).")
    var broker: String?

    @OptionGroup var fleetOptions: FleetOptions

    @Flag(help: "Print the gateway registry for this fleet and exit.")
    var printRegistry = false

    @Option(help: "Stop after this many seconds (default: until Ctrl-C).")
    var seconds: Int?

    @Option(help: "On Ctrl-C, SIGTERM or --seconds: stop making messages but stay connected this many seconds more, answering the gateway's replay requests, then exit (default 0).")
    var linger: Int = 0

    @Option(help: "On exit, write every sequenced message (site, device, boot, seq) and ticket reply the devices recorded to this file (tab-separated; for end-to-end checks such as scripts/chaos).")
    var sentLog: String?

    func run() async throws {
        LoggingBootstrap.once
        let logger = Logger(label: "simulator")
        let url = broker ?? ProcessInfo.processInfo.environment["BK_BROKER"] ?? "mqtt://127.0.0.1:1883"
        var options = try fleetOptions.simulatorOptions(brokerURL: url)
        options.keepLedger = sentLog != nil
        let fleet = try Fleet(profile: fleetOptions.loadProfile(), options: options, logger: logger)
        if printRegistry {
            print(fleet.registryYAML(), terminator: "")
            return
        }
        var services: [ServiceGroupConfiguration.ServiceConfiguration] = [
            .init(service: FleetService(fleet: fleet, startWhen: { true }, linger: .seconds(max(linger, 0)))),
        ]
        if let seconds {
            services.append(.init(service: DeadlineService(after: .seconds(seconds)),
                                  successTerminationBehavior: .gracefullyShutdownGroup))
        }
        let group = ServiceGroup(configuration: .init(services: services, gracefulShutdownSignals: [.sigterm, .sigint],
                                                      logger: logger))
        try await group.run()
        if let sentLog {
            fleet.stop()
            try fleet.writeLedger(to: sentLog)
            let stats = fleet.stats
            logger.notice("ledger written", metadata: [
                "file": .string(sentLog), "published": "\(stats.published)", "unsent": "\(stats.unsent)",
                "replayed": "\(stats.replayedMessages)", "tickets": "\(stats.ticketsReceived)", "seed": "\(fleet.seed)",
            ])
        }
    }
}

/// Starts the fleet once `startWhen` holds (the gateway is connected), stops it on shutdown.
struct FleetService: Service {
    let fleet: Fleet
    let startWhen: @Sendable () -> Bool
    var onStarted: @Sendable () -> Void = {}
    /// After the shutdown signal, how long the devices stay connected without making new messages.
    var linger: Duration = .zero

    func run() async throws {
        while !startWhen() {
            if Task.isShuttingDownGracefully { return }
            try await Task.sleep(for: .milliseconds(100))
        }
        try fleet.start()
        onStarted()
        try? await gracefulShutdown()
        if linger > .zero {
            fleet.stopReporting()
            try? await Task.sleep(for: linger)
        }
        fleet.stop()
    }
}

/// Ends the service group after a fixed time (`--seconds`).
struct DeadlineService: Service {
    let after: Duration

    func run() async throws {
        // Ends early (and quietly) when the group is already shutting down for another reason.
        try? await cancelWhenGracefulShutdown { try await Task.sleep(for: after) }
    }
}
