/// Everything one frame produced.
public struct CameraFrameAnalysis: Sendable {
    public var header: JPEGHeader
    /// The DCT scale the frame was decoded at.
    public var scale: DCTScale
    public var measurements: FrameMeasurements?
    /// Equipment faults raised or cleared by this frame.
    public var faultChanges: [VideoDiagnosisChange]
    /// Night motion confirmed on this frame, each with its evidence.
    public var detections: [MotionEvidence]
    /// Lights, exposure or IR switched: the night background was re-learnt.
    public var recalibrated: Bool
}

/// A night-motion detection with the frame that shows it.
public struct MotionEvidence: Sendable {
    public var detection: MotionDetection
    /// The frame's JPEG as the camera sent it: the evidence snapshot kept with the alarm. Its
    /// thumbnail is made only when an alarm keeps it (`CameraFrameAnalyzer.thumbnail(for:)`):
    /// a second, colour decode per detection would cost more than analysing the frame.
    public var snapshot: [UInt8]
}
