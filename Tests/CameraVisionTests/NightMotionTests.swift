import CameraVision
import Testing

@Suite("Night motion on generated camera streams")
struct NightMotionTests {
    /// Frames at 480×270 decode at full scale (the working width is 480), where a rodent is
    /// about six pixels long, as at 1/2 scale on 720p.
    static let width = 480
    static let height = 270
    static let quiet = Array(repeating: SceneConditions.night, count: 5)

    static func crossing(_ object: SceneObject, from startX: Double, step: Double, frames: Int) -> [SceneConditions] {
        (0..<frames).map { index in
            var moved = object
            moved.centreX = startX + step * Double(index)
            var frame = SceneConditions.night
            frame.objects = [moved]
            return frame
        }
    }

    @Test func aSmallDarkBlobCrossingTheFloorIsARodent() throws {
        var feed = try CameraFeed(width: Self.width, height: Self.height)
        _ = try feed.play(Self.quiet, operating: false)
        let run = Self.crossing(.rodent(at: 0.2, 0.8), from: 0.2, step: 0.03, frames: 6)
        var reported: [(evidence: MotionEvidence, truth: DetectionBox)] = []
        for frame in run {
            let analysis = try feed.send(frame, operating: false)
            reported += analysis.detections.map { ($0, frame.objects[0].box) }
        }

        #expect(reported.map(\.evidence.detection.label) == [.rodent])
        let (evidence, truth) = try #require(reported.first)
        #expect(evidence.detection.label.riskClass == 1)
        #expect(evidence.detection.box.overlaps(truth))
        #expect(evidence.detection.box.width < 0.03)
        #expect(try feed.analyzer.thumbnail(for: evidence).width == 320)
        #expect(try JPEGInspector().inspect(evidence.snapshot).width == Self.width)
    }

    @Test func aQuietNoisyNightRaisesNothing() throws {
        var feed = try CameraFeed(width: Self.width, height: Self.height)
        let output = try feed.play(Array(repeating: .night, count: 16), operating: false)
        #expect(output.detections.isEmpty)
        #expect(output.recalibrations == 0)
    }

    @Test func aPersonSizedBlobIsAnIntrusion() throws {
        var feed = try CameraFeed(width: Self.width, height: Self.height)
        _ = try feed.play(Self.quiet, operating: false)
        let output = try feed.play(Self.crossing(.person(at: 0.2, 0.55), from: 0.2, step: 0.05, frames: 5),
                                   operating: false)
        #expect(output.labels == [.intrusion])
    }

    @Test func switchingTheLightsOnRecalibratesInsteadOfAlarming() throws {
        var feed = try CameraFeed(width: Self.width, height: Self.height)
        _ = try feed.play(Self.quiet, operating: false)
        let overshoot = SceneConditions(lighting: 1.25, noiseSigma: 3)
        let output = try feed.play([overshoot] + Array(repeating: .day, count: 6) + Self.quiet, operating: false)
        #expect(output.detections.isEmpty)
        #expect(output.recalibrations == 2)
    }

    @Test func anObjectThatDoesNotMoveIsNotReported() throws {
        var feed = try CameraFeed(width: Self.width, height: Self.height)
        _ = try feed.play(Self.quiet, operating: false)
        // A bag left on the floor at closing time.
        var bag = SceneConditions.night
        bag.objects = [.rodent(at: 0.5, 0.8)]
        let output = try feed.play(Array(repeating: bag, count: 8), operating: false)
        #expect(output.detections.isEmpty)
    }

    @Test func nothingIsReportedWhileTheKitchenOperates() throws {
        var feed = try CameraFeed(width: Self.width, height: Self.height)
        var day = SceneConditions.day
        day.noiseSigma = 4
        _ = try feed.play(Array(repeating: day, count: 4), operating: true)
        let rodent = Self.crossing(.rodent(at: 0.2, 0.8), from: 0.2, step: 0.03, frames: 6)
        let output = try feed.play(rodent, operating: true)
        #expect(output.detections.isEmpty)
    }

    @Test func thresholdsArePerCamera() throws {
        var strict = CameraVisionConfig()
        strict.motion.minTrackFrames = 10
        var feed = try CameraFeed(width: Self.width, height: Self.height, config: strict)
        _ = try feed.play(Self.quiet, operating: false)
        let output = try feed.play(Self.crossing(.rodent(at: 0.2, 0.8), from: 0.2, step: 0.03, frames: 6),
                                   operating: false)
        #expect(output.detections.isEmpty)
    }
}
