import Foundation
import KitchenModel
import MQTTClient
import StorageModel
import Synchronization
import TestSupport
import Testing

/// Issue 15, item 6, "retrying what was in flight" for alarms: a step decided while PostgreSQL is
/// unreachable is retried until the server is back, then stored once and published, instead of
/// being dropped unpublished.
@Suite(.serialized) struct PostgresAlarmRetryTests {
    static let registry = """
        sites:
          - {id: canteen-01, name: Canteen, kind: canteen, region: "420106"}
        devices:
          - {id: fridge-2, site: canteen-01, kind: thermo, zone: cold, interval_s: 30}
        """
    static let rules = """
        zones:
          cold: {zone: cold, minCelsius: 0, maxCelsius: 8, alarmDelaySeconds: 1, recoverySeconds: 1, updateEverySeconds: 600}
        """

    @Test func anAlarmDecidedWhileTheDatabaseIsDownIsStoredOnceAndPublishedWhenItIsBack() async throws {
        let server = try ThrowawayPostgres()
        defer { server.stop() }
        let bench = try GatewayBench(registry: Self.registry, backend: .postgres, postgres: server)
        defer { bench.tearDown() }
        try Self.rules.write(toFile: bench.dir.file("rules.yaml"), atomically: true, encoding: .utf8)
        let gateway = try bench.startGateway(extraArguments: ["--rules", bench.dir.file("rules.yaml")])
        defer { gateway.terminate() }
        try await bench.waitUntilHealthy(gateway)

        let watcher = try bench.deviceClient("watcher")
        defer { watcher.stop() }
        let published = Mutex<[String]>([])
        watcher.onMessage { m in published.withLock { $0.append(String(decoding: m.payload, as: UTF8.self)) } }
        try watcher.subscribe("bk/v1/canteen-01/_gateway/alarms", qos: 1)
        let fridge = try bench.deviceClient("fridge-2")
        defer { fridge.stop() }
        var seq = 0
        func reading(_ celsius: Double) throws {
            seq += 1
            let payload = #"{"seq":\#(seq),"ts":\#(SystemClock().now()),"t":\#(celsius),"rh":60}"#
            _ = try fridge.publish(topic: "bk/v1/canteen-01/fridge-2/telemetry", payload: Array(payload.utf8), qos: 1)
        }
        for _ in 0..<3 {
            try reading(4)
            try await Task.sleep(for: .milliseconds(100))
        }

        // The server goes away; the fridge warms up for longer than the alarm delay.
        server.stop()
        for _ in 0..<25 {
            try reading(12)
            try await Task.sleep(for: .milliseconds(100))
        }
        #expect(eventually(timeout: .seconds(20)) { gateway.stderr.contains("alarm batch commit failed, retrying") },
                "the raise was decided and its commit failed:\n\(gateway.stderr.suffix(2_000))")
        #expect(published.withLock { $0 }.isEmpty, "nothing is published before it is stored")

        try server.restart()
        #expect(eventually(timeout: .seconds(30)) { published.withLock { $0 }.contains { $0.contains(#""raised""#) } },
                "the raise was published once the database was back:\n\(gateway.stderr.suffix(2_000))")
        try await bench.waitUntilHealthy(gateway)
        let store = try bench.openStore()
        let messages = published.withLock { $0 }
        for message in messages {
            let json = try #require(try JSONSerialization.jsonObject(with: Data(message.utf8)) as? [String: Any])
            let id = try #require(json["alarm_id"] as? String)
            #expect(try store.transitions(ofAlarm: id).filter { $0.bodyJSON == message }.count == 1,
                    "published, stored once: \(message)")
        }
        #expect(!gateway.stderr.contains("cannot record alarm batch"), "no step was given up")
        #expect(gateway.isRunning)
    }
}
