import CameraVision
import Foundation
import Gateway
import KitchenModel
import MQTTClient
import Storage
import StorageModel
import TestSupport
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Issue 5 end to end: the real broker and `brightkitchen serve`, a camera publishing generated
/// JPEGs (SyntheticKitchen, encoded by libjpeg), the alarms and evidence read back from the
/// database and over the API.
@Suite(.serialized) struct CameraLoopTests {
    static func registry(hours: String = "00:00-24:00") -> String {
        """
        sites:
          - {id: canteen-01, name: 第一中学食堂, kind: canteen, region: "420106", hours: "\(hours)"}
          - {id: canteen-02, name: 汉阳食堂, kind: canteen, region: "420105"}
        devices:
          - {id: cam-1, site: canteen-01, kind: camera}
        """
    }

    struct Reply {
        var status: Int
        var contentType: String
        var data: Data
        var json: [String: Any] { (try? JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:] }
    }

    func request(_ method: String, _ url: String, token: String? = nil, json: String? = nil) async throws -> Reply {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = method
        if let token { request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization") }
        if let json {
            request.httpBody = Data(json.utf8)
            request.setValue("application/json", forHTTPHeaderField: "Content-Type")
        }
        let (data, response) = try await URLSession.shared.data(for: request)
        let http = response as? HTTPURLResponse
        return Reply(status: http?.statusCode ?? 0, contentType: http?.value(forHTTPHeaderField: "Content-Type") ?? "",
                     data: data)
    }

    /// A camera on the bench: publishes frames, snapshots and detections like a real one.
    final class Camera {
        let client: MQTTClient
        var kitchen = SyntheticKitchen(width: 480, height: 270, seed: 7)
        let encoder = JPEGEncoder()!
        var seq = 0
        let base = "bk/v1/canteen-01/cam-1"

        init(_ bench: GatewayBench) throws {
            client = try bench.deviceClient("cam-1")
        }

        func jpeg(_ scene: SceneConditions) throws -> [UInt8] { try kitchen.jpeg(scene, encoder: encoder) }

        func frames(_ scenes: [SceneConditions], every interval: Duration = .milliseconds(150)) async throws {
            for scene in scenes {
                _ = try client.publish(topic: "\(base)/frame", payload: try jpeg(scene), qos: 0)
                try await Task.sleep(for: interval)
            }
        }

        func snapshot(_ id: String, _ bytes: [UInt8]) throws {
            _ = try client.publish(topic: "\(base)/snapshot/\(id)", payload: bytes, qos: 1)
        }

        func detection(_ label: String, snapshot: String) throws {
            seq += 1
            let event = #"{"seq":\#(seq),"ts":\#(SystemClock().now()),"type":"detection","label":"\#(label)","#
                + #""score":0.91,"box":[0.40,0.75,0.05,0.05],"snapshot":"\#(snapshot)"}"#
            _ = try client.publish(topic: "\(base)/event", payload: Array(event.utf8), qos: 1)
        }
    }

    func alarms(_ store: Store, kind: String) -> [AlarmRow] {
        ((try? store.alarms(AlarmQuery())) ?? []).filter { $0.kind.rawValue == kind }
    }

    @Test func snapshotsJoinDetectionsInEitherOrderAndBadJPEGsAreRejected() async throws {
        let bench = try GatewayBench(registry: Self.registry())
        defer { bench.tearDown() }
        let gateway = try bench.startGateway()
        defer { gateway.terminate() }
        try await bench.waitUntilHealthy(gateway)
        let camera = try Camera(bench)
        defer { camera.client.stop() }

        let first = try camera.jpeg(.day), second = try camera.jpeg(.day)
        try camera.detection("rodent", snapshot: "evt-1")  // the detection first...
        try await Task.sleep(for: .milliseconds(300))
        try camera.snapshot("evt-1", first)
        try await Task.sleep(for: .milliseconds(300))
        try camera.snapshot("evt-2", second)  // ...then the picture first, as firmware should
        try await Task.sleep(for: .milliseconds(300))
        try camera.detection("rodent", snapshot: "evt-2")

        let store = try Store(path: bench.database)
        #expect(eventually(timeout: .seconds(15)) {
            guard let alarm = alarms(store, kind: "violation").first else { return false }
            return ((try? store.evidence(ofAlarm: alarm.id).count) ?? 0) == 2
        })
        let violations = alarms(store, kind: "violation")
        #expect(violations.count == 1, "both detections are one incident")
        let alarm = try #require(violations.first)
        #expect(alarm.riskClass == .class1)

