/// Small-target motion detection for one camera outside operating hours (小目标移动侦测): a
/// background model, frame differencing against it, connected components and tracking. Feed it
/// luminance planes of one size (the analysis picks a DCT scale from `minWorkingWidth`).
public struct NightMotionDetector: Sendable {
    public let config: NightMotionConfig
    /// Times the whole picture changed and the background was re-learnt.
    public private(set) var recalibrations = 0

    private var background = BackgroundModel()
    private var framesLearnt = 0
    private var settleRemaining = 0
    private var mask: [UInt8] = []
    /// Foreground pixels in each row of `mask`: rows without any are skipped by the later scans.
    private var rowCounts: [Int32] = []
    private var histogram: [Int32] = []
    private var residualRow: [UInt8] = []
    private var labeler = ComponentLabeler()
    private var tracker = BlobTracker()

    static let gridColumns = 8
    static let gridRows = 6
    static let maxBlobs = 64

    public init(config: NightMotionConfig = NightMotionConfig()) {
        self.config = config
    }

    /// Forgets the background and every track: the next frames start learning afresh.
    public mutating func reset() {
        background = BackgroundModel()
        framesLearnt = 0
        settleRemaining = 0
        tracker.reset()
    }

    public mutating func observe(_ frame: Plane, at time: Int64, operating: Bool) -> NightMotionResult {
        // During service people move everywhere; the model restarts when the kitchen closes.
        guard !operating else {
            if !background.isEmpty { reset() }
            return NightMotionResult()
        }
        guard frame.width >= Self.gridColumns, frame.height >= Self.gridRows else { return NightMotionResult() }
        guard background.matches(frame) else {
            reset()
            background.reset(to: frame)
            framesLearnt = 1
            return NightMotionResult()
        }
        if framesLearnt < config.warmupFrames {
            framesLearnt += 1
            background.blend(frame, weight: 1 / Float(framesLearnt))
            return NightMotionResult()
        }
        if settleRemaining > 0 {
            // Auto-exposure takes a few frames to settle after a change; follow it exactly.
            settleRemaining -= 1
            background.reset(to: frame)
            return NightMotionResult()
        }

        let fit = background.photometricFit(frame)
        if abs(fit.gain - 1) > config.globalGainTolerance || abs(fit.offset) > config.globalOffsetTolerance {
            return recalibrate(on: frame)
        }
        let threshold = background.threshold(frame, fit: fit, minDifference: config.minDifference,
                                             noiseMultiplier: config.noiseMultiplier, histogram: &histogram,
                                             scratch: &residualRow)
        // Learns in the same pass; a recalibration below resets the model anyway.
        background.segmentAndLearn(frame, fit: fit, threshold: threshold, mask: &mask, rowCounts: &rowCounts,
                                   backgroundRate: config.backgroundLearningRate,
                                   foregroundRate: config.foregroundLearningRate)
        if changedCellFraction(width: frame.width, height: frame.height) >= config.globalCellFraction {
            return recalibrate(on: frame)
        }
        let minPixels = config.minBlobPixels
        // The labeler clears the mask as it goes; nothing reads it afterwards.
        guard labeler.label(&mask, rowCounts: rowCounts, width: frame.width, height: frame.height,
                            minPixels: minPixels, maxBlobs: Self.maxBlobs) else {
            return recalibrate(on: frame)
        }
        let detections = tracker.update(labeler.blobs, width: frame.width, height: frame.height, at: time,
                                        config: config)
        return NightMotionResult(detections: detections, recalibrated: false, blobCount: labeler.blobs.count)
    }

    private mutating func recalibrate(on frame: Plane) -> NightMotionResult {
        recalibrations += 1
        background.reset(to: frame)
        tracker.reset()
        settleRemaining = config.settleFrames
        return NightMotionResult(recalibrated: true)
    }

    /// Fraction of grid cells with more than a quarter of their pixels in the foreground: a
    /// person fills a few cells, a light switched on fills them all. Rows without foreground
    /// (most of them on a quiet night) are skipped.
    private func changedCellFraction(width: Int, height: Int) -> Double {
        let columns = Self.gridColumns, rows = Self.gridRows
        var changedCells = 0
        mask.withUnsafeBufferPointer { buffer in
            guard let marks = buffer.baseAddress else { return }
            for row in 0..<rows {
                let top = row * height / rows, bottom = (row + 1) * height / rows
                for column in 0..<columns {
                    let left = column * width / columns, right = (column + 1) * width / columns
                    var foreground = 0
                    for y in top..<bottom where rowCounts[y] != 0 {
                        foreground += Self.countMarks(marks + y * width + left, count: right - left)
                    }
                    if foreground * 4 > (bottom - top) * (right - left) { changedCells += 1 }
                }
            }
        }
        return Double(changedCells) / Double(columns * rows)
    }

    /// Sum of `count` mask bytes (each 0 or 1), eight at a time: the bytes of 8-byte words add
    /// up lane by lane, and one multiplication adds the lanes (flushed before any lane or the
    /// total could pass 255).
    static func countMarks(_ marks: UnsafePointer<UInt8>, count: Int) -> Int {
        var total = 0, index = 0
        while index + 8 <= count {
            var lanes: UInt64 = 0
            var words = 0
            while words < 31, index + 8 <= count {
                lanes &+= UnsafeRawPointer(marks + index).loadUnaligned(as: UInt64.self)
                index += 8
                words += 1
            }
            total += Int((lanes &* 0x0101_0101_0101_0101) >> 56)
        }
        while index < count {
            total += Int(marks[index])
            index += 1
        }
        return total
    }
}
