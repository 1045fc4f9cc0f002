import CameraVision

// Frames per second on one core through the camera analysis, beside a decode-only ceiling.
// swift run -c release bench-camera [--seconds S]
//
// Every loop runs on this thread only, so its rate is the rate per core. Frames are noisy
// generated kitchens encoded at quality 80, eight distinct frames per size cycled so that
// caches do not flatter the figures.

var seconds = 3.0
var arguments = CommandLine.arguments.dropFirst().makeIterator()
while let argument = arguments.next() {
    if argument == "--seconds", let value = arguments.next().flatMap(Double.init) { seconds = value }
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
print("bench-camera: one core, \(seconds) s a loop, JPEG quality 80, default thresholds\n")
print("| frames | JPEG size | loop | decode scale | frames/s per core |")
print("| --- | ---: | --- | --- | ---: |")
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
    for (name, scale, body) in rows {
        let rate = measure(seconds: seconds, body)
        print("| \(set.name) | \(size) | \(name) | 1/\(scale.denominator) | \(fps(rate)) |")
    }
}
