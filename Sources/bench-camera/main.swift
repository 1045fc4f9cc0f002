import CameraVision
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Frames per second on one core through the camera analysis, beside a decode-only ceiling.
// swift run -c release bench-camera [--seconds S]
//        bench-camera --profile decode|analysis|thumbnail [--frames N]
//   runs one 720p night loop N times (default 200) without timing, for callgrind.
//
// Every loop runs on this thread only, so its rate is the rate per core. Frames are noisy
// generated kitchens encoded at quality 80, eight distinct frames per size cycled so that
// caches do not flatter the figures.

var seconds = 3.0
var profile: String?
var profileFrames = 200
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let argument = arguments.next() {
    if argument == "--seconds", let value = arguments.next().flatMap(Double.init) { seconds = value }
    if argument == "--profile" { profile = arguments.next() }
    if argument == "--frames", let value = arguments.next().flatMap(Int.init) { profileFrames = value }
}

struct FrameSet {
    var name: String
    var width: Int
    var height: Int
    var night: [[UInt8]]
    var day: [[UInt8]]

    init(width: Int, height: Int) {
        self.name = "\(width)×\(height)"
        self.width = width
        self.height = height
        guard let encoder = JPEGEncoder() else { fatalError("libjpeg could not allocate its state") }
        var kitchen = SyntheticKitchen(width: width, height: height, seed: 11)
        night = (0..<8).map { index in
            var frame = SceneConditions.night
            frame.objects = [.rodent(at: 0.2 + 0.03 * Double(index), 0.8)]
            return try! kitchen.jpeg(frame, encoder: encoder)
        }
        day = (0..<8).map { index in
            var frame = SceneConditions.day
            frame.objects = [.person(at: 0.2 + 0.05 * Double(index), 0.55)]
            return try! kitchen.jpeg(frame, encoder: encoder)
        }
    }

    var meanBytes: Int { (night + day).map(\.count).reduce(0, +) / (night.count + day.count) }
}

/// Runs `body` repeatedly for about `seconds`; returns frames per second.
func measure(seconds: Double, _ body: (Int) -> Void) -> Double {
    let clock = ContinuousClock()
    for index in 0..<8 { body(index) }  // warm up buffers and caches
    var frames = 0
    let start = clock.now
    var elapsed = Duration.zero
    let budget = Duration.milliseconds(Int64(seconds * 1000))
    while elapsed < budget {
        for _ in 0..<8 {
            body(frames)
            frames += 1
        }
        elapsed = clock.now - start
    }
    let (whole, attoseconds) = elapsed.components
    return Double(frames) / (Double(whole) + Double(attoseconds) / 1e18)
}

func fps(_ value: Double) -> String {
    value >= 100 ? "\(Int(value.rounded()))" : "\((value * 10).rounded() / 10)"
}

