import Foundation
import Gateway
import KitchenModel
import Logging
import MQTTClient
import Storage
import StorageModel
import Synchronization
import TestSupport
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Issue 3's closed loop end to end: a fridge held at 9 °C past its (shortened) delay raises
/// one alarm that reaches the site topic, the regulator topic and a webhook; it is acknowledged
/// and rectified over the API; a restart in the middle keeps the delay's timer.
@Suite(.serialized) struct AlarmLoopTests {
    static let registry = """
        sites:
          - {id: canteen-01, name: 第一中学食堂, kind: canteen, region: "420106"}
        devices:
          - {id: fridge-1, site: canteen-01, kind: thermo, zone: cold, interval_s: 60}
        """
    /// The 15-minute default delay, shortened so the test runs in seconds.
    static let rules = """
        zones:
          cold: {zone: cold, minCelsius: 0, maxCelsius: 8, alarmDelaySeconds: 3, recoverySeconds: 2}
        """
    static let secret = "test-webhook-secret-0123456789"


    func post(_ url: String, token: String, json: String) async throws -> (Int, String) {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = "POST"
        request.httpBody = Data(json.utf8)
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        let (data, response) = try await URLSession.shared.data(for: request)
        return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
    }

    @Test(arguments: StoreBackend.allCases) func warmFridgeAlarmsEverywhereAndIsWorkedThrough(_ backend: StoreBackend) async throws {
        let bench = try GatewayBench(registry: Self.registry, backend: backend)
        defer { bench.tearDown() }
        try Self.rules.write(toFile: bench.dir.file("rules.yaml"), atomically: true, encoding: .utf8)
        let hookPort = freePort()
        let hookLog = bench.dir.file("webhook.jsonl")
        let receiver = try ChildProcess(
            executable: "/usr/bin/env",
            arguments: ["python3", repositoryRoot().appendingPathComponent("scripts/webhook-receiver").path,
                        "\(hookPort)", Self.secret, hookLog], logDirectory: bench.dir.path)
        defer { receiver.kill() }
        let extra = ["--rules", bench.dir.file("rules.yaml"), "--webhook", "city=http://127.0.0.1:\(hookPort)/hook",
                     "--webhook-secret", Self.secret]

        // Both alarm topics, as a site screen and a provincial regulator would subscribe.
        let watcher = try bench.deviceClient("watcher")
        defer { watcher.stop() }
        let inbox = Mutex<[(String, String)]>([])
        watcher.onMessage { m in inbox.withLock { $0.append((m.topic, String(decoding: m.payload, as: UTF8.self))) } }
        try watcher.subscribe("bk/v1/canteen-01/_gateway/alarms", qos: 1)
        try watcher.subscribe("bk/v1/_regulator/42/#", qos: 1)

        var gateway = try bench.startGateway(extraArguments: extra)
        try await bench.waitUntilHealthy(gateway)
        let fridge = try bench.deviceClient("fridge-1")
        defer { fridge.stop() }
        var seq = 0
        func warm() throws {
            seq += 1
            let payload = #"{"seq":\#(seq),"ts":\#(SystemClock().now()),"t":9.0,"rh":70}"#
            _ = try fridge.publish(topic: "bk/v1/canteen-01/fridge-1/telemetry", payload: Array(payload.utf8), qos: 1)
        }
        let firstWarm = SystemClock().now()
        try warm()
        try await Task.sleep(for: .milliseconds(1_500))
        try warm()
        try await Task.sleep(for: .milliseconds(500))

        // Restart halfway through the delay: the excursion's start must survive it.
        gateway.terminate()
        gateway = try bench.startGateway(extraArguments: extra)
        try await bench.waitUntilHealthy(gateway)
        for _ in 0..<6 {
            try warm()
            try await Task.sleep(for: .milliseconds(500))
        }

        let store = try bench.openStore()
        #expect(eventually(timeout: .seconds(10)) { (try? store.alarms(AlarmQuery()).count) == 1 })
        let alarm = try #require(try store.alarms(AlarmQuery()).first)
        #expect(alarm.kind == .tooWarm)
        #expect(alarm.region == "420106")
        let record = try #require(try JSONSerialization.jsonObject(with: Data(alarm.recordJSON.utf8)) as? [String: Any])
        let detail = try #require(record["detail"] as? [String: Any])
        let since = try #require(detail["since"] as? Int64 ?? (detail["since"] as? Int).map(Int64.init))
        #expect(abs(since - firstWarm) < 1_000, "the delay counted from the first warm reading, across the restart")

        #expect(eventually(timeout: .seconds(10)) {
            inbox.withLock { messages in
                Set(messages.filter { $0.1.contains(#""transition":"raised""#) }.map(\.0))
                    == ["bk/v1/canteen-01/_gateway/alarms", "bk/v1/_regulator/42/4201/420106/alarms"]
            }
        })
        let raised = inbox.withLock { $0.first { $0.1.contains(#""transition":"raised""#) }?.1 } ?? ""
        #expect(raised.contains("冷藏"), "a Chinese sentence a site manager can act on: \(raised)")
        #expect(eventually(timeout: .seconds(15)) {
            ((try? String(contentsOfFile: hookLog, encoding: .utf8)) ?? "").contains(#""transition": "raised""#)
        })
        let hooks = ((try? String(contentsOfFile: hookLog, encoding: .utf8)) ?? "").split(separator: "\n")
        #expect(!hooks.isEmpty && hooks.allSatisfy { $0.contains(#""valid": true"#) }, "\(hooks)")

        // The site works it through over the API.
        let (siteToken, _) = try store.createToken(role: .site, scope: "canteen-01", now: SystemClock().now())
        let base = "http://127.0.0.1:\(bench.httpPort)/api/v1/alarms/\(alarm.id)"
        let (ackStatus, ackBody) = try await post(base + "/ack", token: siteToken, json: #"{"by":"王师傅"}"#)
        #expect(ackStatus == 200, "\(ackBody)")
        let (badStatus, badBody) = try await post(base + "/rectify", token: siteToken, json: #"{"action":""}"#)
        #expect(badStatus == 409, "an empty corrective action is refused: \(badBody)")
        let (fixStatus, fixBody) = try await post(base + "/rectify", token: siteToken,
                                                  json: #"{"by":"王师傅","action":"更换门封条，温度已恢复"}"#)
        #expect(fixStatus == 200, "\(fixBody)")
        let (closeStatus, _) = try await post(base + "/close", token: siteToken, json: "{}")
        #expect(closeStatus == 403, "a site may not close its own alarm")
        let trail = try store.transitions(ofAlarm: alarm.id).map(\.kind)
        #expect(trail.first == "raised")
        #expect(trail.contains("acknowledged"))
        #expect(trail.last == "rectified")
        #expect(eventually(timeout: .seconds(5)) {
            inbox.withLock { $0.contains { $0.1.contains(#""transition":"rectified""#) } }
        })

        // The API's view of the same alarm: shared fields, who did what, and the trail.
        var request = URLRequest(url: URL(string: base)!)
        request.setValue("Bearer \(siteToken)", forHTTPHeaderField: "Authorization")
        let (data, _) = try await URLSession.shared.data(for: request)
        let body = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let view = try #require(body["alarm"] as? [String: Any])
        #expect(view["kind"] as? String == "too_warm")
        #expect(view["title_zh"] as? String == "温度过高")
        #expect(view["state"] as? String == "rectified")
        #expect((view["rectified_by"] as? String)?.hasPrefix("王师傅 (site:canteen-01#") == true)
        #expect(view["rectify_action"] as? String == "更换门封条，温度已恢复")
        let trailKinds = (body["trail"] as? [[String: Any]])?.compactMap { $0["transition"] as? String } ?? []
        #expect(trailKinds == trail)
        let (adminToken, _) = try store.createToken(role: .admin, scope: nil, now: SystemClock().now())
        var metricsRequest = URLRequest(url: URL(string: "http://127.0.0.1:\(bench.httpPort)/metrics")!)
        metricsRequest.setValue("Bearer \(adminToken)", forHTTPHeaderField: "Authorization")
        let metrics = String(decoding: try await URLSession.shared.data(for: metricsRequest).0, as: UTF8.self)
        #expect(metrics.contains(#"bk_alarm_transitions_total{transition="raised"} 1"#), "\(metrics.prefix(300))")
        #expect(metrics.contains(#"bk_alarm_transitions_total{transition="rectified"} 1"#))
        let (listStatus, list) = try await post(base, token: siteToken, json: "{}")
        #expect(listStatus == 404 || listStatus == 405, "POST on the alarm itself is not a route: \(list)")
        gateway.terminate()
        // A clean stop after webhook deliveries: the HTTP client was shut down, not dropped.
        #expect(gateway.process.terminationReason == .exit && gateway.process.terminationStatus == 0,
                "\(gateway.stderr.suffix(1000))")
    }
}
