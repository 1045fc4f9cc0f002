import CameraVision

/// What one trial produced.
struct TrialOutcome {
    var hit = false
    /// Detections or faults that should not have happened.
    var falseAlarms = 0
    var frames = 0
    var recalibrations = 0
    var rejectedFrames = 0
}

/// Plays a scripted trial through a fresh analyzer, as the gateway would frame by frame.
struct TrialRunner {
    var width: Int
    var height: Int
    var config: CameraVisionConfig
    var frameIntervalMillis: Int64 = 1000
    var verbose = false

    func run(_ scenario: Scenario, seed: UInt64) -> TrialOutcome {
        var random = SceneRandom(seed: seed &* 7919 &+ 17)
        var kitchen = SyntheticKitchen(width: width, height: height, seed: seed)
        let script = TrialScript.make(scenario, random: &random, width: width)
        guard let analyzer = CameraFrameAnalyzer(config: config), let encoder = JPEGEncoder() else {
            fatalError("libjpeg could not allocate its state")
        }
        var outcome = TrialOutcome()
        var previous: [UInt8] = []
        for (index, conditions) in script.frames.enumerated() {
            let jpeg: [UInt8]
            if script.repeatsPrevious.contains(index), !previous.isEmpty {
                jpeg = previous
            } else {
                do { jpeg = try kitchen.jpeg(conditions, encoder: encoder) } catch { fatalError("\(error)") }
            }
            previous = jpeg
            let time = 1_700_000_000_000 + Int64(index) * frameIntervalMillis
            outcome.frames += 1
            let analysis: CameraFrameAnalysis
            do {
                analysis = try analyzer.analyze(jpeg, at: time, operating: scenario.operating)
            } catch {
                outcome.rejectedFrames += 1
                continue
            }
            if analysis.recalibrated { outcome.recalibrations += 1 }
            for evidence in analysis.detections {
                if case let .detection(label)? = scenario.expected, label == evidence.detection.label,
                   overlaps(evidence.detection.box, script.truth[index]) {
                    outcome.hit = true
                } else {
                    outcome.falseAlarms += 1
                    if verbose { print("  false \(scenario.rawValue) seed \(seed) frame \(index): \(evidence.detection) truth \(String(describing: script.truth[index]))") }
                }
            }
            for change in analysis.faultChanges where change.transition == .raised {
                if case let .fault(fault)? = scenario.expected, fault == change.fault {
                    outcome.hit = true
                } else {
                    outcome.falseAlarms += 1
                    if verbose { print("  false \(scenario.rawValue) seed \(seed) frame \(index): \(change)") }
                }
            }
        }
        return outcome
    }

    private func overlaps(_ box: DetectionBox, _ truth: DetectionBox?) -> Bool {
        guard let truth else { return false }
        return box.x < truth.x + truth.width && truth.x < box.x + box.width
            && box.y < truth.y + truth.height && truth.y < box.y + box.height
    }
}
