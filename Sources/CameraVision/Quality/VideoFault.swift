/// Equipment faults of a camera's picture (视频质量诊断), raised through the alarm engine.
public enum VideoFault: String, Codable, Sendable, CaseIterable, Comparable {
    /// Lens covered or picture black.
    case coveredOrBlack = "covered_or_black"
    /// Sharpness fell well below the camera's own baseline: defocused, dirty or fogged lens.
    case blurred
    /// Consecutive frames identical while the kitchen is operating.
    case frozen
    /// No frame for several expected intervals.
    case noFrames = "no_frames"

    public static func < (lhs: VideoFault, rhs: VideoFault) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}

/// A fault starting or ending on one camera.
public struct VideoDiagnosisChange: Sendable, Equatable {
    public enum Transition: String, Sendable, Codable { case raised, cleared }

    public var fault: VideoFault
    public var transition: Transition
    /// Frame or tick time, milliseconds since the Unix epoch.
    public var at: Int64
    /// What was measured, for the person who goes to look at the camera.
    public var detail: String

    public init(fault: VideoFault, transition: Transition, at: Int64, detail: String) {
        self.fault = fault
        self.transition = transition
        self.at = at
        self.detail = detail
    }
}
