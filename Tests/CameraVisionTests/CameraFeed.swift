import CameraVision
import Testing

/// A simulated camera for tests: renders a synthetic kitchen, encodes it with libjpeg and feeds
/// the real bytes to an analyzer, one second apart.
struct CameraFeed {
    var kitchen: SyntheticKitchen
    let encoder: JPEGEncoder
    let analyzer: CameraFrameAnalyzer
    var time: Int64 = 1_700_000_000_000
    private(set) var lastJPEG: [UInt8] = []

    init(width: Int, height: Int, seed: UInt64 = 7, config: CameraVisionConfig = CameraVisionConfig()) throws {
        kitchen = SyntheticKitchen(width: width, height: height, seed: seed)
        encoder = try #require(JPEGEncoder())
        analyzer = try #require(CameraFrameAnalyzer(config: config))
    }

    mutating func jpeg(_ conditions: SceneConditions) throws -> [UInt8] {
        try kitchen.jpeg(conditions, encoder: encoder)
    }

    @discardableResult
    mutating func send(_ conditions: SceneConditions, operating: Bool) throws -> CameraFrameAnalysis {
        try send(jpeg: jpeg(conditions), operating: operating)
    }

    @discardableResult
    mutating func send(jpeg: [UInt8], operating: Bool) throws -> CameraFrameAnalysis {
        lastJPEG = jpeg
        time += 1000
        return try analyzer.analyze(jpeg, at: time, operating: operating)
    }

    /// Sends every frame and collects what came out.
    mutating func play(_ frames: [SceneConditions], operating: Bool) throws -> FeedOutput {
        var output = FeedOutput()
        for conditions in frames {
            let analysis = try send(conditions, operating: operating)
            output.absorb(analysis)
        }
        return output
    }
}

struct FeedOutput {
    var detections: [MotionEvidence] = []
    var changes: [VideoDiagnosisChange] = []
    var recalibrations = 0

    mutating func absorb(_ analysis: CameraFrameAnalysis) {
        detections += analysis.detections
        changes += analysis.faultChanges
        if analysis.recalibrated { recalibrations += 1 }
    }

    func raised(_ fault: VideoFault) -> Bool {
        changes.contains { $0.fault == fault && $0.transition == .raised }
    }

    func cleared(_ fault: VideoFault) -> Bool {
        changes.contains { $0.fault == fault && $0.transition == .cleared }
    }

    var labels: [MotionLabel] { detections.map(\.detection.label) }
}

extension DetectionBox {
    func overlaps(_ other: DetectionBox) -> Bool {
        x < other.x + other.width && other.x < x + width && y < other.y + other.height && other.y < y + height
    }
}
