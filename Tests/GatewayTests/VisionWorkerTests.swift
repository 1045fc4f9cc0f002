import CameraVision
import Foundation
@testable import Gateway
import KitchenRules
import KitchenModel
import MQTTClient
import StorageModel
import Synchronization
import TestSupport
import Testing

/// Issue 16, item 4 (docs/scale-out.md, "Vision workers"): real `serve --role vision` workers and a
/// `serve --role ingest --vision external` instance on one PostgreSQL (ThrowawayPostgres) and one
/// mosquitto; cameras publish JPEGs made by libjpeg (SyntheticKitchen) or answer snapshot polls. The
/// workers analyse, the shard owner raises the alarms, each exactly once.
@Suite(.serialized)
struct VisionWorkerTests {
    /// cam-1 in an open kitchen; cam-2 in a kitchen closed for the test (night motion); cam-poll
    /// polled over HTTP. Two county shards.
    static func registry(poll: CameraHTTPStandIn, closedHours: String) -> String {
        """
        sites:
          - {id: canteen-01, name: 第一中学食堂, kind: canteen, region: "420106", hours: "00:00-24:00"}
          - {id: canteen-02, name: 汉阳食堂, kind: canteen, region: "420105", hours: "\(closedHours)"}
        devices:
          - {id: cam-1, site: canteen-01, kind: camera}
          - {id: cam-2, site: canteen-02, kind: camera}
          - {id: cam-poll, site: canteen-01, kind: camera, interval_s: 300,
             snapshot: {url: "\(poll.baseURL)/ISAPI/Streaming/channels/101/picture", username: admin,
                        password: "Cam-pass-1", interval_s: 1}}
        """
    }

    static let rules = """
        camera:
          cameras:
            canteen-01/cam-1: {quality: {frameIntervalMillis: 1000}}
            canteen-01/cam-poll: {quality: {frameIntervalMillis: 1000}}
        """