let config = CameraVisionConfig()
if let profile {
    runProfile(profile, frames: profileFrames, config: config)
    exit(0)
}
print("bench-camera: one core, \(seconds) s a loop, JPEG quality 80, default thresholds\n")
print("| frames | JPEG size | loop | decode scale | frames/s per core |")
print("| --- | ---: | --- | --- | ---: |")
var ratios: [String] = []
for set in [FrameSet(width: 1280, height: 720), FrameSet(width: 1920, height: 1080)] {
    guard let decoder = JPEGDecoder(), let nightAnalyzer = CameraFrameAnalyzer(config: config),
          let dayAnalyzer = CameraFrameAnalyzer(config: config) else { fatalError("libjpeg could not allocate its state") }
    let nightScale = config.decodeScale(forWidth: set.width, operating: false)
    let dayScale = config.decodeScale(forWidth: set.width, operating: true)
    let size = "\(set.meanBytes / 1024) KiB"
    var time: Int64 = 0

    let rows: [(String, DCTScale, (Int) -> Void)] = [
        ("decode only (gray, scaled), night frames", nightScale, { index in
            _ = try! decoder.decodeGray(set.night[index % 8], options: .init(scale: nightScale, strict: true, fast: true))
        }),
        ("decode only (gray, scaled), day frames", dayScale, { index in
            _ = try! decoder.decodeGray(set.day[index % 8], options: .init(scale: dayScale, strict: true, fast: true))
        }),
        ("decode only (gray, full size), day frames", .full, { index in
            _ = try! decoder.decodeGray(set.day[index % 8], options: .init(scale: .full, strict: true, fast: true))
        }),
        ("full analysis, closed (decode + diagnosis + night motion)", nightScale, { index in
            time += 1000
            _ = try! nightAnalyzer.analyze(set.night[index % 8], at: time, operating: false)
        }),
        ("full analysis, operating (decode + diagnosis)", dayScale, { index in
            time += 1000
            _ = try! dayAnalyzer.analyze(set.day[index % 8], at: time, operating: true)
        }),
    ]
    var rates: [Double] = []
    for (name, scale, body) in rows {
        let rate = measure(seconds: seconds, body)
        rates.append(rate)
        print("| \(set.name) | \(size) | \(name) | 1/\(scale.denominator) | \(fps(rate)) |")
    }
    // Evidence thumbnails are made when an alarm keeps a detection, not per frame: their cost
    // is per alarm, shown on its own.
    let evidence = thumbnailEvidence(set, config: config)
    let thumbnailRate = measure(seconds: seconds) { _ in _ = try! nightAnalyzer.thumbnail(for: evidence) }
    print("| \(set.name) | \(size) | evidence thumbnail, per alarm kept (colour decode + resize + encode) "
        + "| 1/\(DCTScale.coarsest(forWidth: set.width, keepingAtLeast: config.thumbnail.width).denominator) "
        + "| \(fps(thumbnailRate)) |")
    ratios.append("\(set.name): night analysis / night decode-only = \(ratio(rates[3], rates[0])), "
        + "operating analysis / day decode-only = \(ratio(rates[4], rates[1]))")
}
print("")
for line in ratios { print(line) }

func ratio(_ value: Double, _ base: Double) -> String { "\((value / base * 100).rounded() / 100)" }

/// A detection on one of `set`'s night frames, as the analysis reports it.
func thumbnailEvidence(_ set: FrameSet, config: CameraVisionConfig) -> MotionEvidence {
    guard let analyzer = CameraFrameAnalyzer(config: config) else { fatalError("libjpeg could not allocate its state") }
    var time: Int64 = 0
    for round in 0..<64 {
        time += 1000
        if let found = try! analyzer.analyze(set.night[round % 8], at: time, operating: false).detections.first {
            return found
        }
    }
    fatalError("no detection on the benchmark's night frames")
}

/// One 720p night loop run `frames` times, untimed: `valgrind --tool=callgrind` counts its
/// instructions (frames are generated and warmed before, so subtract a `--frames 0` run).
func runProfile(_ loop: String, frames: Int, config: CameraVisionConfig) {
    let set = FrameSet(width: 1280, height: 720)
    guard let decoder = JPEGDecoder(), let analyzer = CameraFrameAnalyzer(config: config) else {
        fatalError("libjpeg could not allocate its state")
    }
    let scale = config.decodeScale(forWidth: set.width, operating: false)
    let evidence = thumbnailEvidence(set, config: config)
    var time: Int64 = 0
    for index in 0..<frames {
        switch loop {
        case "decode":
            _ = try! decoder.decodeGray(set.night[index % 8], options: .init(scale: scale, strict: true, fast: true))
        case "analysis":
            time += 1000
            _ = try! analyzer.analyze(set.night[index % 8], at: time, operating: false)
        case "thumbnail":
            _ = try! analyzer.thumbnail(for: evidence)
        default:
            fatalError("--profile decode|analysis|thumbnail")
        }
    }
}
