import ArgumentParser
import DeviceAdapters
import Foundation
import KitchenModel
import Logging
import MQTTClient
import Storage
import StorageModel
import Synchronization

/// Third-party devices (docs/third-party-devices.md): which sources nobody bound, and which
/// devices a broker carries.
struct Devices: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Devices: broker credentials, unbound third-party sources, proposed registry entries.",
        subcommands: [Unmapped.self, Discover.self, Provision.self])

    struct Unmapped: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List third-party sources that published but no registry device is bound to.",
            discussion: "`serve` records them in the database every second; counts add up across restarts.")

        @OptionGroup var db: StoreOption

        func run() throws {
            let sources = try db.open().unmappedSources()
            guard !sources.isEmpty else {
                print("no unmapped sources")
                return
            }
            let rows = [["FAMILY", "SOURCE", "COUNT", "FIRST SEEN", "LAST SEEN"]] + sources.map {
                // Source ids come from topics devices chose: escaped for the terminal.
                [TerminalText.escape($0.family), TerminalText.escape($0.sourceID), "\($0.count)", Timestamp.iso($0.firstSeen), Timestamp.iso($0.lastSeen)]
            }
            let widths = (0..<5).map { column in rows.map { $0[column].count }.max() ?? 0 }
            for row in rows {
                print(zip(row, widths).map { $0.padding(toLength: $1, withPad: " ", startingAt: 0) }
                    .joined(separator: "  ").trimmingCharacters(in: .whitespaces))
            }
        }
    }

    struct Discover: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Watch a broker and propose registry entries (YAML) for the devices it carries.",
            discussion: """
                Subscribes to Tasmota (tele/#), zigbee2mqtt (zigbee2mqtt/#), Shelly (+/events/rpc, +/online), \
                Frigate (frigate/# and --frigate-instance prefixes) and native births (bk/v1/+/+/birth). \
                The YAML goes to standard output, progress to standard error.
                """)

        @Option(help: "How long to watch, in seconds.")
        var seconds = 60

        @Option(help: "The broker, mqtt://user:pass@host:port.")
        var broker: String

        @Option(help: "Site id to put in the proposals (default: a SITE placeholder to replace).")
        var site: String?

        @Option(name: .customLong("frigate-instance"), help: "A Frigate mqtt.topic_prefix other than frigate; repeatable.")
        var frigateInstances: [String] = []

        func validate() throws {
            guard (1...3_600).contains(seconds) else { throw ValidationError("--seconds must be 1-3600") }
            if let site, SiteID(site) == nil { throw ValidationError("--site '\(site)' is not a valid site id") }
        }

        func run() throws {
            var logger = Logger(label: "discover")
            logger.logLevel = .warning
            let discovery = Mutex(SourceDiscovery(
                frigateInstances: Set(frigateInstances + [DeviceSource.defaultFrigateInstance])))
            let counts = Mutex((seen: 0, recognised: 0))
            let client = try MQTTClient(
                configuration: MQTTConfiguration.parse(url: broker, clientID: "bk-discover-\(UUID().uuidString.prefix(8))"),
                logger: logger)
            client.onMessage { message in
                let recognised = discovery.withLock { $0.observe(topic: message.topic, payload: message.payload) }
                counts.withLock { $0.seen += 1; if recognised { $0.recognised += 1 } }
            }
            for filter in discovery.withLock({ $0.topicFilters }) { try client.subscribe(filter, qos: 0) }
            try client.start()
            defer { client.stop() }
            guard client.blockUntilConnected(timeout: .seconds(10)) else {
                throw ValidationError("cannot connect to \(broker): \(client.lastError.map { "\($0)" } ?? "no answer")")
            }
            for elapsed in 0...seconds {
                let (seen, recognised) = counts.withLock { ($0.seen, $0.recognised) }
                let devices = discovery.withLock { $0.proposals.count }
                progress("watching \(broker): \(elapsed)/\(seconds) s, \(seen) messages, \(recognised) recognised, "
                    + "\(devices) devices")
                if elapsed < seconds { Thread.sleep(forTimeInterval: 1) }
            }
            progress("\n")
            let proposals = discovery.withLock { $0.proposals }
            print("# Proposed by brightkitchen devices discover: \(proposals.count) devices seen on \(broker) in \(seconds) s.")
            print("# Check ids, sites, zones and interval_s (each device's report period), then add to the registry.")
            print(TerminalText.escape(DiscoveryYAML.render(proposals, site: site), keepingLineBreaks: true), terminator: "")
        }

        private func progress(_ line: String) {
            FileHandle.standardError.write(Data((line == "\n" ? line : "\r" + line).utf8))
        }
    }
}
