import Foundation
import Gateway
import KitchenModel
import Logging
import MQTTClient
import Storage
import Synchronization

/// Phase 1: sustained ingest rate against mosquitto_sub on the same stream.
struct Throughput {
    let devices: Int
    let messages: Int
    let publishers: Int
    let logger: Logger

    func run() async throws {
        let workspace = try BenchWorkspace(label: "bk-bench", logger: logger)
        defer { workspace.close() }
        let (dir, broker) = (workspace.directory, workspace.broker)

        let sites = max(1, devices / 10)
        try registryYAML(sites: sites, devices: devices).write(toFile: dir + "/registry.yaml", atomically: true, encoding: .utf8)
        var configuration = GatewayConfiguration(registryPath: dir + "/registry.yaml", brokerURL: broker.url,
                                                 databasePath: dir + "/bk.sqlite", dataDirectory: dir)
        configuration.gatewayID = "bench"
        let gateway = try GatewayRuntime(configuration: configuration, logger: logger)
        try gateway.prepare()
        try gateway.client.start()
        guard await gateway.client.waitUntilConnected(timeout: .seconds(10)) else { throw BenchFailure("gateway did not connect") }

        // mosquitto_sub: the broker's own client, the ceiling a subscriber can reach.
        let sub = Process()
        sub.executableURL = URL(fileURLWithPath: "/usr/bin/mosquitto_sub")
        sub.arguments = ["-h", "127.0.0.1", "-p", "\(broker.port)", "-q", "1", "-t", "bk/v1/+/+/telemetry",
                         "-C", "\(messages)", "-i", "bench-mosquitto-sub"]
        sub.standardOutput = FileHandle(forWritingAtPath: "/dev/null")
        try sub.run()
        try await Task.sleep(for: .milliseconds(700))  // both subscriptions in place

        let clients = try (0..<publishers).map { i -> MQTTClient in
            let c = try MQTTClient(configuration: MQTTConfiguration(host: "127.0.0.1", port: broker.port,
                                                                     clientID: "bench-pub-\(i)"), logger: logger)
            try c.start()
            return c
        }
        for c in clients where !(await c.waitUntilConnected(timeout: .seconds(10))) { throw BenchFailure("publisher did not connect") }

        print("\n## Throughput: \(messages) telemetry messages, \(devices) devices, \(publishers) publishers, QoS 1")
        let start = ContinuousClock.now
        let subDone = Mutex<ContinuousClock.Instant?>(nil)
        let waiter = Thread {
            sub.waitUntilExit()
            subDone.withLock { $0 = ContinuousClock.now }
        }
        waiter.start()
        // Each publisher owns a slice of devices; each device's seq increases by one per message.
        let perPublisher = messages / publishers
        DispatchQueue.concurrentPerform(iterations: publishers) { p in
            let now = SystemClock().now()
            var seqs = [Int64](repeating: 0, count: devices)
            for i in 0..<perPublisher {
                let device = (i * publishers + p) % devices
                seqs[device] += 1
                let payload = Array(#"{"seq":\#(seqs[device]),"ts":\#(now),"t":\#(3 + Double(i % 20) / 10),"rh":61.5,"bat":93}"#.utf8)
                _ = try? clients[p].publish(topic: "bk/v1/site-\(device % sites)/t-\(device)/telemetry", payload: payload,
                                            qos: 1, retain: false)
            }
        }
        let published = ContinuousClock.now
        let total = perPublisher * publishers
        var stored = 0
        let deadline = ContinuousClock.now.advanced(by: .seconds(600))
        while stored < total && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
            stored = try gateway.store.counts().readings
        }
        let gatewayDone = ContinuousClock.now
        while subDone.withLock({ $0 }) == nil && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(20))
        }
        let subFinished = subDone.withLock { $0 } ?? ContinuousClock.now
        for c in clients { c.stop() }
        gateway.shutdown()

        let publishRate = Double(total) / seconds(start.duration(to: published))
        let gatewayRate = Double(stored) / seconds(start.duration(to: gatewayDone))
        let subRate = Double(total) / seconds(start.duration(to: subFinished))
        print(String(format: "publishers handed off      %10.0f msg/s", publishRate))
        print(String(format: "mosquitto_sub -q 1         %10.0f msg/s", subRate))
        print(String(format: "gateway (decoded, stored)  %10.0f msg/s  (%d of %d committed)", gatewayRate, stored, total))
        print(String(format: "ratio gateway / mosquitto_sub  %.2f  (target >= 0.8)", gatewayRate / subRate))
    }
}

struct BenchFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
