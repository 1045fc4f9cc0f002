import CameraVision
import Foundation
import KitchenModel
import Storage
import StorageModel
import TestSupport
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Issue 18, item 3 end to end: the real `brightkitchen serve` polls a camera stand-in's
/// ISAPI snapshot URL behind HTTP Digest; the pictures are analysed like pushed frames, and when
/// the camera starts refusing the password the "no frames" alarm says why.
@Suite(.serialized) struct SnapshotPollLoopTests {
    static func registry(_ camera: CameraHTTPStandIn) -> String {
        """
        sites:
          - {id: canteen-01, name: 第一中学食堂, kind: canteen, region: "420106", hours: "00:00-24:00"}
        devices:
          - {id: cam-poll, site: canteen-01, kind: camera, interval_s: 300,
             snapshot: {url: "\(camera.baseURL)/ISAPI/Streaming/channels/101/picture", username: admin,
                        password: "Cam-pass-1", interval_s: 1}}
        """
    }

    /// One sample of `/metrics` (admin tokens only).
    static func metric(_ port: Int, _ token: String, _ line: String) async -> Double {
        var request = URLRequest(url: URL(string: "http://127.0.0.1:\(port)/metrics")!)
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        guard let (data, _) = try? await URLSession.shared.data(for: request) else { return 0 }
        let text = String(decoding: data, as: UTF8.self)
        return text.split(separator: "\n").first { $0.hasPrefix(line + " ") }.flatMap { Double($0.split(separator: " ").last!) } ?? 0
    }

    @Test(arguments: StoreBackend.allCases)
    func aPolledCameraIsAnalysedAndARefusedPasswordIsNoFramesWithItsReason(_ backend: StoreBackend) async throws {
        let camera = try CameraHTTPStandIn(username: "admin", password: "Cam-pass-1")
        defer { camera.stop() }
        var kitchen = SyntheticKitchen(width: 480, height: 270, seed: 5)
        let picture = try kitchen.jpeg(.day, encoder: JPEGEncoder()!)
        camera.state.withLock { $0.picture = .jpeg(picture) }

        let bench = try GatewayBench(registry: Self.registry(camera), backend: backend)
        defer { bench.tearDown() }
        try """
            camera:
              cameras:
                canteen-01/cam-poll: {quality: {frameIntervalMillis: 1000}}
            """.write(toFile: bench.dir.file("rules.yaml"), atomically: true, encoding: .utf8)
        let gateway = try bench.startGateway(extraArguments: ["--rules", bench.dir.file("rules.yaml")])
        defer { gateway.terminate() }
        try await bench.waitUntilHealthy(gateway)
        let port = bench.httpPort
        let store = try bench.openStore()
        let (admin, _) = try store.createToken(role: .admin, scope: nil, now: SystemClock().now())

        // Polled about once a second, the digest answered once and its nonce reused after.
        #expect(await eventually(timeout: .seconds(20)) {
            await Self.metric(port, admin, #"bk_camera_polls_total{outcome="ok"}"#) >= 3
        })
        // Analysis runs on the camera workers after the poll: under load it trails the polls a little.
        #expect(await eventually(timeout: .seconds(20)) {
            await Self.metric(port, admin, "bk_camera_frames_analyzed_total") >= 3
        }, "polled pictures are analysed like pushed frames")
        let gets = camera.received.filter { $0.method == "GET" }
        #expect(gets.allSatisfy { $0.uri == "/ISAPI/Streaming/channels/101/picture" })
        #expect(gets.filter { !$0.authorized }.count == 1, "one challenge, then the nonce is reused: \(gets.map(\.authorized))")
        #expect(gets.count >= 4)

        // The camera's password is changed behind the gateway's back: 401s, then "no frames" naming them.
        camera.state.withLock { $0.password = "Changed-pass-2" }
        func noFrames() -> [AlarmRow] {
            ((try? store.alarms(AlarmQuery())) ?? []).filter { $0.kind.rawValue == "camera_no_frames" && $0.state == .raised }
        }
        #expect(await eventually(timeout: .seconds(20)) { () async in !noFrames().isEmpty })
        let alarm = try #require(noFrames().first)
        #expect(alarm.device == "cam-poll")
        #expect(alarm.recordJSON.contains("http_401"), "\(alarm.recordJSON)")
        #expect(await Self.metric(port, admin, #"bk_camera_polls_total{outcome="http_401"}"#) >= 1)

        // A camera answering HTML instead of a picture is counted as such; the password fixed, frames come back.
        camera.state.withLock { $0.password = "Cam-pass-1"; $0.picture = .html }
        #expect(await eventually(timeout: .seconds(10)) {
            await Self.metric(port, admin, #"bk_camera_polls_total{outcome="not_jpeg"}"#) >= 1
        })
        camera.state.withLock { $0.picture = .jpeg(picture) }
        #expect(await eventually(timeout: .seconds(20)) { () async in
            ((try? store.alarm(id: alarm.id)) ?? nil)?.recordJSON.contains(#""conditionCleared":true"#) == true
        })
        #expect(gateway.isRunning)
    }
}
