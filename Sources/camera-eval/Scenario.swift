import CameraVision

/// One generated situation: the frames a camera would send and what must come out of them.
enum Scenario: String, CaseIterable {
    case rodent, faintRodent = "faint-rodent", person, empty, lights, exposure
    case normalDay = "normal-day", nightQuality = "night-quality", covered, defocus, frozen

    var operating: Bool {
        switch self {
        case .rodent, .faintRodent, .person, .empty, .lights, .exposure, .nightQuality: false
        case .normalDay, .covered, .defocus, .frozen: true
        }
    }

    /// What a trial must produce to count as a hit; nil for scenarios where any output is a false alarm.
    var expected: Expectation? {
        switch self {
        case .rodent, .faintRodent: .detection(.rodent)
        case .person: .detection(.intrusion)
        case .covered: .fault(.coveredOrBlack)
        case .defocus: .fault(.blurred)
        case .frozen: .fault(.frozen)
        case .empty, .lights, .exposure, .normalDay, .nightQuality: nil
        }
    }

    enum Expectation {
        case detection(MotionLabel)
        case fault(VideoFault)
    }
}

/// Frame-by-frame conditions of a trial, drawn from the trial's own random numbers.
struct TrialScript {
    var frames: [SceneConditions]
    /// Frame indices whose JPEG repeats the previous one byte for byte (a frozen stream).
    var repeatsPrevious: Set<Int> = []
    /// Where the moving object is in each frame, for checking the reported box.
    var truth: [Int: DetectionBox] = [:]

    static func make(_ scenario: Scenario, random: inout SceneRandom, width: Int) -> TrialScript {
        let night = SceneConditions.night, day = SceneConditions.day
        switch scenario {
        case .rodent, .faintRodent:
            var script = TrialScript(frames: Array(repeating: night, count: 6))
            let leftToRight = random.unit() < 0.5
            let speed = 0.015 + 0.03 * random.unit()
            var x = leftToRight ? 0.05 + 0.2 * random.unit() : 0.95 - 0.2 * random.unit()
            let y = SyntheticKitchen.floorTop + 0.05 + (0.93 - SyntheticKitchen.floorTop - 0.05) * random.unit()
            // Dark to mid-grey under IR; the faint ones are within 30 levels of the floor tiles (150–165).
            let reflectance = scenario == .faintRodent ? 120 + 30 * random.unit() : 15 + 105 * random.unit()
            let rodent = SceneObject.rodent(at: x, y, reflectance: reflectance)
            for _ in 0..<10 {
                var frame = night
                var moved = rodent
                moved.centreX = x
                moved.centreY = y + 0.01 * (random.unit() - 0.5)
                frame.objects = [moved]
                script.truth[script.frames.count] = moved.box
                script.frames.append(frame)
                x += leftToRight ? speed : -speed
            }
            return script
        case .person:
            var script = TrialScript(frames: Array(repeating: night, count: 6))
            let leftToRight = random.unit() < 0.5
            var x = leftToRight ? 0.1 : 0.9
            let y = 0.5 + 0.15 * random.unit()
            let person = SceneObject.person(at: x, y, reflectance: 40 + 80 * random.unit())
            for _ in 0..<8 {
                var frame = night
                var moved = person
                moved.centreX = x
                frame.objects = [moved]
                script.truth[script.frames.count] = moved.box
                script.frames.append(frame)
                x += leftToRight ? 0.04 : -0.04
            }
            return script
        case .empty, .nightQuality:
            return TrialScript(frames: Array(repeating: night, count: 20))
        case .lights:
            var frames = Array(repeating: night, count: 6)
            // Lights on, auto-exposure overshoots and settles, then off again later.
            frames.append(SceneConditions(lighting: 1.25, noiseSigma: 3))
            frames.append(SceneConditions(lighting: 1.08, noiseSigma: 3))
            frames += Array(repeating: day, count: 8)
            frames += Array(repeating: night, count: 6)
            return TrialScript(frames: frames)
        case .exposure:
            // Auto-exposure hunting: small steps in gain and offset every few frames.
            var frames: [SceneConditions] = []
            var lighting = 0.45, offset = 8.0
            for index in 0..<20 {
                if index % 4 == 3 {
                    lighting *= 0.93 + 0.14 * random.unit()
                    offset += 6 * (random.unit() - 0.5)
                }
                frames.append(SceneConditions(lighting: lighting, offset: offset, noiseSigma: 4))
            }
            return TrialScript(frames: frames)
        case .normalDay:
            // Service: staff walking about, lights on.
            var frames: [SceneConditions] = []
            for _ in 0..<20 {
                var frame = day
                let people = Int(random.unit() * 3)
                frame.objects = (0..<people).map { _ in
                    SceneObject.person(at: 0.1 + 0.8 * random.unit(), 0.5 + 0.15 * random.unit(),
                                       reflectance: 40 + 120 * random.unit())
                }
                frames.append(frame)
            }
            return TrialScript(frames: frames)
        case .covered:
            var covered = day
            covered.lensCovered = true
            return TrialScript(frames: Array(repeating: day, count: 6) + Array(repeating: covered, count: 6))
        case .defocus:
            var blurred = day
            blurred.defocusRadius = max(1, width / 640)
            return TrialScript(frames: Array(repeating: day, count: 8) + Array(repeating: blurred, count: 8))
        case .frozen:
            let frames = Array(repeating: day, count: 18)
            return TrialScript(frames: frames, repeatsPrevious: Set(6..<18))
        }
    }
}