        let host = "http://127.0.0.1:\(bench.httpPort)"
        let (siteToken, _) = try store.createToken(role: .site, scope: "canteen-01", now: SystemClock().now())
        let (otherToken, _) = try store.createToken(role: .site, scope: "canteen-02", now: SystemClock().now())
        let listing = try await request("GET", "\(host)/api/v1/alarms/\(alarm.id)/evidence", token: siteToken)
        #expect(listing.status == 200)
        let items = try #require(listing.json["evidence"] as? [[String: Any]])
        #expect(items.compactMap { $0["snapshot"] as? String } == ["evt-1", "evt-2"])
        let thumbnailURL = try #require((items.first?["thumbnail"] as? [String: Any])?["url"] as? String)
        let originalURL = try #require((items.first?["original"] as? [String: Any])?["url"] as? String)

        let thumbnail = try await request("GET", host + thumbnailURL, token: siteToken)
        #expect(thumbnail.status == 200)
        #expect(thumbnail.contentType == "image/jpeg")
        let header = try JPEGInspector().inspect([UInt8](thumbnail.data))
        #expect(header.width == 320, "a valid JPEG, 320 px wide")
        let original = try await request("GET", host + originalURL, token: siteToken)
        #expect([UInt8](original.data) == first, "the original as the camera sent it")
        #expect(try await request("GET", host + thumbnailURL, token: otherToken).status == 403)
        #expect(try await request("GET", host + thumbnailURL).status == 401)
        for path in ["/api/v1/evidence/abc/original.jpg", "/api/v1/evidence/999999/thumbnail.jpg",
                     "/api/v1/evidence/..%2F..%2Fetc%2Fpasswd/original.jpg", "/api/v1/evidence/-1/original.jpg"] {
            let status = try await request("GET", host + path, token: siteToken).status
            #expect(status == 404 || status == 400, "\(path): \(status)")
        }
        let view = try await request("GET", "\(host)/api/v1/alarms/\(alarm.id)", token: siteToken)
        #expect((view.json["alarm"] as? [String: Any])?["evidence_count"] as? Int == 2)

