import Foundation
import KitchenModel
import MQTTClient
import Storage
import StorageModel
import Synchronization
import TestSupport
import Testing

#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// Issue 18, item 4 end to end (一键喊话): the real `brightkitchen serve`; an ISAPI camera
/// stand-in that speaks digest and two-way audio (one session at a time, a stale one left open),
/// and a native camera listening on its `cmd` topic. Each warning must reach the camera as the
/// vendor or firmware spec says, and be a step in the alarm's trail.
@Suite(.serialized) struct VoiceWarningLoopTests {
    static func registry(_ camera: CameraHTTPStandIn) -> String {
        """
        sites:
          - {id: canteen-01, name: 第一中学食堂, kind: canteen, region: "420106", hours: "00:00-24:00"}
        devices:
          - {id: cam-native, site: canteen-01, kind: camera}
          - {id: cam-hik, site: canteen-01, kind: camera, interval_s: 300,
             source: {family: isapi, id: cam-hik, username: hik, password: "Kitchen-2026!"},
             speaker: {url: "\(camera.baseURL)", username: admin, password: "Cam-pass-1"}}
        """
    }

    struct Reply {
        var status: Int
        var json: [String: Any]
    }

    func post(_ url: String, token: String, body: [UInt8], contentType: String) async throws -> Reply {
        var request = URLRequest(url: URL(string: url)!)
        request.httpMethod = "POST"
        request.httpBody = Data(body)
        request.setValue(contentType, forHTTPHeaderField: "Content-Type")
        request.setValue("Bearer \(token)", forHTTPHeaderField: "Authorization")
        let (data, response) = try await URLSession.shared.data(for: request)
        return Reply(status: (response as? HTTPURLResponse)?.statusCode ?? 0,
                     json: (try? JSONSerialization.jsonObject(with: data) as? [String: Any]) ?? [:])
    }

    /// A WAV file: `format` 7 is µ-law (8 bits), 1 is PCM (16 bits here).
    static func wav(_ samples: [UInt8], format: UInt16 = 7) -> [UInt8] {
        func le16(_ v: UInt16) -> [UInt8] { [UInt8(v & 0xFF), UInt8(v >> 8)] }
        func le32(_ v: UInt32) -> [UInt8] { [UInt8(v & 0xFF), UInt8((v >> 8) & 0xFF), UInt8((v >> 16) & 0xFF), UInt8(v >> 24)] }
        let bits: UInt16 = format == 7 ? 8 : 16
        let fmt = le16(format) + le16(1) + le32(8_000) + le32(8_000 * UInt32(bits / 8)) + le16(bits / 8) + le16(bits)
        let chunks = Array("fmt ".utf8) + le32(16) + fmt + Array("data".utf8) + le32(UInt32(samples.count)) + samples
        return Array("RIFF".utf8) + le32(UInt32(4 + chunks.count)) + Array("WAVE".utf8) + chunks
    }

