/// The whole per-camera analysis of periodic `frame` JPEGs: one scaled grayscale decode per
/// frame feeds the video-quality diagnosis and, outside operating hours, night motion. Owns the
/// camera's decoder, buffers and state; not thread-safe (one per camera, behind its lock).
public final class CameraFrameAnalyzer {
    public let config: CameraVisionConfig
    public private(set) var quality: VideoQualityMonitor
    public private(set) var motion: NightMotionDetector
    private let decoder: JPEGDecoder
    private let thumbnails: ThumbnailMaker

    /// Nil only when libjpeg cannot get memory for its state.
    public init?(config: CameraVisionConfig = CameraVisionConfig()) {
        guard let decoder = JPEGDecoder(limits: config.limits),
              let thumbnails = ThumbnailMaker(config: config.thumbnail, limits: config.limits) else { return nil }
        self.config = config
        self.decoder = decoder
        self.thumbnails = thumbnails
        self.quality = VideoQualityMonitor(config: config.quality)
        self.motion = NightMotionDetector(config: config.motion)
    }

    /// Analyses one frame received at `time` (ms since the epoch). A frame the device got wrong
    /// (too big, truncated, corrupt, not a JPEG) throws its rejection and changes no state.
    public func analyze(_ jpeg: [UInt8], at time: Int64, operating: Bool) throws(JPEGRejection) -> CameraFrameAnalysis {
        let header = try decoder.inspect(jpeg)
        let scale = config.decodeScale(forWidth: header.width, operating: operating)
        // Strict: a frame with corrupt data would show grey blocks that look like motion.
        let frame = try decoder.decodeGray(jpeg, options: .init(scale: scale, strict: true, fast: true))
        let faultChanges = quality.observe(frame, at: time, operating: operating)
        let night = motion.observe(frame, at: time, operating: operating)
        let evidence = night.detections.map { MotionEvidence(detection: $0, snapshot: jpeg) }
        return CameraFrameAnalysis(header: header, scale: scale, measurements: quality.lastMeasurements,
                                   faultChanges: faultChanges, detections: evidence,
                                   recalibrated: night.recalibrated)
    }

    /// The evidence thumbnail of a detection (its frame at thumbnail size with the box drawn),
    /// made when an alarm keeps the evidence rather than for every detection.
    public func thumbnail(for evidence: MotionEvidence) throws(EvidenceFailure) -> Thumbnail {
        try thumbnails.make(from: evidence.snapshot, box: evidence.detection.box)
    }

    /// The camera's telemetry arrived (see `VideoQualityMonitor.noteTelemetry`).
    public func noteTelemetry(at time: Int64) {
        quality.noteTelemetry(at: time)
    }

    /// Periodic check for a camera that stopped sending frames.
    public func tick(now: Int64) -> [VideoDiagnosisChange] {
        quality.tick(now: now)
    }
}
