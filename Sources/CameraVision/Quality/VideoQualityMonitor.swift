/// Video-quality diagnosis for one camera. Fed every decoded frame with its time and whether the
/// kitchen is operating, and ticked periodically; returns only changes (a fault raised or cleared),
/// which the alarm engine turns into equipment-fault alarms. Pure: time comes in, nothing goes out
/// but the return values.
public struct VideoQualityMonitor: Sendable {
    public let config: VideoQualityConfig
    public private(set) var activeFaults: Set<VideoFault> = []
    public private(set) var lastMeasurements: FrameMeasurements?
    public private(set) var lastFrameAt: Int64?
    public private(set) var lastTelemetryAt: Int64?

    /// Kitchen lighting differs between service and the night, so each regime has its own baseline.
    private var baselines = (operating: SharpnessBaseline(), closed: SharpnessBaseline())
    private var resampler = AreaResampler()
    private var current = Plane(width: 0, height: 0)
    private var previous = Plane(width: 0, height: 0)
    private var streaks: [VideoFault: FaultStreak] = [:]
    private var unchangedFrames = 0
    private var watchingSince: Int64?

    public init(config: VideoQualityConfig = VideoQualityConfig()) {
        self.config = config
    }

    public func baseline(operating: Bool) -> SharpnessBaseline {
        operating ? baselines.operating : baselines.closed
    }

    /// Judges one frame (any size: it is downscaled to the diagnosis width first).
    public mutating func observe(_ frame: Plane, at time: Int64, operating: Bool) -> [VideoDiagnosisChange] {
        guard frame.width > 0, frame.height > 0 else { return [] }
        var changes: [VideoDiagnosisChange] = []
        lastFrameAt = time
        if activeFaults.contains(.noFrames) {
            changes.append(clear(.noFrames, at: time, detail: "frames arrive again"))
        }

        swap(&current, &previous)
        let width = min(config.diagnosisWidth, frame.width)
        let height = max(1, frame.height * width / frame.width)
        var downscaled = current
        current = Plane(width: 0, height: 0)  // keeps the buffer uniquely referenced while it is written
        resampler.resample(frame, into: &downscaled, width: width, height: height)
        current = downscaled
        let measured = FrameMeasurements.measure(current, previous: previous.count > 0 ? previous : nil,
                                                 nearBlackLevel: config.nearBlackLevel)
        lastMeasurements = measured

        let covered = isCoveredOrBlack(measured)
        if let change = judge(.coveredOrBlack, bad: covered, at: time,
                              detail: coveredDetail(measured)) {
            changes.append(change)
        }
        if let change = judgeBlur(measured, covered: covered, operating: operating, at: time) {
            changes.append(change)
        }
        if let change = judgeFrozen(measured, covered: covered, operating: operating, at: time) {
            changes.append(change)
        }
        return changes
    }

    /// The camera's telemetry arrived: it is alive even when its frames are not, which the
    /// "no frames" detail tells apart (a broken video pipeline rather than a camera offline).
    public mutating func noteTelemetry(at time: Int64) {
        lastTelemetryAt = max(lastTelemetryAt ?? time, time)
    }

    /// Raises "no frames" once no frame has come for `missedIntervals` frame intervals.
    public mutating func tick(now: Int64) -> [VideoDiagnosisChange] {
        if watchingSince == nil { watchingSince = now }
        let since = lastFrameAt ?? watchingSince ?? now
        let silence = now - since
        let limit = config.frameIntervalMillis * Int64(config.missedIntervals)
        guard silence >= limit, !activeFaults.contains(.noFrames) else { return [] }
        let telemetryAlive = lastTelemetryAt.map { now - $0 < limit } ?? false
        let detail = "no frame for \(silence / 1000) s (expected every \(config.frameIntervalMillis / 1000) s); "
            + (telemetryAlive ? "telemetry still arrives" : "no telemetry either: camera offline")
        return [raise(.noFrames, at: now, detail: detail)]
    }

