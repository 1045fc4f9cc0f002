/// Thresholds of night motion detection, per camera. Sizes are fractions of the frame so they
/// hold at any decode scale; luminance is on the 0–255 scale.
public struct NightMotionConfig: Codable, Sendable, Equatable {
    /// The analysis decodes at the most reduced DCT scale at least this wide. Default 480: 1/2 on
    /// 720p (640 px, a rodent ≈ 6 px long), 1/4 on 1080p (480 px, ≈ 5 px).
    public var minWorkingWidth: Int

    /// How fast the background follows pixels that look like background. Default 0.05 a frame.
    public var backgroundLearningRate: Float
    /// ...and pixels that look like foreground, so a moved chair is absorbed in time. Default 0.005.
    public var foregroundLearningRate: Float
    /// Frames that build the background before anything is detected. Default 3.
    public var warmupFrames: Int

    /// A pixel is foreground when it differs from the background by at least this... Default 14.
    public var minDifference: Float
    /// ...and by this many times the frame's estimated noise. Default 4.
    public var noiseMultiplier: Float

    /// A global gain change beyond this factor (lights switched, auto-exposure, IR switching)
    /// recalibrates instead of detecting. Default 0.2 (gain outside 0.8...1.25).
    public var globalGainTolerance: Float
    /// ...as does a global offset of more than this many levels. Default 20.
    public var globalOffsetTolerance: Float
    /// ...or foreground in at least this fraction of the grid cells (8×6). Default 0.5.
    public var globalCellFraction: Double
    /// Frames after a recalibration during which the background is re-learnt, not judged. Default 3.
    public var settleFrames: Int

    /// Components smaller than this many pixels at working scale are noise. Default 4.
    public var minBlobPixels: Int
    /// A rodent's box is at most this fraction of the frame's width... Default 0.05.
    public var rodentMaxWidth: Double
    /// ...and of its height. Default 0.08.
    public var rodentMaxHeight: Double
    /// A person's box is at least this fraction of the frame's height. Default 0.15.
    public var personMinHeight: Double
    /// A person's box covers at least this fraction of the frame. Default 0.01.
    public var personMinArea: Double

    /// A track must be seen in this many frames... Default 3.
    public var minTrackFrames: Int
    /// ...and travel at least this fraction of the frame's width from where it was first seen. Default 0.02.
    public var minTravel: Double
    /// Largest step between frames, as a fraction of the frame's width, still the same object. Default 0.12.
    public var maxStep: Double
    /// Frames a track may go unseen before it is dropped. Default 2.
    public var maxMissedFrames: Int

    public init(minWorkingWidth: Int = 480, backgroundLearningRate: Float = 0.05,
                foregroundLearningRate: Float = 0.005, warmupFrames: Int = 3, minDifference: Float = 14,
                noiseMultiplier: Float = 4, globalGainTolerance: Float = 0.2, globalOffsetTolerance: Float = 20,
                globalCellFraction: Double = 0.5, settleFrames: Int = 3, minBlobPixels: Int = 4,
                rodentMaxWidth: Double = 0.05, rodentMaxHeight: Double = 0.08, personMinHeight: Double = 0.15,
                personMinArea: Double = 0.01, minTrackFrames: Int = 3, minTravel: Double = 0.02,
                maxStep: Double = 0.12, maxMissedFrames: Int = 2) {
        self.minWorkingWidth = minWorkingWidth
        self.backgroundLearningRate = backgroundLearningRate
        self.foregroundLearningRate = foregroundLearningRate
        self.warmupFrames = warmupFrames
        self.minDifference = minDifference
        self.noiseMultiplier = noiseMultiplier
        self.globalGainTolerance = globalGainTolerance
        self.globalOffsetTolerance = globalOffsetTolerance
        self.globalCellFraction = globalCellFraction
        self.settleFrames = settleFrames
        self.minBlobPixels = minBlobPixels
        self.rodentMaxWidth = rodentMaxWidth
        self.rodentMaxHeight = rodentMaxHeight
        self.personMinHeight = personMinHeight
        self.personMinArea = personMinArea
        self.minTrackFrames = minTrackFrames
        self.minTravel = minTravel
        self.maxStep = maxStep
        self.maxMissedFrames = maxMissedFrames
    }
}
