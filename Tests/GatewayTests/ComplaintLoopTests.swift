import CameraVision
import Foundation
import KitchenModel
import MQTTClient
import StorageModel
import Synchronization
import TestSupport
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Issue 19, item 3, end to end on `brightkitchen serve`: a complaint posted from the kitchen
/// page's form reaches the site's and the regulator's MQTT topics and the webhook, like an alarm,
/// and `/metrics` counts it.
@Suite(.serialized) struct ComplaintLoopTests {
    static let registry = """
        sites:
          - {id: canteen-01, name: 第一中学食堂, kind: canteen, region: "420106"}
        devices:
          - {id: fridge-1, site: canteen-01, kind: thermo, zone: cold}
        """

    @Test(arguments: StoreBackend.allCases) func aComplaintReachesTheSiteTheRegulatorAndTheWebhook(_ backend: StoreBackend) async throws {
        let bench = try GatewayBench(registry: Self.registry, backend: backend)
        defer { bench.tearDown() }
        let hookPort = freePort()
        let hookLog = bench.dir.file("webhook.jsonl")
        let receiver = try ChildProcess(
            executable: "/usr/bin/env",
            arguments: ["python3", repositoryRoot().appendingPathComponent("scripts/webhook-receiver").path,
                        "\(hookPort)", AlarmLoopTests.secret, hookLog], logDirectory: bench.dir.path)
        defer { receiver.kill() }
        let watcher = try bench.deviceClient("watcher")
        defer { watcher.stop() }
        let inbox = Mutex<[(String, String)]>([])
        watcher.onMessage { m in inbox.withLock { $0.append((m.topic, String(decoding: m.payload, as: UTF8.self))) } }
        try watcher.subscribe("bk/v1/canteen-01/_gateway/complaints", qos: 1)
        try watcher.subscribe("bk/v1/_regulator/42/#", qos: 1)

        let gateway = try bench.startGateway(extraArguments: [
            "--webhook", "city=http://127.0.0.1:\(hookPort)/hook", "--webhook-secret", AlarmLoopTests.secret,
        ])
        defer { gateway.terminate() }
        try await bench.waitUntilHealthy(gateway)

        let boundary = "bkLoopBoundary"
        let photo = try #require(JPEGEncoder()).encode(RGBImage(width: 32, height: 24, fill: RGB(180, 90, 60)))
        var body = Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\ncomplaint\r\n".utf8)
        body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"text\"\r\n\r\n凉菜区有苍蝇\r\n".utf8)
        body += Array("--\(boundary)\r\nContent-Disposition: form-data; name=\"photo\"; filename=\"a.jpg\"\r\nContent-Type: image/jpeg\r\n\r\n".utf8)
        body += photo + Array("\r\n--\(boundary)--\r\n".utf8)
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(bench.httpPort)/k/canteen-01/complaints")!)
        request.httpMethod = "POST"
        request.setValue("multipart/form-data; boundary=\(boundary)", forHTTPHeaderField: "Content-Type")
        request.httpBody = Data(body)
        let (page, response) = try await URLSession.shared.data(for: request)
        // The 303 is followed to the case page.
        let http = try #require(response as? HTTPURLResponse)
        #expect(http.statusCode == 200)
        #expect(http.url?.path.hasPrefix("/c/") == true)
        // Foundation's client asks for English.
        #expect(String(decoding: page, as: UTF8.self).contains("Received, awaiting a decision"))

        #expect(eventually(timeout: .seconds(10)) {
            inbox.withLock { Set($0.map(\.0)) }
                == ["bk/v1/canteen-01/_gateway/complaints", "bk/v1/_regulator/42/4201/420106/complaints"]
        })
        #expect(inbox.withLock { $0.allSatisfy { $0.1.contains(#""step":"received""#) && $0.1.contains("凉菜区有苍蝇") } })
        #expect(eventually(timeout: .seconds(15)) {
            ((try? String(contentsOfFile: hookLog, encoding: .utf8)) ?? "").contains(#""type": "complaint""#)
        })

        let store = try bench.openStore()
        let stored = try #require(try store.complaints(ComplaintQuery()).first)
        #expect(stored.photoCount == 1)
        #expect(try store.complaintPhoto(of: stored.id, index: 0) == photo)
        let (admin, _) = try store.createToken(role: .admin, scope: nil, now: SystemClock().now())
        var metrics = URLRequest(url: URL(string: "http://127.0.0.1:\(bench.httpPort)/metrics")!)
        metrics.setValue("Bearer \(admin)", forHTTPHeaderField: "Authorization")
        let text = String(decoding: try await URLSession.shared.data(for: metrics).0, as: UTF8.self)
        #expect(text.contains(#"bk_feedback_accepted_total{kind="complaint"} 1"#), "\(text.suffix(2000))")
        #expect(text.contains(#"bk_complaint_steps_total{step="received"} 1"#))
    }
}
