import ArgumentParser
import DeviceSimulator
import Foundation
import Gateway
import KitchenModel
import Logging
import ServiceLifecycle

struct Demo: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Broker, gateway, HTTP API and a simulated fleet together, on the embedded defaults.")

    @OptionGroup var options: GatewayOptions
    @OptionGroup var fleetOptions: FleetOptions

    @Option(help: "Stop after this many seconds (default: until Ctrl-C).")
    var seconds: Int?

    @Flag(help: """
        Run the embedded broker secured as `serve` does: no anonymous clients, each device confined to \
        its own topics. Every simulated device gets a fresh account on each start.
        """)
    var secureBroker = false

    func run() async throws {
        let logger = options.makeLogger(label: "brightkitchen")
        let profile = try fleetOptions.loadProfile()
        var configuration = try options.configuration(defaultConfig: "", defaultDataDir: "./data/demo")
        if configuration.registryPath.isEmpty {
            // The registry is exactly the simulated fleet.
            let preview = try Fleet(profile: profile, options: fleetOptions.simulatorOptions(brokerURL: "mqtt://127.0.0.1:1"),
                                    logger: logger)
            try FileManager.default.createDirectory(atPath: configuration.dataDirectory, withIntermediateDirectories: true)
            configuration.registryPath = (configuration.dataDirectory as NSString).appendingPathComponent("registry.yaml")
            try preview.registryYAML().write(toFile: configuration.registryPath, atomically: true, encoding: .utf8)
        }
        var credentials: [DeviceKey: DeviceCredentials] = [:]
        if secureBroker {
            guard configuration.brokerURL == nil else {
                throw ValidationError("--secure-broker secures the embedded broker; an external --broker has its own access control")
            }
            configuration.secureBroker = true
            credentials = try Self.provisionAccounts(configuration)
        }
        let runtime = try GatewayRuntime(configuration: configuration, logger: logger)
        var simulatorOptions = try fleetOptions.simulatorOptions(brokerURL: runtime.brokerURL)
        simulatorOptions.credentials = credentials
        let fleet = try Fleet(profile: profile, options: simulatorOptions, logger: logger)
        let seeded = try DemoBatches.seed(fleet.sales, into: runtime.traceability, now: runtime.clock.now())
        if seeded > 0 { logger.info("demo batches recorded", metadata: ["batches": "\(seeded)"]) }
        let (token, _) = try runtime.store.createToken(role: .admin, scope: nil, label: "demo",
                                                       now: runtime.clock.now())
        let banner = Self.banner(configuration, brokerURL: runtime.brokerURL, token: token,
                                 sites: runtime.model.registry.sites.count)
        var extra: [any Service] = [FleetService(fleet: fleet, startWhen: { runtime.client.isConnected },
                                                 onStarted: {
                                                     // Unbuffered, so a pipe or log file shows it at once.
                                                     FileHandle.standardOutput.write(Data(banner.utf8))
                                                 })]
        if let seconds { extra.append(DeadlineService(after: .seconds(seconds))) }
        try await runGateway(runtime, extraServices: extra, lookupRateLimit: try options.lookupLimit(),
                             trustedProxies: try options.trustedProxies(), logger: logger)
    }

    /// Fresh broker accounts for the registry's native devices, handed straight to the simulator:
    /// it is the only holder of the passwords, so nothing is printed or kept.
    static func provisionAccounts(_ c: GatewayConfiguration) throws -> [DeviceKey: DeviceCredentials] {
        let registry = try RegistryFile.load(path: c.registryPath)
        let files = BrokerAccessFiles(dataDirectory: c.dataDirectory)
        _ = try files.observerPassword()  // the banner's mosquitto_sub login
        var accounts = try files.load()
        var credentials: [DeviceKey: DeviceCredentials] = [:]
        for device in registry.devices.values where device.source == nil {
            credentials[device.key] = DeviceCredentials(username: BrokerAccounts.username(for: device.key),
                                                        password: accounts.issue(for: device.key))
        }
        try files.save(accounts)
        return credentials
    }

    static func banner(_ c: GatewayConfiguration, brokerURL: String, token: String, sites: Int) -> String {
        // With the secured broker, watching needs the read-only observer's login (the gateway's own
        // would take over the gateway's session: the broker binds sessions to accounts).
        let login = c.secureBroker
            ? " -u \(BrokerAccounts.observerUsername) -P \"$(cat \(BrokerAccessFiles(dataDirectory: c.dataDirectory).observerSecretFile))\""
            : ""
        let base = "\(c.httpTLS == nil ? "http" : "https")://\(c.httpHost == "0.0.0.0" ? "127.0.0.1" : c.httpHost):\(c.httpPort)"
        return """

            ── BrightKitchen demo ─────────────────────────────────────────────
             \(sites) sites are coming online; live state appears within seconds.
             broker    \(brokerURL)   (watch: mosquitto_sub -h 127.0.0.1 -p \(brokerURL.split(separator: ":").last ?? "1883")\(login) -t '\(TopicFilter.all)' -v)
             database  \(c.database)
             health    \(base)/healthz
             sites     curl -H 'Authorization: Bearer \(token)' \(base)/api/v1/sites
             one site  curl -H 'Authorization: Bearer \(token)' \(base)/api/v1/sites/<id>
             metrics   curl -H 'Authorization: Bearer \(token)' \(base)/metrics
             tickets   mosquitto_sub -p \(brokerURL.split(separator: ":").last ?? "1883")\(login) -t '\(TopicFilter.everyDevice(.ticket))' -v, then open the "url" of one
             batches   curl -H 'Authorization: Bearer \(token)' \(base)/api/v1/batches/<batch>/tickets
             admin token (shown once): \(token)
             Ctrl-C stops everything.
            ───────────────────────────────────────────────────────────────────

            """
    }
}
