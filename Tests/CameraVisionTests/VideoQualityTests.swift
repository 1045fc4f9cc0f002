import CameraVision
import Testing

@Suite("Video-quality diagnosis on generated camera streams")
struct VideoQualityTests {
    static let day = Array(repeating: SceneConditions.day, count: 8)

    @Test func aNormalServiceRaisesNothing() throws {
        var feed = try CameraFeed(width: 320, height: 180)
        var busy: [SceneConditions] = []
        for step in 0..<12 {
            var frame = SceneConditions.day
            frame.objects = [.person(at: 0.1 + 0.07 * Double(step), 0.55)]
            busy.append(frame)
        }
        let output = try feed.play(busy, operating: true)
        #expect(output.changes.isEmpty)
    }

    @Test func aCoveredLensIsRaisedAndClearsWhenUncovered() throws {
        var feed = try CameraFeed(width: 320, height: 180)
        _ = try feed.play(Self.day, operating: true)
        let covered = try feed.play(Array(repeating: SceneConditions(lensCovered: true), count: 3), operating: true)
        let raised = try #require(covered.changes.first)
        #expect(raised.fault == .coveredOrBlack && raised.transition == .raised)
        #expect(raised.detail.contains("% near black"))
        #expect(feed.analyzer.quality.activeFaults == [.coveredOrBlack])

        let uncovered = try feed.play(Self.day, operating: true)
        #expect(uncovered.cleared(.coveredOrBlack))
        #expect(feed.analyzer.quality.activeFaults.isEmpty)
    }

    @Test func aDefocusedViewIsBlurredAgainstItsOwnBaseline() throws {
        var feed = try CameraFeed(width: 320, height: 180)
        _ = try feed.play(Self.day, operating: true)
        let defocused = try feed.play(Array(repeating: SceneConditions(defocusRadius: 1), count: 4), operating: true)
        #expect(defocused.raised(.blurred))
        #expect(!defocused.raised(.coveredOrBlack))
        let refocused = try feed.play(Self.day, operating: true)
        #expect(refocused.cleared(.blurred))
    }

    @Test func lightsOffAtNightIsNotBlur() throws {
        var feed = try CameraFeed(width: 320, height: 180)
        _ = try feed.play(Self.day, operating: true)
        let night = try feed.play(Array(repeating: .night, count: 10), operating: false)
        #expect(night.changes.isEmpty)
    }

    @Test func aFrozenStreamIsRaisedOnlyWhileOperating() throws {
        var feed = try CameraFeed(width: 320, height: 180)
        _ = try feed.play(Self.day, operating: true)
        let still = feed.lastJPEG
        var closed = FeedOutput()
        for _ in 0..<12 { closed.absorb(try feed.send(jpeg: still, operating: false)) }
        #expect(closed.changes.isEmpty)

        var open = FeedOutput()
        for _ in 0..<10 { open.absorb(try feed.send(jpeg: still, operating: true)) }
        #expect(open.raised(.frozen))
        let live = try feed.send(.day, operating: true)
        #expect(live.faultChanges.map(\.transition) == [.cleared])
    }

    @Test func missingFramesAreRaisedOnTheTickAndClearedByAFrame() throws {
        var feed = try CameraFeed(width: 160, height: 90)
        try feed.send(.day, operating: true)
        let start = feed.time
        #expect(feed.analyzer.tick(now: start + 29_000).isEmpty)
        feed.analyzer.noteTelemetry(at: start + 25_000)
        let silent = feed.analyzer.tick(now: start + 30_000)
        #expect(silent.map(\.fault) == [.noFrames])
        #expect(silent.first?.detail.contains("telemetry still arrives") == true)
        #expect(feed.analyzer.tick(now: start + 40_000).isEmpty)

        feed.time = start + 45_000
        let back = try feed.send(.day, operating: true)
        #expect(back.faultChanges.map(\.fault) == [.noFrames])
        #expect(back.faultChanges.map(\.transition) == [.cleared])
    }

    @Test func aCameraThatNeverSentAFrameIsRaisedToo() {
        var monitor = VideoQualityMonitor()
        #expect(monitor.tick(now: 0).isEmpty)
        let changes = monitor.tick(now: 30_000)
        #expect(changes.map(\.fault) == [.noFrames])
        #expect(changes.first?.detail.contains("camera offline") == true)
    }
}
