/// An AI camera: its frame rate and what its on-board model reports.
public struct CameraBehaviour: Sendable, Hashable {
    /// When a detection rule applies, judged by the site's operating hours in simulated time.
    public enum Period: String, Sendable, Hashable, CaseIterable {
        case open, closed, any
    }

    public struct DetectionRule: Sendable, Hashable {
        public var label: String
        /// Mean detections per simulated hour while the rule applies.
        public var perHour: Double
        public var when: Period
        public var score: ClosedRange<Double>

        public init(label: String, perHour: Double, when: Period, score: ClosedRange<Double> = 0.6...0.95) {
            self.label = label
            self.perHour = perHour
            self.when = when
            self.score = score
        }
    }

    public var fps: Double
    public var detections: [DetectionRule]

    public init(fps: Double = 15, detections: [DetectionRule] = []) {
        self.fps = fps
        self.detections = detections
    }
}
