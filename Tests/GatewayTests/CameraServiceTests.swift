import CameraVision
import Foundation
import Gateway
import GatewayPorts
import KitchenModel
import KitchenRules
import Logging
import Storage
import StorageModel
import TestSupport
import Testing

private let cam = DeviceKey(site: SiteID("canteen-01")!, device: DeviceID("cam-1")!)
/// 2026-11-22 00:00 Asia/Shanghai: the canteen (06:00-20:00) is closed until 06:00.
private let midnight: EpochMillis = 1_795_276_800_000
private let noon = midnight + 12 * 3_600_000

/// The camera service over a real store, state model, batch writer and alarm engine, fed as the
/// ingest pipeline feeds it (state model, then alarms, then cameras), with generated JPEGs.
private final class CameraFixture {
    let dir = TemporaryDirectory("bk-camera")
    let store: Store
    let model: StateModel
    let writer: BatchWriter
    let alarms: AlarmEngine
    let camera: CameraService
    let metrics = GatewayMetrics()
    var kitchen = SyntheticKitchen(width: 480, height: 270, seed: 7)
    let encoder = JPEGEncoder()!
    var seq: Int64 = 0

    init(camera config: CameraServiceConfig = CameraServiceConfig(), rules: RuleConfig = RuleConfig(),
         publicCamera: Bool = false) throws {
        store = try Store(path: dir.file("bk.sqlite"))
        model = StateModel(registry: try RegistryFile.parse(yaml: """
            sites:
              - {id: canteen-01, name: 食堂, kind: canteen, region: "420106", hours: "06:00-20:00"\(publicCamera ? ", public_cameras: [cam-1]" : "")}
            devices:
              - {id: cam-1, site: canteen-01, kind: camera}
            """), restoring: [], startedAt: midnight)
        let logger = Logger(label: "test")
        writer = BatchWriter(store: store, logger: logger)
        writer.start()
        alarms = try AlarmEngine(config: rules, store: store, model: model, clock: SystemClock(), logger: logger,
                                 webhookTargets: []) { _, _ in }
        camera = CameraService(config: config, model: model, alarms: alarms, store: store, writer: writer,
                               registry: metrics.registry, clock: SystemClock(), logger: logger)
        camera.start()
    }

    deinit {
        camera.stop()
        writer.stop()
    }

    func feed(_ payload: DevicePayload, at time: EpochMillis, sequenced: Bool = false, topic: String? = nil) {
        var sequence: SequenceStamp?
        if sequenced {
            seq += 1
            sequence = SequenceStamp(seq: seq, deviceTime: time)
        }
        let message = DeviceMessage(key: cam, receivedAt: time, sequence: sequence, payload: payload)
        _ = model.apply(message)
        alarms.observe(message)
        camera.observe(message, topic: topic)
    }

    func frames(_ scenes: [SceneConditions], from start: EpochMillis) throws {
        for (index, scene) in scenes.enumerated() {
            feed(.frame(jpeg: try kitchen.jpeg(scene, encoder: encoder)), at: start + EpochMillis(index) * 1_000)
        }
        try settle()
    }

    func settle() throws {
        #expect(eventually(timeout: .seconds(20)) { camera.isIdle })
        alarms.waitForCommits()
        try writer.flush()
    }

    func alarms(kind: AlarmKind) throws -> [AlarmRecord] {
        try store.alarms(AlarmQuery()).filter { $0.kind == kind }.map { try AlarmRecord(storedJSON: $0.recordJSON) }
    }
}

private func crossing(_ frames: Int) -> [SceneConditions] {
    (0..<frames).map { index in
        var scene = SceneConditions.night
        scene.objects = [.rodent(at: 0.2 + 0.03 * Double(index), 0.8)]
        return scene
    }
}

@Suite(.serialized) struct CameraServiceTests {
    /// Issue 19: the open-kitchen page's pictures. A public camera's frame is kept while the
    /// site is open; night frames, a private camera and a camera with an open alarm keep none.
    @Test func aPublicCamerasLatestDaytimeFrameIsKeptForTheKitchenPage() throws {
        let f = try CameraFixture(publicCamera: true)
        try f.frames(Array(repeating: .day, count: 3), from: noon)
        let kept = try #require(f.camera.pictures.picture(cam))
        #expect(kept.at == noon + 2_000)
        #expect(kept.jpeg.starts(with: [0xFF, 0xD8]))
        // Closed at night: the daytime picture is taken down, the night's frames are not kept.
        let evening = midnight + 21 * 3_600_000
        try f.frames(Array(repeating: .night, count: 2), from: evening)
        #expect(f.camera.pictures.picture(cam) == nil)
        // The next day, open again, then a covered lens: an open alarm on the camera takes its picture down.
        let nextNoon = noon + 86_400_000
        try f.frames(Array(repeating: .day, count: 6), from: nextNoon)
        #expect(f.camera.pictures.picture(cam) != nil)
        try f.frames(Array(repeating: SceneConditions(lensCovered: true), count: 4), from: nextNoon + 6_000)
        #expect(try f.alarms(kind: .cameraCovered).first?.state == .raised)
        try f.frames(Array(repeating: .day, count: 2), from: nextNoon + 10_000)
        #expect(f.camera.pictures.picture(cam) == nil, "the camera's alarm is still open")

        let private_ = try CameraFixture()
        try private_.frames(Array(repeating: .day, count: 3), from: noon)
        #expect(private_.camera.pictures.picture(cam) == nil)
    }

