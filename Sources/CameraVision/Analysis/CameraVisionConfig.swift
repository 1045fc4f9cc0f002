/// Every threshold of one camera's analysis, with documented defaults (docs/camera-vision.md).
public struct CameraVisionConfig: Codable, Sendable, Equatable {
    public var limits: JPEGLimits
    public var quality: VideoQualityConfig
    public var motion: NightMotionConfig
    public var thumbnail: ThumbnailConfig

    public init(limits: JPEGLimits = JPEGLimits(), quality: VideoQualityConfig = VideoQualityConfig(),
                motion: NightMotionConfig = NightMotionConfig(), thumbnail: ThumbnailConfig = ThumbnailConfig()) {
        self.limits = limits
        self.quality = quality
        self.motion = motion
        self.thumbnail = thumbnail
    }

    /// The scale frames are decoded at: enough for night motion when the kitchen is closed,
    /// enough for the diagnosis downscale when it is open.
    public func decodeScale(forWidth width: Int, operating: Bool) -> DCTScale {
        let needed = operating ? quality.diagnosisWidth : max(quality.diagnosisWidth, motion.minWorkingWidth)
        return DCTScale.coarsest(forWidth: width, keepingAtLeast: needed)
    }
}