    // MARK: - Judgements

    private func isCoveredOrBlack(_ measured: FrameMeasurements) -> Bool {
        let black = measured.meanLuminance <= config.blackMeanMax
            && measured.nearBlackFraction >= config.nearBlackFractionMin
        return black || measured.contrast <= config.uniformContrastMax
    }

    private func coveredDetail(_ measured: FrameMeasurements) -> String {
        "mean luminance \(decimal(measured.meanLuminance)), \(Int((measured.nearBlackFraction * 100).rounded())) % near black, "
            + "contrast \(decimal(measured.contrast))"
    }

    private mutating func judgeBlur(_ measured: FrameMeasurements, covered: Bool, operating: Bool,
                                    at time: Int64) -> VideoDiagnosisChange? {
        // No detail, no verdict: a covered or featureless picture says nothing about focus.
        guard !covered, measured.contrast >= config.minContrastForBlur else { return nil }
        var baseline = operating ? baselines.operating : baselines.closed
        defer {
            if operating { baselines.operating = baseline } else { baselines.closed = baseline }
        }
        guard let usual = baseline.value, baseline.samples >= config.baselineFrames else {
            baseline.learn(measured.sharpness)
            return nil
        }
        let blurred = measured.sharpness < config.blurRatio * usual
        if !blurred { baseline.learn(measured.sharpness) }
        let detail = "sharpness \(decimal(measured.sharpness, places: 3)) against a baseline of \(decimal(usual, places: 3))"
        return judge(.blurred, bad: blurred, at: time, detail: detail)
    }

    private mutating func judgeFrozen(_ measured: FrameMeasurements, covered: Bool, operating: Bool,
                                      at time: Int64) -> VideoDiagnosisChange? {
        guard let change = measured.changeFromPrevious else { return nil }
        if change > config.frozenChangeMax {
            unchangedFrames = 0
            return activeFaults.contains(.frozen) ? clear(.frozen, at: time, detail: "the picture changes again") : nil
        }
        // A closed kitchen may truly be still, and a covered lens is reported as such.
        guard operating, !covered else { return nil }
        unchangedFrames += 1
        guard unchangedFrames >= config.frozenFrames, !activeFaults.contains(.frozen) else { return nil }
        return raise(.frozen, at: time, detail: "\(unchangedFrames) consecutive frames without any change")
    }

    private mutating func judge(_ fault: VideoFault, bad: Bool, at time: Int64,
                                detail: String) -> VideoDiagnosisChange? {
        streaks[fault, default: FaultStreak()].record(bad: bad)
        let streak = streaks[fault, default: FaultStreak()]
        let active = activeFaults.contains(fault)
        if !active, streak.bad >= config.raiseAfterFrames { return raise(fault, at: time, detail: detail) }
        if active, streak.good >= config.clearAfterFrames { return clear(fault, at: time, detail: detail) }
        return nil
    }

    private mutating func raise(_ fault: VideoFault, at time: Int64, detail: String) -> VideoDiagnosisChange {
        activeFaults.insert(fault)
        return VideoDiagnosisChange(fault: fault, transition: .raised, at: time, detail: detail)
    }

    private mutating func clear(_ fault: VideoFault, at time: Int64, detail: String) -> VideoDiagnosisChange {
        activeFaults.remove(fault)
        return VideoDiagnosisChange(fault: fault, transition: .cleared, at: time, detail: detail)
    }
}

/// Consecutive bad and good frames for one fault, for the hysteresis.
struct FaultStreak: Sendable {
    var bad = 0
    var good = 0

    mutating func record(bad isBad: Bool) {
        if isBad {
            bad += 1
            good = 0
        } else {
            good += 1
            bad = 0
        }
    }
}

/// `value` to `places` decimals, for fault details.
func decimal(_ value: Double, places: Int = 1) -> String {
    var scale = 1.0
    for _ in 0..<places { scale *= 10 }
    let scaled = (value * scale).rounded() / scale
    return "\(scaled)"
}