    /// Opening hours of one minute, twelve hours from now: the kitchen is closed during the test.
    static func closedHours() -> String {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "Asia/Shanghai")!
        func clockTime(_ date: Date) -> String {
            let parts = calendar.dateComponents([.hour, .minute], from: date)
            return String(format: "%02d:%02d", parts.hour!, parts.minute!)
        }
        let opens = Date().addingTimeInterval(12 * 3_600)
        return "\(clockTime(opens))-\(clockTime(opens + 60))"
    }

    /// A bench with a polled camera answering `picture`, the rules file written.
    struct Setup {
        let bench: GatewayBench
        let poll: CameraHTTPStandIn
        let leases: VisionLeases
        var rulesArguments: [String] { ["--rules", bench.dir.file("rules.yaml")] }

        init(picture: CameraHTTPStandIn.Picture) throws {
            poll = try CameraHTTPStandIn(username: "admin", password: "Cam-pass-1")
            poll.state.withLock { $0.picture = picture }
            bench = try GatewayBench(registry: VisionWorkerTests.registry(poll: poll, closedHours: VisionWorkerTests.closedHours()),
                                     backend: .postgres)
            try VisionWorkerTests.rules.write(toFile: bench.dir.file("rules.yaml"), atomically: true, encoding: .utf8)
            leases = try VisionLeases(bench: bench)
        }

        func ingest() throws -> ChildProcess {
            try bench.startGateway(extraArguments: ["--role", "ingest", "--vision", "external"] + rulesArguments)
        }

        func worker(groups: Int = 1) throws -> ChildProcess {
            try bench.startGateway(extraArguments: ["--role", "vision", "--vision-groups", "\(groups)"] + rulesArguments)
        }

        func tearDown() {
            bench.tearDown()
            poll.stop()
        }
    }

    /// Frames over MQTT at QoS 0, as a camera publishes them (PROTOCOL.md).
    final class Camera {
        let client: MQTTClient
        var kitchen = SyntheticKitchen(width: 480, height: 270, seed: 7)
        let encoder = JPEGEncoder()!
        let topic: String

        init(_ bench: GatewayBench, site: String, device: String) throws {
            client = try bench.deviceClient("\(site)-\(device)")
            topic = "bk/v1/\(site)/\(device)/frame"
        }

        func frames(_ scenes: [SceneConditions], every interval: Duration = .milliseconds(150)) async throws {
            for scene in scenes {
                _ = try client.publish(topic: topic, payload: try kitchen.jpeg(scene, encoder: encoder), qos: 0)
                try await Task.sleep(for: interval)
            }
        }
    }

    static func alarms(_ store: any GatewayStore, kind: String, device: String) -> [AlarmRow] {
        ((try? store.alarms(AlarmQuery())) ?? []).filter { $0.kind.rawValue == kind && $0.device == device }
    }

    static let covered = SceneConditions(lensCovered: true)

    /// The shard owner analyses no frame itself; the worker does, for a pushed camera, a polled one
    /// and night motion (with its evidence), and every alarm is raised once, however many frames
    /// keep showing the fault.
    @Test func framesAndSnapshotsAnalysedByAWorkerRaiseEachAlarmOnceAtTheShardOwner() async throws {
        var kitchen = SyntheticKitchen(width: 480, height: 270, seed: 5)
        let setup = try Setup(picture: .jpeg(try kitchen.jpeg(Self.covered, encoder: JPEGEncoder()!)))
        defer { setup.tearDown() }
        let bench = setup.bench
        let ingest = try setup.ingest()
        defer { ingest.terminate() }
        let store = try bench.openStore()
        #expect(eventually(timeout: .seconds(60), every: .milliseconds(100)) {
            ingest.stderr.components(separatedBy: "shard taken").count == 3
        }, "the ingest instance holds both shards:\n\(ingest.stderr.suffix(2_000))")

        // No worker yet: the ingest instance decodes nothing and polls nothing.
        let cam1 = try Camera(bench, site: "canteen-01", device: "cam-1")
        defer { cam1.client.stop() }
        try await cam1.frames(Array(repeating: .day, count: 6) + Array(repeating: Self.covered, count: 8))
        try await Task.sleep(for: .seconds(2))
        #expect(Self.alarms(store, kind: "camera_covered", device: "cam-1").isEmpty,
                "--vision external: the shard owner analysed a frame itself")
        #expect(setup.poll.received.isEmpty, "--vision external: the shard owner polled a snapshot")

        let worker = try setup.worker()
        defer { worker.terminate() }
        #expect(eventually(timeout: .seconds(60), every: .milliseconds(100)) { setup.leases.groups(of: worker) == ["0-of-1"] },
                "\(worker.stderr.suffix(2_000))")
        try await Task.sleep(for: .seconds(1))  // the group's session subscribes once the registry is scoped

        try await cam1.frames(Array(repeating: .day, count: 6) + Array(repeating: Self.covered, count: 6))
        #expect(eventually(timeout: .seconds(20)) { !Self.alarms(store, kind: "camera_covered", device: "cam-1").isEmpty },
                "a covered lens seen by the worker is an alarm at the shard owner:\n\(worker.stderr.suffix(2_000))")
        // The polled camera's covered picture, fetched and analysed by the worker.
        #expect(eventually(timeout: .seconds(30)) { !Self.alarms(store, kind: "camera_covered", device: "cam-poll").isEmpty },
                "polls: \(setup.poll.received.count)\n\(worker.stderr.suffix(2_000))")

        // Night motion at the closed kitchen: the alarm and the worker's picture as its evidence.
        let cam2 = try Camera(bench, site: "canteen-02", device: "cam-2")
        defer { cam2.client.stop() }
        let run = (0..<6).map { index -> SceneConditions in
            var scene = SceneConditions.night
            scene.objects = [.rodent(at: 0.2 + 0.03 * Double(index), 0.8)]
            return scene
        }
        try await cam2.frames(Array(repeating: .night, count: 5) + run, every: .milliseconds(200))
        #expect(eventually(timeout: .seconds(20)) { !Self.alarms(store, kind: "violation", device: "cam-2").isEmpty })
        let violation = try #require(Self.alarms(store, kind: "violation", device: "cam-2").first)
        #expect(violation.identity.hasSuffix("/violation/rodent"))
        #expect(eventually(timeout: .seconds(10)) { ((try? store.evidence(ofAlarm: violation.id)) ?? []).count >= 1 })
        let evidence = try #require(try store.evidence(ofAlarm: violation.id).first)
        #expect(evidence.source == "gateway")
        #expect(evidence.thumbnailWidth == 320)

        // More of the same: nothing is raised a second time.
        try await cam1.frames(Array(repeating: Self.covered, count: 6))
        try await Task.sleep(for: .seconds(3))
        for (kind, device) in [("camera_covered", "cam-1"), ("camera_covered", "cam-poll"), ("violation", "cam-2")] {
            let found = Self.alarms(store, kind: kind, device: device)
            #expect(found.count == 1, "\(kind) on \(device) raised once: \(found.map(\.id))")
            if let alarm = found.first {
                let trail = (try? store.transitions(ofAlarm: alarm.id).map(\.kind)) ?? []
                // A fault only moves when it changes; a violation may be updated by later detections.
                #expect(kind == "violation" ? trail.filter { $0 == "raised" } == ["raised"] : trail == ["raised"],
                        "\(kind) on \(device): \(trail)")
            }
        }
        let evidenceIDs = (try? store.evidence(ofAlarm: violation.id).map(\.snapshot)) ?? []
        #expect(evidenceIDs.count == Set(evidenceIDs).count, "each picture kept once: \(evidenceIDs)")

        // A result of an older epoch (a worker that lost the group) changes nothing; the same result
        // at the holder's epoch is applied.
        let epoch = try #require(setup.leases.epoch(of: "0-of-1"))
        let forger = try bench.deviceClient("forger")
        defer { forger.stop() }
        func clearCovered(epoch: Int64) throws {
            let detail = AlarmDetail(message: "镜头恢复", messageEN: "lens clear")
            let result = VisionResult(group: 0, epoch: epoch, body: .condition(.init(
                kind: .cameraCovered, active: false, at: SystemClock().now(), detail: detail)))
            _ = try forger.publish(topic: "bk/v1/canteen-01/_vision/cam-1", payload: [UInt8](try JSONEncoder().encode(result)),
                                   qos: 1)
        }
        try clearCovered(epoch: epoch - 1)
        try await Task.sleep(for: .seconds(2))
        #expect(Self.alarms(store, kind: "camera_covered", device: "cam-1").first?.recordJSON.contains(#""conditionCleared":false"#)
                == true, "a stale epoch's result was applied")
        try clearCovered(epoch: epoch)
        #expect(eventually(timeout: .seconds(10)) {
            Self.alarms(store, kind: "camera_covered", device: "cam-1").first?.recordJSON.contains(#""conditionCleared":true"#) == true
        }, "the holder's epoch is applied")
        #expect(ingest.isRunning && worker.isRunning)
    }

    /// Two workers, one camera group: the holder is SIGKILLed, the other takes the group within
    /// 15 s, resumes its session and analyses its cameras' frames and snapshots; the alarm the killed
    /// worker raised is not raised again by the new one.
    @Test func aKilledWorkersCameraGroupIsTakenOverAndItsCamerasAnalysed() async throws {
        var kitchen = SyntheticKitchen(width: 480, height: 270, seed: 5)
        let day = try kitchen.jpeg(.day, encoder: JPEGEncoder()!)
        let setup = try Setup(picture: .jpeg(day))
        defer { setup.tearDown() }
        let bench = setup.bench
        let ingest = try setup.ingest()
        defer { ingest.terminate() }
        let store = try bench.openStore()
        let a = try setup.worker()
        defer { a.kill() }
        #expect(eventually(timeout: .seconds(60), every: .milliseconds(100)) { setup.leases.groups(of: a) == ["0-of-1"] },
                "\(a.stderr.suffix(2_000))")
        let b = try setup.worker()
        defer { b.terminate() }
        #expect(eventually(timeout: .seconds(30), every: .milliseconds(100)) { b.stderr.contains("vision worker starting") })
        #expect(eventually(timeout: .seconds(60), every: .milliseconds(100)) {
            ingest.stderr.components(separatedBy: "shard taken").count == 3
        })
        try await Task.sleep(for: .seconds(2))
        #expect(setup.leases.groups(of: b).isEmpty, "one group, held by the first worker")

        let cam1 = try Camera(bench, site: "canteen-01", device: "cam-1")
        defer { cam1.client.stop() }
        try await cam1.frames(Array(repeating: .day, count: 6) + Array(repeating: Self.covered, count: 5))
        #expect(eventually(timeout: .seconds(20)) { !Self.alarms(store, kind: "camera_covered", device: "cam-1").isEmpty },
                "\(a.stderr.suffix(2_000))")

        kill(a.process.processIdentifier, SIGKILL)
        let killed = ContinuousClock.now
        // Frames published meanwhile reach nobody (QoS 0): the next holder analyses what comes after.
        try await cam1.frames(Array(repeating: Self.covered, count: 3))
        let tookOver = eventually(timeout: .seconds(30), every: .milliseconds(50)) { setup.leases.groups(of: b) == ["0-of-1"] }
        let takeover = killed.duration(to: .now)
        print("vision takeover: SIGKILL → camera group held by the other worker \(takeover)")
        #expect(tookOver, "\(b.stderr.suffix(3_000))")
        #expect(takeover < .seconds(15), "takeover took \(takeover)")

        // The new holder analyses the polled camera, whose lens is now covered ...
        setup.poll.state.withLock { $0.picture = .jpeg((try? kitchen.jpeg(Self.covered, encoder: JPEGEncoder()!)) ?? []) }
        #expect(eventually(timeout: .seconds(30)) { !Self.alarms(store, kind: "camera_covered", device: "cam-poll").isEmpty },
                "\(b.stderr.suffix(2_000))")
        // ... and the pushed camera's frames, still covered: the alarm is carried on, not raised again.
        try await cam1.frames(Array(repeating: Self.covered, count: 8))
        try await Task.sleep(for: .seconds(2))
        let covered = Self.alarms(store, kind: "camera_covered", device: "cam-1")
        #expect(covered.count == 1, "\(covered.map(\.id))")
        if let alarm = covered.first {
            #expect((try? store.transitions(ofAlarm: alarm.id).map(\.kind)) == ["raised"])
        }
        // Night motion at the closed kitchen, seen by the new holder only.
        let cam2 = try Camera(bench, site: "canteen-02", device: "cam-2")
        defer { cam2.client.stop() }
        let run = (0..<6).map { index -> SceneConditions in
            var scene = SceneConditions.night
            scene.objects = [.rodent(at: 0.2 + 0.03 * Double(index), 0.8)]
            return scene
        }
        try await cam2.frames(Array(repeating: .night, count: 5) + run, every: .milliseconds(200))
        #expect(eventually(timeout: .seconds(20)) { Self.alarms(store, kind: "violation", device: "cam-2").count == 1 },
                "\(b.stderr.suffix(2_000))")
        #expect(b.isRunning && ingest.isRunning)
    }

    /// `--role vision` refuses to start without PostgreSQL or an external broker, and `--vision
    /// external` belongs to ingest instances.
    @Test func theVisionRoleRefusesWhatItCannotWorkWith() throws {
        let bench = try GatewayBench(registry: "sites: []\ndevices: []\n")
        defer { bench.tearDown() }
        let sqlite = try bench.startGateway(extraArguments: ["--role", "vision"])
        defer { sqlite.kill() }
        #expect(eventually(timeout: .seconds(30)) { !sqlite.isRunning }, "serve --role vision on SQLite must refuse")
        #expect(sqlite.process.terminationStatus != 0)
        #expect(sqlite.stderr.contains("--role vision needs --database postgres://"), "\(sqlite.stderr.suffix(1_000))")
        let all = try bench.startGateway(extraArguments: ["--vision", "external"])
        defer { all.kill() }
        #expect(eventually(timeout: .seconds(30)) { !all.isRunning }, "serve --vision external must refuse")
        #expect(all.process.terminationStatus != 0)
        #expect(all.stderr.contains("--vision external needs --role ingest"), "\(all.stderr.suffix(1_000))")
    }
}

/// The `vision_leases` table as the test sees it, through psql.
struct VisionLeases {
    let server: ThrowawayPostgres
    let name: String

    init(bench: GatewayBench) throws {
        server = try ThrowawayPostgres.shared()
        name = try #require(bench.database.split(separator: "/").last?.split(separator: "?").first).description
    }

    /// A group's lease epoch now.
    func epoch(of group: String) -> Int64? {
        let text = (try? server.psql("SELECT epoch FROM vision_leases WHERE shard = '\(group)'", database: name)) ?? ""
        return Int64(text.trimmingCharacters(in: .whitespacesAndNewlines))
    }

    /// The live groups of a worker (owners are `<host>-<pid>-<random>`).
    func groups(of process: ChildProcess) -> Set<String> {
        let text = (try? server.psql("SELECT shard, owner FROM vision_leases WHERE expires_at >= now()", database: name)) ?? ""
        return Set(text.split(separator: "\n").map { $0.split(separator: "|").map(String.init) }.filter {
            $0.count == 2 && $0[1].contains("-\(process.process.processIdentifier)-")
        }.map { $0[0] })
    }
}
