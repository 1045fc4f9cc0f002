import Foundation
import KitchenModel
import MQTTClient
import Storage
import StorageModel
import TestSupport
import Testing

/// `serve` with its default, secured embedded broker and credentials from `devices provision`.
@Suite(.serialized) struct SecureServeTests {
    static let registry = """
        sites:
          - {id: canteen-01, name: Canteen, kind: canteen, region: "420106"}
          - {id: canteen-02, name: Other canteen, kind: canteen, region: "420106"}
        devices:
          - {id: fridge-1, site: canteen-01, kind: thermo, zone: cold, interval_s: 30}
          - {id: fridge-1, site: canteen-02, kind: thermo, zone: cold, interval_s: 30}
        """

    var binary: String { productsDirectory().appendingPathComponent("brightkitchen").path }

    /// `devices provision` output: username → password, from its CSV.
    func provision(_ arguments: [String], in dir: TemporaryDirectory) throws -> [String: String] {
        let process = try ChildProcess(executable: binary, arguments: ["devices", "provision",
            "--config", dir.file("registry.yaml"), "--data-dir", dir.path] + arguments, logDirectory: dir.path)
        process.process.waitUntilExit()
        #expect(process.process.terminationStatus == 0, "\(process.stderr)")
        let rows = process.stdout.split(separator: "\n").dropFirst().map { $0.split(separator: ",").map(String.init) }
        return Dictionary(uniqueKeysWithValues: rows.map { ($0[2], $0[3]) })
    }

    func device(port: Int, user: String?, password: String?) throws -> MQTTClient {
        var configuration = MQTTConfiguration(host: "127.0.0.1", port: port, clientID: "dev-\(UUID().uuidString.prefix(6))")
        configuration.username = user
        configuration.password = password
        return try MQTTClient(configuration: configuration)
    }

    @Test func provisionedDevicesAloneReachTheGatewayAndOnlyOnTheirOwnTopics() async throws {
        let dir = TemporaryDirectory("bk-secure")
        try Self.registry.write(toFile: dir.file("registry.yaml"), atomically: true, encoding: .utf8)
        let issued = try provision(["--site", "canteen-01"], in: dir)
        #expect(Array(issued.keys) == ["canteen-01.fridge-1"])
        #expect(try provision(["--site", "canteen-01"], in: dir).isEmpty, "a second run keeps existing passwords")

        let httpPort = freePort()
        let gateway = try ChildProcess(executable: binary, arguments: [
            "serve", "--allow-loopback-public-url", "--config", dir.file("registry.yaml"), "--data-dir", dir.path, "--http-port", "\(httpPort)",
        ], logDirectory: dir.path)
        defer { gateway.kill() }
        try await waitUntilHealthy(gateway, port: httpPort)  // healthy means the gateway logged in with its account
        let store = try Store(path: dir.file("brightkitchen.sqlite"))
        let brokerPort = try #require(try store.meta("embedded_broker_port").flatMap(Int.init))

        let anonymous = try device(port: brokerPort, user: nil, password: nil)
        defer { anonymous.stop() }
        // Refused by the broker's CONNACK (5: not authorised), not merely unreachable or timed out.
        let refusal = await #expect(throws: MQTTError.self) { try await anonymous.connect(timeout: .seconds(3)) }
        #expect(refusal?.isBrokerRefusal == true && refusal?.code == 5, "\(refusal.map { "\($0)" } ?? "no error")")

        let fridge = try device(port: brokerPort, user: "canteen-01.fridge-1", password: issued["canteen-01.fridge-1"])
        defer { fridge.stop() }
        try await fridge.connect(timeout: .seconds(5))
        let now = SystemClock().now()
        // Into the other canteen's fridge: dropped by the broker, so never stored nor even rejected.
        _ = try fridge.publish(topic: "bk/v1/canteen-02/fridge-1/telemetry",
                               payload: Array(#"{"seq":1,"ts":\#(now),"t":30}"#.utf8), qos: 1)
        _ = try fridge.publish(topic: "bk/v1/canteen-01/fridge-1/telemetry",
                               payload: Array(#"{"seq":1,"ts":\#(now),"t":3.5}"#.utf8), qos: 1)
        let own = DeviceKey(site: SiteID("canteen-01")!, device: DeviceID("fridge-1")!)
        let other = DeviceKey(site: SiteID("canteen-02")!, device: DeviceID("fridge-1")!)
        #expect(eventually(timeout: .seconds(10)) { (try? store.storedSequenceNumbers(of: own).count) == 1 })
        #expect(try store.storedSequenceNumbers(of: other).isEmpty)
        #expect(try store.rejects().isEmpty)

        // Provisioning while serve runs: the broker reloads its files and the new device gets in.
        let late = try provision(["--site", "canteen-02"], in: dir)
        let second = try device(port: brokerPort, user: "canteen-02.fridge-1", password: late["canteen-02.fridge-1"])
        defer { second.stop() }
        try await second.connect(timeout: .seconds(5))
        _ = try second.publish(topic: "bk/v1/canteen-02/fridge-1/telemetry",
                               payload: Array(#"{"seq":1,"ts":\#(now),"t":4}"#.utf8), qos: 1)
        #expect(eventually(timeout: .seconds(10)) { (try? store.storedSequenceNumbers(of: other).count) == 1 })
    }
}