    @Test func aCoveredLensRaisesAnEquipmentFaultThatClosesOnceUncoveredAndSeen() throws {
        let f = try CameraFixture()
        try f.frames(Array(repeating: .day, count: 6), from: noon)
        #expect(try f.alarms(kind: .cameraCovered).isEmpty)
        try f.frames(Array(repeating: SceneConditions(lensCovered: true), count: 4), from: noon + 6_000)
        let raised = try #require(try f.alarms(kind: .cameraCovered).first)
        #expect(raised.state == .raised)
        #expect(raised.kind.category == .equipment)
        #expect(raised.detail.message.contains("摄像头 cam-1：摄像头遮挡或黑屏，请检查镜头"), "\(raised.detail.message)")
        #expect(try f.alarms(kind: .cameraCovered).count == 1, "one alarm however many covered frames")

        _ = try f.alarms.acknowledge(id: raised.id, by: "王师傅", note: nil)
        try f.frames(Array(repeating: .day, count: 4), from: noon + 10_000)
        let closed = try #require(try f.alarms(kind: .cameraCovered).first)
        #expect(closed.state == .closed)
        #expect(closed.closeNote == "condition cleared")
    }

    @Test func aMovingSmallBlobAtNightBecomesAGatewayRodentAlarmWithEvidence() throws {
        let f = try CameraFixture()
        let night = midnight + 3_600_000
        try f.frames(Array(repeating: .night, count: 5) + crossing(6), from: night)
        let alarm = try #require(try f.alarms(kind: .violation).first)
        #expect(alarm.label == "rodent")
        #expect(alarm.riskClass == .class1)
        let evidence = try f.store.evidence(ofAlarm: alarm.id)
        #expect(evidence.count == 1)
        let first = try #require(evidence.first)
        #expect(first.source == "gateway")
        #expect(first.thumbnailWidth == 320)
        #expect(first.originalWidth == 480)
        #expect(alarm.evidence == [first.snapshot], "the alarm names the picture it keeps")
        let thumbnail = try #require(try f.store.evidencePicture(id: first.id, .thumbnail))
        #expect(try JPEGInspector().inspect(thumbnail).width == 320)
    }

    @Test func snapshotsJoinTheirDetectionsInEitherOrderAsEvidenceOfOneAlarm() throws {
        let f = try CameraFixture()
        let night = midnight + 3_600_000
        let box = KitchenModel.DetectionBox(x: 0.4, y: 0.75, width: 0.05, height: 0.05)
        let first = try f.kitchen.jpeg(.night, encoder: f.encoder)
        let second = try f.kitchen.jpeg(.night, encoder: f.encoder)
        f.feed(.snapshot(id: "evt-1", jpeg: first), at: night)
        try f.settle()
        f.feed(.event(.detection(Detection(label: "rodent", score: 0.9, box: box, snapshot: "evt-1"))), at: night + 100,
               sequenced: true)
        f.feed(.event(.detection(Detection(label: "rodent", score: 0.85, box: box, snapshot: "evt-2"))), at: night + 5_000,
               sequenced: true)
        f.feed(.snapshot(id: "evt-2", jpeg: second), at: night + 5_200)
        // Class 3 raises no alarm: its picture is not kept.
        f.feed(.event(.detection(Detection(label: "no_hat", score: 0.9, box: box, snapshot: "evt-3"))), at: night + 6_000,
               sequenced: true)
        f.feed(.snapshot(id: "evt-3", jpeg: second), at: night + 6_100)
        try f.settle()

        let alarms = try f.alarms(kind: .violation)
        #expect(alarms.count == 1)
        let alarm = try #require(alarms.first)
        let evidence = try f.store.evidence(ofAlarm: alarm.id)
        #expect(evidence.map(\.snapshot) == ["evt-1", "evt-2"])
        #expect(evidence.allSatisfy { $0.source == "camera" && $0.label == "rodent" && $0.box == [0.4, 0.75, 0.05, 0.05] })
        #expect(try f.store.evidencePicture(id: evidence[0].id, .original) == first, "the original is kept untouched")
        #expect(try f.store.evidencePicture(id: evidence[1].id, .original) == second)
        #expect(f.camera.pendingJoins == 0)
        let exposition = String(decoding: f.metrics.exposition(), as: UTF8.self)
        #expect(exposition.contains(#"bk_camera_evidence_total{outcome="stored"} 2"#), "\(exposition)")
        #expect(exposition.contains(#"bk_camera_evidence_total{outcome="no_alarm"} 1"#))
    }