        // Unusable pictures: refused with their reason, and the gateway carries on.
        try camera.snapshot("cut", Array(first.prefix(first.count / 2)))
        try camera.snapshot("huge", claimingSize(first, width: 65_000, height: 65_000))
        #expect(eventually(timeout: .seconds(10)) {
            let reasons = Set(((try? store.rejects()) ?? []).map(\.record.reason))
            return reasons.isSuperset(of: ["jpeg_truncated", "jpeg_dimensions_too_large"])
        })
        let huge = try #require(try store.rejects(reason: "jpeg_dimensions_too_large").first)
        #expect(huge.record.message.contains("65000×65000"), "\(huge.record.message)")
        #expect(gateway.isRunning)
        #expect(try await request("GET", "\(host)/healthz").status == 200)
        let (adminToken, _) = try store.createToken(role: .admin, scope: nil, now: SystemClock().now())
        let metrics = String(decoding: try await request("GET", "\(host)/metrics", token: adminToken).data, as: UTF8.self)
        #expect(metrics.contains(#"bk_camera_jpeg_rejects_total{source="snapshot",reason="jpeg_truncated"} 1"#))
        #expect(metrics.contains(#"bk_camera_evidence_total{outcome="stored"} 2"#))
    }

    @Test func aCoveredLensIsAnEquipmentAlarmThatClosesOnceUncoveredAndSilenceIsNoFrames() async throws {
        let bench = try GatewayBench(registry: Self.registry())
        defer { bench.tearDown() }
        // Per-camera thresholds from the rules file: frames expected every second here.
        try """
            camera:
              cameras:
                canteen-01/cam-1: {quality: {frameIntervalMillis: 1000}}
            """.write(toFile: bench.dir.file("rules.yaml"), atomically: true, encoding: .utf8)
        let gateway = try bench.startGateway(extraArguments: ["--rules", bench.dir.file("rules.yaml")])
        defer { gateway.terminate() }
        try await bench.waitUntilHealthy(gateway)
        let camera = try Camera(bench)
        defer { camera.client.stop() }
        let store = try Store(path: bench.database)

        try await camera.frames(Array(repeating: .day, count: 6))
        try await camera.frames(Array(repeating: SceneConditions(lensCovered: true), count: 4))
        #expect(eventually(timeout: .seconds(10)) { !alarms(store, kind: "camera_covered").isEmpty })
        let alarm = try #require(alarms(store, kind: "camera_covered").first)
        #expect(alarm.state == .raised)
        #expect(alarm.recordJSON.contains("摄像头遮挡或黑屏") || alarm.recordJSON.contains("镜头"), "\(alarm.recordJSON)")

        let (siteToken, _) = try store.createToken(role: .site, scope: "canteen-01", now: SystemClock().now())
        let host = "http://127.0.0.1:\(bench.httpPort)"
        let ack = try await request("POST", "\(host)/api/v1/alarms/\(alarm.id)/ack", token: siteToken,
                                    json: #"{"by":"王师傅"}"#)
        #expect(ack.status == 200)
        try await camera.frames(Array(repeating: .day, count: 5))
        #expect(eventually(timeout: .seconds(10)) { alarms(store, kind: "camera_covered").first?.state == .closed })
        let trail = try store.transitions(ofAlarm: alarm.id).map(\.kind)
        #expect(trail == ["raised", "acknowledged", "cleared", "closed"])

        // The camera stops sending: after 3 missed intervals "no frames" is raised.
        #expect(eventually(timeout: .seconds(15)) {
            alarms(store, kind: "camera_no_frames").contains { $0.state == .raised && $0.recordJSON.contains(#""conditionCleared":false"#) }
        })
        #expect(gateway.isRunning)
    }

    @Test func aSmallBlobMovingAtNightIsARodentAlarmRaisedByTheGateway() async throws {
        // One minute of opening hours, twelve hours from now: the kitchen is closed during the test.
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Shanghai")!
        func clockTime(_ date: Date) -> String {
            let parts = calendar.dateComponents([.hour, .minute], from: date)
            return String(format: "%02d:%02d", parts.hour!, parts.minute!)
        }
        let opens = Date().addingTimeInterval(12 * 3_600)
        let bench = try GatewayBench(registry: Self.registry(hours: "\(clockTime(opens))-\(clockTime(opens + 60))"))
        defer { bench.tearDown() }
        let gateway = try bench.startGateway()
        defer { gateway.terminate() }
        try await bench.waitUntilHealthy(gateway)
        let camera = try Camera(bench)
        defer { camera.client.stop() }
        let store = try Store(path: bench.database)

        let run = (0..<6).map { index -> SceneConditions in
            var scene = SceneConditions.night
            scene.objects = [.rodent(at: 0.2 + 0.03 * Double(index), 0.8)]
            return scene
        }
        try await camera.frames(Array(repeating: .night, count: 5) + run, every: .milliseconds(200))
        #expect(eventually(timeout: .seconds(10)) { !alarms(store, kind: "violation").isEmpty })
        let alarm = try #require(alarms(store, kind: "violation").first)
        #expect(alarm.riskClass == .class1)
        #expect(alarm.identity.hasSuffix("/violation/rodent"))
        #expect(eventually(timeout: .seconds(5)) { ((try? store.evidence(ofAlarm: alarm.id)) ?? []).count == 1 })
        let evidence = try #require(try store.evidence(ofAlarm: alarm.id).first)
        #expect(evidence.source == "gateway")
        #expect(evidence.label == "rodent")
        #expect(evidence.thumbnailWidth == 320)
        #expect(alarms(store, kind: "camera_covered").isEmpty, "a dark night picture is not a covered lens")
    }
}