    @Test(arguments: StoreBackend.allCases)
    func warningsReachIsapiAndNativeCamerasAndEveryOneIsAStepOfTheTrail(_ backend: StoreBackend) async throws {
        let speaker = try CameraHTTPStandIn(username: "admin", password: "Cam-pass-1")
        defer { speaker.stop() }
        let bench = try GatewayBench(registry: Self.registry(speaker), backend: backend)
        defer { bench.tearDown() }
        // The operators' folder: a 9000-sample rodent clip (three audioData chunks) and a default one.
        let clips = bench.dir.file("clips")
        try FileManager.default.createDirectory(atPath: clips, withIntermediateDirectories: true)
        let rodentClip = (0..<9_000).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ 0x55) }
        try Data(rodentClip).write(to: URL(fileURLWithPath: clips + "/rodent.ulaw"))
        try Data([UInt8](repeating: 0xFF, count: 1_600)).write(to: URL(fileURLWithPath: clips + "/default.ulaw"))
        // 3 s: sent no faster than it plays, so a second warning meanwhile finds the speaker busy.
        try Data([UInt8](repeating: 0x5A, count: 24_000)).write(to: URL(fileURLWithPath: clips + "/smoking.ulaw"))
        let gateway = try bench.startGateway(extraArguments: ["--voice-clips", clips])
        defer { gateway.terminate() }
        try await bench.waitUntilHealthy(gateway)
        let store = try bench.openStore()
        let host = "http://127.0.0.1:\(bench.httpPort)"
        let (siteToken, _) = try store.createToken(role: .site, scope: "canteen-01", now: SystemClock().now())

        // Two violation alarms: a rodent pushed by the ISAPI camera, smoking from the native one.
        let hik = CameraPushLoopTests.CameraStandIn(port: bench.httpPort, username: "hik", password: "Kitchen-2026!")
        let (pushed, _) = try await hik.send("/isapi/cam-hik", Array(CameraPushFixtures.isapiAlertXML(eventType: "mouseDetection").utf8),
                                             contentType: "application/xml")
        #expect(pushed.status == 200, "\(pushed)")
        let native = try bench.deviceClient("cam-native")
        defer { native.stop() }
        let commands = Mutex<[String]>([])
        native.onMessage { m in commands.withLock { $0.append(String(decoding: m.payload, as: UTF8.self)) } }
        try native.subscribe("bk/v1/canteen-01/cam-native/cmd", qos: 1)
        let event = #"{"seq":1,"ts":\#(SystemClock().now()),"type":"detection","label":"smoking","score":0.91,"box":[0.4,0.4,0.1,0.1]}"#
        _ = try native.publish(topic: "bk/v1/canteen-01/cam-native/event", payload: Array(event.utf8), qos: 1)
        func violation(_ device: String) -> AlarmRow? {
            ((try? store.alarms(AlarmQuery())) ?? []).first { $0.kind.rawValue == "violation" && $0.device == device }
        }
        #expect(await eventually(timeout: .seconds(15)) { () async in violation("cam-hik") != nil && violation("cam-native") != nil })
        let hikAlarm = try #require(violation("cam-hik"))
        let nativeAlarm = try #require(violation("cam-native"))

        // ISAPI: a session another client left open is closed first; then open, audioData, close.
        speaker.state.withLock { $0.session = "777" }
        let played = try await post("\(host)/api/v1/alarms/\(hikAlarm.id)/voice", token: siteToken,
                                    body: Array(#"{"by":"王主管"}"#.utf8), contentType: "application/json")
        #expect(played.status == 200, "\(played.json)")
        #expect(played.json["via"] as? String == "isapi")
        #expect(played.json["clip"] as? String == "rodent")
        #expect(played.json["bytes"] as? Int == 9_000)
        let puts = speaker.received.filter { $0.method == "PUT" && $0.authorized }
        let steps = puts.map { $0.uri.replacingOccurrences(of: "/ISAPI/System/TwoWayAudio/channels/1/", with: "") }
        let session = "2093716361"
        #expect(steps == ["open", "close", "open", "audioData?sessionId=\(session)", "audioData?sessionId=\(session)",
                          "audioData?sessionId=\(session)", "close"], "\(steps)")
        #expect(puts.filter { $0.uri.contains("audioData") }.allSatisfy { $0.contentType == "application/octet-stream" })
        #expect(speaker.state.withLock { $0.played } == rodentClip, "the clip's samples, unchanged, in order")
        #expect(speaker.state.withLock { $0.session } == nil, "the session is closed afterwards")

        // One warning at a time per camera: a second one while the first plays is refused, not queued.
        let body = Array(#"{"clip":"smoking"}"#.utf8)
        async let first = post("\(host)/api/v1/alarms/\(hikAlarm.id)/voice", token: siteToken, body: body, contentType: "application/json")
        try await Task.sleep(for: .milliseconds(300))
        let second = try await post("\(host)/api/v1/alarms/\(hikAlarm.id)/voice", token: siteToken, body: body,
                                    contentType: "application/json")
        #expect(try await first.status == 200)
        #expect(second.status == 409, "\(second.json)")
        #expect(second.json["error"] as? String == "speaker_busy")
        #expect(speaker.state.withLock { $0.sessions } == 2, "the refused warning never reached the camera")

        // Native: an uploaded µ-law WAV goes out as a speak command on the camera's cmd topic.
        let recording = (0..<2_400).map { UInt8(truncatingIfNeeded: $0 &* 13) }
        let uploaded = try await post("\(host)/api/v1/alarms/\(nativeAlarm.id)/voice?by=%E6%9D%8E%E5%8E%A8", token: siteToken,
                                      body: Self.wav(recording), contentType: "audio/wav")
        #expect(uploaded.status == 200, "\(uploaded.json)")
        #expect(uploaded.json["via"] as? String == "mqtt")
        #expect(uploaded.json["source"] as? String == "upload")
        #expect(await eventually(timeout: .seconds(10)) { () async in commands.withLock { !$0.isEmpty } })
        let command = try #require(commands.withLock { $0.first }.flatMap {
            try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
        })
        #expect(command["cmd"] as? String == "speak")
        #expect(command["format"] as? String == "g711_ulaw_8k")
        #expect(command["alarm"] as? String == nativeAlarm.id)
        #expect((command["audio"] as? String).flatMap { Data(base64Encoded: $0) }.map([UInt8].init) == recording)

        // Refused uploads: PCM instead of µ-law, too large; nothing reaches the camera.
        let pcm = try await post("\(host)/api/v1/alarms/\(nativeAlarm.id)/voice", token: siteToken,
                                 body: Self.wav(recording, format: 1), contentType: "audio/wav")
        #expect(pcm.status == 400)
        #expect(pcm.json["error"] as? String == "bad_audio")
        #expect((pcm.json["message"] as? String)?.contains("format 1") == true, "\(pcm.json)")
        let huge = try await post("\(host)/api/v1/alarms/\(nativeAlarm.id)/voice", token: siteToken,
                                  body: [UInt8](repeating: 0x7F, count: 300_000), contentType: "audio/basic")
        #expect(huge.status == 413)
        #expect(commands.withLock { $0.count } == 1)

        // The camera's password changed: the attempt fails with the camera's reason and is in the trail too.
        speaker.state.withLock { $0.password = "Changed-pass-2" }
        let failed = try await post("\(host)/api/v1/alarms/\(hikAlarm.id)/voice", token: siteToken,
                                    body: Array(#"{"clip":"no_hat"}"#.utf8), contentType: "application/json")
        #expect(failed.status == 502, "\(failed.json)")
        #expect(failed.json["error"] as? String == "camera_failed")

        let hikTrail = try store.transitions(ofAlarm: hikAlarm.id).filter { $0.kind == "voice_warning" }
        #expect(hikTrail.count == 3, "played, played, failed; the busy refusal never reached the camera")
        #expect(hikTrail.first?.actor?.contains("王主管") == true, "\(hikTrail.map(\.actor))")
        #expect(hikTrail.first?.note?.contains("clip rodent") == true)
        #expect(hikTrail.last?.note?.contains("喊话失败") == true, "\(hikTrail.map(\.note))")
        #expect(hikTrail.last?.note?.contains("clip default") == true, "no no_hat clip: the default one played")
        let nativeTrail = try store.transitions(ofAlarm: nativeAlarm.id).filter { $0.kind == "voice_warning" }
        #expect(nativeTrail.count == 1)
        #expect(nativeTrail.first?.actor?.contains("李厨") == true)
        #expect(nativeTrail.first?.note?.contains("recording") == true)
        #expect(gateway.isRunning)
    }
}
