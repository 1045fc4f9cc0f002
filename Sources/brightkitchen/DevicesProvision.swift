import ArgumentParser
import Foundation
import Gateway
import KitchenModel
import MQTTClient

extension Devices {
    /// Broker accounts for the registry's native devices (docs/operations.md, Broker security).
    struct Provision: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Issue broker credentials for native devices and write the broker's password and ACL files.",
            discussion: """
                Each device gets the username <site>.<device> and a random password, and may publish only on \
                its own bk/v1/<site>/<device>/ channels and read only its own cmd and ticket. Devices that \
                already have an account keep it unless --rotate. New passwords are printed once, as CSV \
                (site,device,username,password), on standard output. A running serve's broker reloads the files \
                at once. Third-party devices (registry `source:`) are skipped: their topics are not per-device.
                """)

        @Option(help: "Registry YAML with sites and devices (env BK_CONFIG).")
        var config: String?

        @Option(help: "The gateway's data directory (env BK_DATA_DIR); the files go to <data-dir>/mosquitto/.")
        var dataDir: String?

        @Option(help: "Only this site's devices.")
        var site: String?

        @Option(help: "Only this device (with --site).")
        var device: String?

        @Flag(help: "Issue new passwords even for devices that have one (the old ones stop working).")
        var rotate = false

        func validate() throws {
            if let site, SiteID(site) == nil { throw ValidationError("--site '\(site)' is not a valid site id") }
            if let device {
                guard site != nil else { throw ValidationError("--device needs --site") }
                guard DeviceID(device) != nil else { throw ValidationError("--device '\(device)' is not a valid device id") }
            }
        }

        func run() throws {
            let env = ProcessInfo.processInfo.environment
            let registryPath = config ?? env["BK_CONFIG"] ?? "brightkitchen.yaml"
            let registry = try RegistryFile.load(path: registryPath)
            let selected = registry.devices.values
                .filter { $0.source == nil }
                .filter { site == nil || $0.key.site.rawValue == site }
                .filter { device == nil || $0.key.device.rawValue == device }
                .map(\.key).sorted()
            guard !selected.isEmpty else {
                throw ValidationError("no native device in \(registryPath) matches" +
                    (site.map { " --site \($0)" } ?? "") + (device.map { " --device \($0)" } ?? ""))
            }
            let files = BrokerAccessFiles(dataDirectory: dataDir ?? env["BK_DATA_DIR"] ?? "./data")
            var accounts = try files.load()
            var issued: [(DeviceKey, String)] = []
            for key in selected where rotate || !accounts.contains(key) {
                issued.append((key, accounts.issue(for: key)))
            }
            try files.save(accounts)
            print("site,device,username,password")
            for (key, password) in issued {
                print("\(key.site),\(key.device),\(BrokerAccounts.username(for: key)),\(password)")
            }
            let reloaded = MosquittoBroker.reloadAccessFiles(ofBrokerIn: files.directory)
            FileHandle.standardError.write(Data("""
                \(issued.count) of \(selected.count) devices issued credentials (\(selected.count - issued.count) kept theirs); \
                \(accounts.devices.count) device accounts in \(files.passwordFile)\
                \(reloaded ? "; the running broker reloaded them" : "")

                """.utf8))
        }
    }
}