    @Test func badJPEGsAreRejectedWithTheirReasonBeforeDecoding() throws {
        let f = try CameraFixture()
        let good = try f.kitchen.jpeg(.day, encoder: f.encoder)
        f.feed(.snapshot(id: "cut", jpeg: Array(good.prefix(good.count / 2))), at: noon)
        f.feed(.snapshot(id: "huge", jpeg: claimingSize(good, width: 65_000, height: 65_000)), at: noon + 1)
        f.feed(.frame(jpeg: [0xFF, 0xD8, 0xFF, 0xD9]), at: noon + 2)
        try f.settle()
        let rejects = try f.store.rejects().map(\.record)
        #expect(Set(rejects.map(\.reason)) == ["jpeg_truncated", "jpeg_dimensions_too_large", "jpeg_corrupt"])
        let huge = try #require(rejects.first { $0.reason == "jpeg_dimensions_too_large" })
        #expect(huge.topic == "bk/v1/canteen-01/cam-1/snapshot/huge")
        #expect(huge.message.contains("65000×65000"))
        #expect(f.camera.pendingJoins == 0, "a refused snapshot never waits in memory")
        let exposition = String(decoding: f.metrics.exposition(), as: UTF8.self)
        #expect(exposition.contains(#"bk_camera_jpeg_rejects_total{source="snapshot",reason="jpeg_truncated"} 1"#), "\(exposition)")
    }

    @Test func aThirdPartyImageIsRejectedUnderTheTopicItArrivedOn() throws {
        let f = try CameraFixture()
        let good = try f.kitchen.jpeg(.day, encoder: f.encoder)
        f.feed(.snapshot(id: "1763779250-475377-mxklsc", jpeg: Array(good.prefix(good.count / 2))), at: noon,
               topic: "frigate/kitchen_back/rat/snapshot")
        f.feed(.frame(jpeg: [0xFF, 0xD8, 0xFF, 0xD9]), at: noon + 1, topic: "frigate/kitchen_back/frame")
        try f.settle()
        let topics = Set(try f.store.rejects().map(\.record.topic))
        #expect(topics == ["frigate/kitchen_back/rat/snapshot", "frigate/kitchen_back/frame"], "no made-up bk/v1 topic")
    }

    @Test func afterARestartAFaultTheFreshAnalyzerDoesNotFindAgainIsCleared() throws {
        var rules = RuleConfig()
        rules.lifecycle.equipmentCloseNeedsAcknowledgement = false
        let f = try CameraFixture(rules: rules)
        // As if raised before a restart: the alarm is open, the new analyzer knows nothing of it.
        f.alarms.reportCondition(.cameraFrozen, device: cam, active: true, at: noon,
                                 detail: CameraFaultMessages.detail(.cameraFrozen, camera: cam, active: true, measured: "x"))
        f.alarms.waitForCommits()
        #expect(try f.alarms(kind: .cameraFrozen).first?.state == .raised)
        try f.frames(Array(repeating: .day, count: 12), from: noon + 1_000)
        #expect(try f.alarms(kind: .cameraFrozen).first?.state == .closed)
    }
}

/// Equipment conditions reported from outside the rules are level-triggered against open alarms.
@Suite struct ReportedConditionTests {
    @Test func repeatedReportsRaiseOnceAndClearOnce() throws {
        let f = try CameraFixture()
        let detail = CameraFaultMessages.detail(.cameraBlurred, camera: cam, active: true, measured: "sharpness 0.2")
        f.alarms.reportCondition(.cameraBlurred, device: cam, active: true, at: noon, detail: detail)
        f.alarms.reportCondition(.cameraBlurred, device: cam, active: true, at: noon + 1_000, detail: detail)
        f.alarms.reportCondition(.cameraBlurred, device: cam, active: false, at: noon + 2_000, detail: detail)
        f.alarms.reportCondition(.cameraBlurred, device: cam, active: false, at: noon + 3_000, detail: detail)
        f.alarms.waitForCommits()
        let alarm = try #require(try f.alarms(kind: .cameraBlurred).first)
        #expect(try f.store.transitions(ofAlarm: alarm.id).map(\.kind) == ["raised", "cleared"])
        #expect(f.alarms.raisedConditions(device: cam, among: CameraFaultMessages.kinds).isEmpty)
    }
}

/// A JPEG whose frame header claims another size (the rest of the file unchanged).
func claimingSize(_ jpeg: [UInt8], width: Int, height: Int) -> [UInt8] {
    var bytes = jpeg
    var index = 2
    while index + 9 < bytes.count, bytes[index] == 0xFF {
        let marker = bytes[index + 1]
        let length = Int(bytes[index + 2]) << 8 | Int(bytes[index + 3])
        if (0xC0...0xC2).contains(marker) {
            bytes[index + 5] = UInt8(height >> 8)
            bytes[index + 6] = UInt8(height & 0xFF)
            bytes[index + 7] = UInt8(width >> 8)
            bytes[index + 8] = UInt8(width & 0xFF)
            return bytes
        }
        index += 2 + length
    }
    return bytes
}
