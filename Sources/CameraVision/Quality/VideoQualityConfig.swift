/// Thresholds of the video-quality diagnosis, per camera. Luminance is on the 0–255 scale of
/// the decoded picture. Defaults are documented in docs/camera-vision.md with the measurements
/// that chose them.
public struct VideoQualityConfig: Codable, Sendable, Equatable {
    /// Width of the fixed-size downscale every measure is taken on, so figures compare across
    /// cameras and decode scales. Default 320.
    public var diagnosisWidth: Int

    /// Covered or black: mean luminance at most this... Default 30.
    public var blackMeanMax: Double
    /// ...and at least this fraction of pixels near black. Default 0.85.
    public var nearBlackFractionMin: Double
    /// A pixel at or below this luminance counts as near black. Default 40.
    public var nearBlackLevel: UInt8
    /// A picture whose luminance standard deviation is at most this is a covered lens whatever
    /// its brightness (a hand or cloth in front of it). Default 3.
    public var uniformContrastMax: Double

    /// Blurred: sharpness below this fraction of the camera's own baseline. Default 0.45.
    public var blurRatio: Double
    /// Frames of a regime that build the baseline before blur is judged. Default 5.
    public var baselineFrames: Int
    /// Below this luminance standard deviation the picture has too little detail to judge blur. Default 6.
    public var minContrastForBlur: Double

    /// Frozen: mean absolute change between consecutive frames at most this (sensor noise alone
    /// keeps a live camera well above it). Default 0.05 levels.
    public var frozenChangeMax: Double
    /// Consecutive unchanged frames during operating hours that make a frozen picture. Default 10.
    public var frozenFrames: Int

    /// Consecutive bad frames before covered or blurred is raised. Default 3.
    public var raiseAfterFrames: Int
    /// Consecutive good frames before covered or blurred clears. Default 3.
    public var clearAfterFrames: Int

    /// Expected time between frames, in milliseconds. Default 10 000.
    public var frameIntervalMillis: Int64
    /// Missed frame intervals before "no frames" is raised on a tick. Default 3.
    public var missedIntervals: Int

    public init(diagnosisWidth: Int = 320, blackMeanMax: Double = 30, nearBlackFractionMin: Double = 0.85,
                nearBlackLevel: UInt8 = 40, uniformContrastMax: Double = 3, blurRatio: Double = 0.45,
                baselineFrames: Int = 5, minContrastForBlur: Double = 6, frozenChangeMax: Double = 0.05,
                frozenFrames: Int = 10, raiseAfterFrames: Int = 3, clearAfterFrames: Int = 3,
                frameIntervalMillis: Int64 = 10_000, missedIntervals: Int = 3) {
        self.diagnosisWidth = diagnosisWidth
        self.blackMeanMax = blackMeanMax
        self.nearBlackFractionMin = nearBlackFractionMin
        self.nearBlackLevel = nearBlackLevel
        self.uniformContrastMax = uniformContrastMax
        self.blurRatio = blurRatio
        self.baselineFrames = baselineFrames
        self.minContrastForBlur = minContrastForBlur
        self.frozenChangeMax = frozenChangeMax
        self.frozenFrames = frozenFrames
        self.raiseAfterFrames = raiseAfterFrames
        self.clearAfterFrames = clearAfterFrames
        self.frameIntervalMillis = frameIntervalMillis
        self.missedIntervals = missedIntervals
    }
}
