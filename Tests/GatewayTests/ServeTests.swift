import Foundation
import KitchenModel
import Logging
import MQTTClient
import Storage
import StorageModel
import TestSupport
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// `brightkitchen serve` as an operator runs it: embedded defaults, bad input, reloads, shutdown.
@Suite(.serialized) struct ServeTests {
    static let registry = """
        sites:
          - {id: canteen-01, name: Canteen, kind: canteen, region: "420106"}
        devices:
          - {id: fridge-1, site: canteen-01, kind: thermo, zone: cold, interval_s: 30}
        """

    let fridge = DeviceKey(site: SiteID("canteen-01")!, device: DeviceID("fridge-1")!)
    var binary: String { productsDirectory().appendingPathComponent("brightkitchen").path }

    /// Runs a one-shot CLI command and returns its stdout.
    func cli(_ arguments: [String], in dir: TemporaryDirectory) throws -> String {
        let process = try ChildProcess(executable: binary, arguments: arguments, logDirectory: dir.path)
        process.process.waitUntilExit()
        return process.stdout
    }

    func get(_ url: String, token: String? = nil) async throws -> (Int, String) {
        var request = URLRequest(url: URL(string: url)!)
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    /// `serve` on the embedded defaults (no --broker, no --database) in a fresh directory,
    /// healthy, with its default database opened and a device connected to its private broker.
    struct Served {
        let dir: TemporaryDirectory
        let port: Int
        let gateway: ChildProcess
        let store: Store
        let device: MQTTClient
    }

    func serveEmbedded(_ label: String) async throws -> Served {
        let dir = TemporaryDirectory(label)
        try Self.registry.write(toFile: dir.file("registry.yaml"), atomically: true, encoding: .utf8)
        let port = freePort()
        let gateway = try ChildProcess(executable: binary, arguments: [
            "serve", "--allow-loopback-public-url", "--config", dir.file("registry.yaml"), "--data-dir", dir.path, "--http-port", "\(port)",
            // These tests are about ingest, not broker security: their devices connect anonymously.
            "--insecure-broker",
        ], logDirectory: dir.path)
        try await waitUntilHealthy(gateway, port: port)
        let store = try Store(path: dir.file("brightkitchen.sqlite"))
        let brokerPort = try #require(try store.meta("embedded_broker_port").flatMap(Int.init))
        let device = try MQTTClient(configuration: MQTTConfiguration(host: "127.0.0.1", port: brokerPort,
                                                                      clientID: "test-device-\(label)"))
        try device.start()
        guard device.blockUntilConnected(timeout: .seconds(5)) else { throw BenchError("device not connected") }
        return Served(dir: dir, port: port, gateway: gateway, store: store, device: device)
    }

    @Test func embeddedDefaultsRejectBadInputAndShutDownCleanly() async throws {
        let served = try await serveEmbedded("bk-serve")
        let (dir, port, gateway, store, device) = (served.dir, served.port, served.gateway, served.store, served.device)
        defer { gateway.kill() }
        // No --database: the default file under the data dir. No --broker: a private mosquitto.
        let database = dir.file("brightkitchen.sqlite")
        let brokerPid = try #require(Int32(try String(contentsOfFile: dir.file("mosquitto/mosquitto.pid"),
                                                      encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        let now = SystemClock().now()
        let bad: [(String, String)] = [
            ("bk/v1/canteen-01/fridge-1/telemetry", #"{"seq":1,"ts":\#(now),"t":"#),
            ("bk/v1/canteen-01/fridge-1/telemetry", #"{"seq":1,"ts":\#(now),"t":"cold"}"#),
            ("bk/v1/canteen-01/fridge-1/telemetry", #"{"seq":1,"ts":\#(now),"t":900}"#),
            ("bk/v1/nowhere/fridge-1/telemetry", #"{"seq":1,"ts":\#(now),"t":3}"#),
            ("bk/v1/canteen-01/fridge-1/gossip", #"{}"#),
            ("bk/v1/canteen-01/fridge-1/telemetry", #"{"seq":1,"ts":\#(now + 86_400_000),"t":3}"#),
        ]
        for (topic, payload) in bad { _ = try device.publish(topic: topic, payload: Array(payload.utf8), qos: 1) }
        _ = try device.publish(topic: "bk/v1/canteen-01/fridge-1/telemetry",
                               payload: Array(#"{"seq":1,"ts":\#(now),"t":3.5}"#.utf8), qos: 1)
        #expect(eventually(timeout: .seconds(10)) { (try? store.storedSequenceNumbers(of: fridge).count) == 1 })
        #expect(eventually(timeout: .seconds(5)) { (try? store.rejects().count) == bad.count })
        let reasons = Set(try store.rejects().map(\.record.reason))
        #expect(reasons == ["bad_json", "wrong_type", "out_of_range", "unknown_site", "unknown_channel", "clock_skew"])

        // The operator's view of the same: the CLI and the metrics.
        let listing = try cli(["rejects", "--database", database], in: dir)
        #expect(listing.contains("unknown_channel  bk/v1/canteen-01/fridge-1/gossip"))
        #expect(listing.contains("field 't' must be a number between -200 and 500"))
        let token = try cli(["tokens", "create", "--role", "admin", "--database", database], in: dir)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        let (status, metrics) = try await get("http://127.0.0.1:\(port)/metrics", token: token)
        #expect(status == 200)
        #expect(metrics.contains(#"bk_rejects_total{reason="bad_json"} 1"#))
        #expect(metrics.contains(#"bk_messages_total{channel="telemetry",kind="thermo"} 1"#))
        let (siteStatus, site) = try await get("http://127.0.0.1:\(port)/api/v1/sites/canteen-01", token: token)
        #expect(siteStatus == 200)
        #expect(site.contains(#""t":3.5"#))
        device.stop()

        // SIGTERM: clean exit, and the private broker goes with it.
        gateway.terminate(timeout: .seconds(15))
        #expect(gateway.process.terminationReason == .exit)
        #expect(gateway.process.terminationStatus == 0, "\(gateway.stderr.suffix(2000))")
        #expect(kill(brokerPid, 0) != 0, "the embedded broker must not outlive the gateway")
    }

    /// The latency probe's phases as Prometheus histograms: a stored reading moves the batch
    /// commit phase's `_count`, `_sum` and `+Inf` bucket on /metrics.
    @Test func metricsShowLatencyHistogramsMovingWithMessages() async throws {
        let served = try await serveEmbedded("bk-latency")
        let (dir, port, gateway, store, device) = (served.dir, served.port, served.gateway, served.store, served.device)
        defer { gateway.kill() }
        defer { device.stop() }
        let token = try cli(["tokens", "create", "--role", "admin", "--database", dir.file("brightkitchen.sqlite")], in: dir)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        /// The value of the exposition line that starts with `series `, 0 when absent.
        func value(_ series: String) async throws -> Double {
            let (status, body) = try await get("http://127.0.0.1:\(port)/metrics", token: token)
            #expect(status == 200)
            let line = body.split(separator: "\n").first { $0.hasPrefix(series + " ") }
            return line.flatMap { Double($0.split(separator: " ").last ?? "") } ?? 0
        }
        let count = #"bk_latency_milliseconds_count{phase="commit-any"}"#
        let sum = #"bk_latency_milliseconds_sum{phase="commit-any"}"#
        let infinity = #"bk_latency_milliseconds_bucket{phase="commit-any",le="+Inf"}"#
        let before = (count: try await value(count), sum: try await value(sum))

        for seq in 1...3 {
            let payload = #"{"seq":\#(seq),"ts":\#(SystemClock().now()),"t":3.5}"#
            _ = try device.publish(topic: "bk/v1/canteen-01/fridge-1/telemetry", payload: Array(payload.utf8), qos: 1)
            #expect(eventually(timeout: .seconds(10)) { (try? store.storedSequenceNumbers(of: fridge).count) == seq })
        }
        var after = try await value(count)
        #expect(await eventually { () async in
            after = (try? await value(count)) ?? 0
            return after >= before.count + 3
        }, "three commits, three samples: \(before.count) → \(after)")
        #expect(try await value(sum) > before.sum)
        #expect(try await value(infinity) == (try await value(count)))
        // Every bucket is there, sub-millisecond to seconds, and the tick's phases too.
        let (_, body) = try await get("http://127.0.0.1:\(port)/metrics", token: token)
        #expect(body.contains(#"bk_latency_milliseconds_bucket{phase="commit-any",le="0.1"}"#))
        #expect(body.contains(#"bk_latency_milliseconds_bucket{phase="commit-any",le="5000.0"}"#))
        // The 1 s maintenance tick's phases are there once it has run.
        #expect(await eventually { () async in
            (try? await value(#"bk_latency_milliseconds_count{phase="tick-alarms"}"#)) ?? 0 >= 1
        })
    }

    @Test func registryReloadsOnFileChangeAndSIGHUP() async throws {
        let served = try await serveEmbedded("bk-reload")
        let (dir, gateway, store, device) = (served.dir, served.gateway, served.store, served.device)
        defer { gateway.kill() }
        defer { device.stop() }
        let freezer = DeviceKey(site: SiteID("canteen-01")!, device: DeviceID("freezer-1")!)
        func send(_ seq: Int) throws {
            let payload = #"{"seq":\#(seq),"ts":\#(SystemClock().now()),"t":-18.5}"#
            _ = try device.publish(topic: "bk/v1/canteen-01/freezer-1/telemetry", payload: Array(payload.utf8), qos: 1)
        }

        try send(1)
        #expect(eventually(timeout: .seconds(5)) { (try? store.rejects(reason: "unknown_device").count) == 1 })

        // A broken edit keeps the old registry in force.
        try "sites: [{id: canteen-01, kind: oven}]".write(toFile: dir.file("registry.yaml"), atomically: true, encoding: .utf8)
        #expect(eventually(timeout: .seconds(6)) { gateway.stderr.contains("registry reload failed") })

        // A good edit is picked up from the file's modification time.
        let withFreezer = Self.registry + "\n  - {id: freezer-1, site: canteen-01, kind: thermo, zone: freezer}\n"
        try withFreezer.write(toFile: dir.file("registry.yaml"), atomically: true, encoding: .utf8)
        #expect(eventually(timeout: .seconds(6)) { gateway.stderr.contains("reason=file changed") })
        try send(2)
        #expect(eventually(timeout: .seconds(5)) { (try? store.storedSequenceNumbers(of: freezer).count) == 1 })

        // SIGHUP reloads at once.
        kill(gateway.process.processIdentifier, SIGHUP)
        #expect(eventually(timeout: .seconds(5)) { gateway.stderr.contains("reason=SIGHUP") })
        gateway.terminate()
    }
}
