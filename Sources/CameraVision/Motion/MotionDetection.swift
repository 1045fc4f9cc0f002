/// What night motion reports; the raw values are the canonical detection labels (DOMAIN.md).
public enum MotionLabel: String, Codable, Sendable {
    case rodent
    /// A person in the kitchen outside operating hours.
    case intrusion

    /// Both are class 1 (一类): immediate alarm to the site and its regulator.
    public var riskClass: Int { 1 }
}

/// A confirmed moving object: one per track, reported once, when it is first confirmed.
public struct MotionDetection: Sendable, Equatable, Codable {
    public var label: MotionLabel
    /// Where it was in the frame that confirmed it, as fractions `[x, y, w, h]`.
    public var box: DetectionBox
    /// 0–1: grows with the frames it was tracked and the distance it moved.
    public var score: Double
    /// Time of the confirming frame, milliseconds since the Unix epoch.
    public var at: Int64
    /// Stable while the object is followed; distinct per camera.
    public var trackID: Int
    public var framesTracked: Int

    public init(label: MotionLabel, box: DetectionBox, score: Double, at: Int64, trackID: Int, framesTracked: Int) {
        self.label = label
        self.box = box
        self.score = score
        self.at = at
        self.trackID = trackID
        self.framesTracked = framesTracked
    }
}

/// The outcome of one frame.
public struct NightMotionResult: Sendable, Equatable {
    public var detections: [MotionDetection] = []
    /// The whole picture changed (lights, exposure, IR): the background was re-learnt.
    public var recalibrated = false
    /// Foreground components found in this frame, after the size filter.
    public var blobCount = 0

    public init(detections: [MotionDetection] = [], recalibrated: Bool = false, blobCount: Int = 0) {
        self.detections = detections
        self.recalibrated = recalibrated
        self.blobCount = blobCount
    }
}
