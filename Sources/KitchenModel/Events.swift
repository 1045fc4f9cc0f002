public enum DisinfectionMode: String, Hashable, Sendable, Codable, CaseIterable {
    case uv, steam, infrared, ozone, dishwasher
}

/// A completed disinfection run, reported by the controller when it ends.
public struct DisinfectionRun: Hashable, Sendable, Codable {
    public var mode: DisinfectionMode
    public var start: EpochMillis
    public var end: EpochMillis
    public var peakCelsius: Double?
    /// Seconds the controller held the mode's required temperature.
    public var holdSeconds: Double?

    public init(mode: DisinfectionMode, start: EpochMillis, end: EpochMillis,
                peakCelsius: Double? = nil, holdSeconds: Double? = nil) {
        self.mode = mode
        self.start = start
        self.end = end
        self.peakCelsius = peakCelsius
        self.holdSeconds = holdSeconds
    }

    enum CodingKeys: String, CodingKey {
        case mode, start, end, peakCelsius = "peak_c", holdSeconds = "hold_s"
    }
}

/// A box as fractions of the frame, so it survives any resolution.
public struct DetectionBox: Hashable, Sendable, Codable {
    public var x: Double, y: Double, width: Double, height: Double

    public init(x: Double, y: Double, width: Double, height: Double) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }
}

/// An on-camera AI detection. `label` is a canonical label (DOMAIN.md) or `person`.
public struct Detection: Hashable, Sendable, Codable {
    public var label: String
    public var score: Double
    public var box: DetectionBox?
    public var snapshot: String?

    public init(label: String, score: Double, box: DetectionBox? = nil, snapshot: String? = nil) {
        self.label = label
        self.score = score
        self.box = box
        self.snapshot = snapshot
    }
}

public enum EventBody: Hashable, Sendable {
    case run(DisinfectionRun)
    case detection(Detection)
    case check(MorningCheckEvent)
    case sample(SampleEvent)
    case door(DoorEvent)

    public var type: String {
        switch self {
        case .run: "run"
        case .detection: "detection"
        case .check: "check"
        case .sample: "sample"
        case .door: "door"
        }
    }
}
