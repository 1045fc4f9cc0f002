/// A per-pixel running average of what the empty kitchen looks like at night, at working scale.
///
/// Kept in fixed point, Q6 (level × 64, 0...16,320 in an `Int16`): the per-pixel passes then run
/// on 16-bit integer lanes, eight pixels to an SSE2 register where `Float` fits four, and 1/64 of
/// a level is far below the sensor noise the threshold is set from. `FixedPointTests` compares
/// every step with the plain `Float` definitions on real frames.
struct BackgroundModel: Sendable {
    private(set) var width = 0
    private(set) var height = 0
    /// Q6 levels, row-major.
    private(set) var mean: [Int16] = []

    static let fractionBits: Int16 = 6
    static let one: Float = 64

    var isEmpty: Bool { mean.isEmpty }

    func matches(_ frame: Plane) -> Bool { frame.width == width && frame.height == height && !mean.isEmpty }

    /// The model's value at `index` in levels (tests, the float fallback).
    func level(at index: Int) -> Float { Float(mean[index]) / Self.one }

    mutating func reset(to frame: Plane) {
        width = frame.width
        height = frame.height
        let count = frame.count
        if mean.count != count { mean = [Int16](repeating: 0, count: count) }
        frame.pixels.withUnsafeBufferPointer { pixels in
            mean.withUnsafeMutableBufferPointer { model in
                guard let input = pixels.baseAddress, let learnt = model.baseAddress else { return }
                for index in 0..<count { learnt[index] = Int16(input[index]) << Self.fractionBits }
            }
        }
    }

    /// The global statistics are taken on a sample: the photometric fit on every 4th pixel of
    /// every 4th row (14,400 samples at 640×360, plenty for two parameters), the noise median on
    /// every 2nd pixel of every 4th row (28,800: with only 1/16 the median's bin flipped on some
    /// frames and a person's fragment crossed the threshold as a rodent, in NightMotionTests).
    static let sampleRowStep = 4
    static let sampleColumnStep = 4
    static let thresholdRowStep = 4
    static let thresholdColumnStep = 2

    /// Least-squares fit of frame ≈ gain × background + offset. Lights, auto-exposure and IR
    /// switching change the whole picture this way; a rodent or a person barely moves the fit.
    /// The sums are exact integers (Q6 background), converted to levels once.
    func photometricFit(_ frame: Plane) -> PhotometricFit {
        var sumB = 0, sumF = 0, sumBB = 0, sumBF = 0
        var samples = 0
        let rowStep = height > Self.sampleRowStep * 8 ? Self.sampleRowStep : 1
        let columnStep = width > Self.sampleColumnStep * 8 ? Self.sampleColumnStep : 1
        frame.pixels.withUnsafeBufferPointer { pixels in
            mean.withUnsafeBufferPointer { model in
                guard let input = pixels.baseAddress, let learnt = model.baseAddress else { return }
                for y in stride(from: rowStep / 2, to: height, by: rowStep) {
                    for index in stride(from: y * width + columnStep / 2, to: (y + 1) * width, by: columnStep) {
                        let b = Int(learnt[index]), f = Int(input[index])
                        sumB &+= b
                        sumF &+= f
                        sumBB &+= b &* b
                        sumBF &+= b &* f
                        samples &+= 1
                    }
                }
            }
        }
        let count = Double(samples)
        let one = Double(Self.one)
        let b = Double(sumB) / one, f = Double(sumF)
        let bb = Double(sumBB) / (one * one), bf = Double(sumBF) / one
        let denominator = count * bb - b * b
        guard count > 0, denominator > 1e-6 * count * count else {
            return PhotometricFit(gain: 1, offset: Float((f - b) / max(count, 1)))
        }
        let gain = (count * bf - b * f) / denominator
        let offset = (f - gain * b) / count
        return PhotometricFit(gain: Float(gain), offset: Float(offset))
    }

    /// The fit and threshold in the units of the integer passes, or nil when they do not fit
    /// 16-bit lanes (a gain off by half or more, an offset past 127 levels, a threshold past
    /// 255: only with far looser tolerances than the defaults, which recalibrate long before).
    struct FixedFit {
        /// (gain − 1) × 65,536: the residual is (x − b) − mulhi(b, gainMinusOne) − offset.
        var gainMinusOne: Int16
        /// Offset in Q6.
        var offset: Int16

        init?(_ fit: PhotometricFit) {
            let gain = (fit.gain - 1) * 65_536, offset = fit.offset * BackgroundModel.one
            guard gain.isFinite, offset.isFinite, abs(gain) <= 32_000, abs(fit.offset) <= 127 else { return nil }
            gainMinusOne = Int16(gain < 0 ? gain - 0.5 : gain + 0.5)
            self.offset = Int16(offset < 0 ? offset - 0.5 : offset + 0.5)
        }

        /// residual × 64 of pixel value `x` (Q6) against background `b` (Q6). In range for Int16:
        /// |x − b| ≤ 16,383, |(g−1)·b| ≤ 8,192, |offset| ≤ 8,128.
        /// The model never holds a negative value, so `b >> 15` is 0 and `gain` is the fit's; the
        /// addition keeps the multiplier a 16-bit value computed inside the loop, where LLVM sees
        /// that both factors are 16-bit and emits `pmulhw` (a loop-invariant factor is widened
        /// outside the loop, and the 32-bit multiply SSE2 lacks costs twenty instructions).
        @inline(__always)
        func residual(x: Int16, b: Int16) -> Int16 {
            let gain = gainMinusOne &+ (b >> 15)
            return (x &- b) &- BackgroundModel.mulhi(b, gain) &- offset
        }
    }

    /// (a × b) >> 16, the high half of a 16-bit product (SSE2 `pmulhw` once vectorised).
    @inline(__always)
    static func mulhi(_ a: Int16, _ b: Int16) -> Int16 {
        Int16(truncatingIfNeeded: (Int32(a) &* Int32(b)) >> 16)
    }

    /// (a × b) / 65,536 rounded to nearest: the high half plus the low half's top bit.
    @inline(__always)
    static func mulhiRounded(_ a: Int16, _ b: Int16) -> Int16 {
        let low = UInt16(truncatingIfNeeded: a) &* UInt16(truncatingIfNeeded: b)
        return mulhi(a, b) &+ Int16(truncatingIfNeeded: low >> 15)
    }

    /// A learning rate as a fraction of 65,536, below 1/2.
    static func fixedRate(_ rate: Float) -> Int16 {
        Int16(max(0, min(32_767, (rate * 65_536).rounded())))
    }

    /// The foreground threshold in levels: the larger of `minDifference` and `noiseMultiplier` ×
    /// the frame's noise (1.4826 × median absolute residual, on the sampled pixels).
    func threshold(_ frame: Plane, fit: PhotometricFit, minDifference: Float, noiseMultiplier: Float,
                   histogram: inout [Int32], scratch: inout [UInt8]) -> Float {
        if histogram.count != 256 { histogram = [Int32](repeating: 0, count: 256) }
        if scratch.count != width { scratch = [UInt8](repeating: 0, count: width) }
        let rowStep = height > Self.thresholdRowStep * 8 ? Self.thresholdRowStep : 1
        let columnStep = width > Self.thresholdColumnStep * 8 ? Self.thresholdColumnStep : 1
        let fixed = FixedFit(fit)
        var samples = 0
        frame.pixels.withUnsafeBufferPointer { pixels in
            mean.withUnsafeBufferPointer { model in
                histogram.withUnsafeMutableBufferPointer { bins in
                    scratch.withUnsafeMutableBufferPointer { levels in
                        guard let input = pixels.baseAddress, let learnt = model.baseAddress,
                              let bin = bins.baseAddress, let row = levels.baseAddress else { return }
                        bins.update(repeating: 0)
                        // Rows offset from the fit's, so the two statistics see different pixels.
                        for y in stride(from: rowStep - 1, to: height, by: rowStep) {
                            let values = input + y * width, backgrounds = learnt + y * width
                            if let fixed {
                                // Whole rows in 16-bit lanes, then every `columnStep`th into the histogram.
                                for x in 0..<width {
                                    let r = fixed.residual(x: Int16(values[x]) << Self.fractionBits, b: backgrounds[x])
                                    let level = (r < 0 ? 0 &- r : r) >> Self.fractionBits
                                    row[x] = UInt8(truncatingIfNeeded: level > 255 ? 255 : level)
                                }
                            } else {
                                for x in stride(from: 0, to: width, by: columnStep) {
                                    let residual = Float(values[x]) - (fit.gain * level(backgrounds[x]) + fit.offset)
                                    row[x] = UInt8(min(255, abs(residual)))
                                }
                            }
                            for x in stride(from: 0, to: width, by: columnStep) {
                                bin[Int(row[x])] &+= 1
                            }
                            samples += (width + columnStep - 1) / columnStep
                        }
                    }
                }
            }
        }
        var seen = 0, medianAbsolute = 0
        while medianAbsolute < 255, seen + Int(histogram[medianAbsolute]) < samples / 2 {
            seen += Int(histogram[medianAbsolute])
            medianAbsolute += 1
        }
        // +0.5: the histogram floors each residual, the median sits mid-bin.
        let noise = 1.4826 * (Float(medianAbsolute) + 0.5)
        return max(minDifference, noiseMultiplier * noise)
    }

    @inline(__always)
    private func level(_ q6: Int16) -> Float { Float(q6) / Self.one }

    /// One pass over every pixel: marks those that differ from the fitted background by at
    /// least `threshold` (1 in `mask`), counts the marks of each row into `rowCounts`, and
    /// updates the model by a selective running average: background pixels follow quickly,
    /// foreground ones slowly, so a passing rodent does not smear into the model but a chair
    /// moved at closing time fades in. (When the frame then turns out to need a recalibration,
    /// the model is reset anyway, so learning early is safe.)
    mutating func segmentAndLearn(_ frame: Plane, fit: PhotometricFit, threshold: Float, mask: inout [UInt8],
                                  rowCounts: inout [Int32], backgroundRate: Float, foregroundRate: Float) {
        let count = width * height
        if mask.count != count { mask = [UInt8](repeating: 0, count: count) }
        if rowCounts.count != height { rowCounts = [Int32](repeating: 0, count: height) }
        let width = width, height = height
        let fastBackground = Self.fixedRate(backgroundRate), fastForeground = Self.fixedRate(foregroundRate)
        let fixedThreshold = (threshold * Self.one).rounded(.up)
        let ratesFit = (0..<0.5).contains(backgroundRate) && (0..<0.5).contains(foregroundRate)
        let fixed = FixedFit(fit).flatMap { ratesFit && fixedThreshold <= 16_320 && fixedThreshold >= 0 ? $0 : nil }
        frame.pixels.withUnsafeBufferPointer { pixels in
            mask.withUnsafeMutableBufferPointer { marks in
                rowCounts.withUnsafeMutableBufferPointer { counts in
                    mean.withUnsafeMutableBufferPointer { model in
                        guard let input = pixels.baseAddress, let output = marks.baseAddress,
                              let learnt = model.baseAddress, let perRow = counts.baseAddress else { return }
                        for y in 0..<height {
                            let start = y * width
                            if let fixed {
                                perRow[y] = Self.segmentRow(input + start, learnt + start, output + start, width: width,
                                                            fit: fixed, threshold: Int16(fixedThreshold),
                                                            backgroundRate: fastBackground,
                                                            foregroundRate: fastForeground)
                            } else {
                                perRow[y] = Self.segmentRowFloat(input + start, learnt + start, output + start,
                                                                 width: width, fit: fit, threshold: threshold,
                                                                 backgroundRate: backgroundRate,
                                                                 foregroundRate: foregroundRate)
                            }
                        }
                    }
                }
            }
        }
    }

    /// The integer pass over one row; returns its foreground count.
    @inline(__always)
    private static func segmentRow(_ input: UnsafePointer<UInt8>, _ learnt: UnsafeMutablePointer<Int16>,
                                   _ output: UnsafeMutablePointer<UInt8>, width: Int, fit: FixedFit,
                                   threshold: Int16, backgroundRate: Int16, foregroundRate: Int16) -> Int32 {
        var total: Int32 = 0
        // Chunks keep the 16-bit lane counters from overflowing on any width.
        for chunk in stride(from: 0, to: width, by: 16_384) {
            var marked: Int16 = 0
            for x in chunk..<min(width, chunk + 16_384) {
                let value = Int16(input[x]) << fractionBits, background = learnt[x]
                let residual = fit.residual(x: value, b: background)
                let foreground = (residual < 0 ? 0 &- residual : residual) >= threshold
                output[x] = foreground ? 1 : 0
                marked &+= foreground ? 1 : 0
                let rate = foreground ? foregroundRate : backgroundRate
                learnt[x] = background &+ mulhiRounded(value &- background, rate)
            }
            total &+= Int32(marked)
        }
        return total
    }

    /// The same in `Float`, for fits and thresholds outside the integer ranges.
    private static func segmentRowFloat(_ input: UnsafePointer<UInt8>, _ learnt: UnsafeMutablePointer<Int16>,
                                        _ output: UnsafeMutablePointer<UInt8>, width: Int, fit: PhotometricFit,
                                        threshold: Float, backgroundRate: Float, foregroundRate: Float) -> Int32 {
        var marked: Int32 = 0
        for x in 0..<width {
            let value = Float(input[x]), background = Float(learnt[x]) / one
            let foreground = abs(value - (fit.gain * background + fit.offset)) >= threshold
            output[x] = foreground ? 1 : 0
            marked += foreground ? 1 : 0
            let step = (foreground ? foregroundRate : backgroundRate) * (value - background) * one
            learnt[x] = Int16(max(0, min(16_320, Float(learnt[x]) + (step < 0 ? step - 0.5 : step + 0.5))))
        }
        return marked
    }

    /// Running average while the model is first learnt: frame n weighs 1/n (warm-up only).
    /// In Q6 with the update's rounding: b + round(2(x − b) × round(32,768 / n) / 65,536).
    mutating func blend(_ frame: Plane, weight: Float) {
        let rate = Int16(max(0, min(16_384, (weight * 32_768).rounded())))
        frame.pixels.withUnsafeBufferPointer { pixels in
            mean.withUnsafeMutableBufferPointer { model in
                guard let input = pixels.baseAddress, let learnt = model.baseAddress else { return }
                for index in 0..<model.count {
                    let background = learnt[index]
                    let twice = ((Int16(input[index]) << Self.fractionBits) &- background) << 1
                    // `background >> 15` is 0 (see FixedFit.residual): it keeps `pmulhw` in the loop.
                    learnt[index] = background &+ Self.mulhiRounded(twice, rate &+ (background >> 15))
                }
            }
        }
    }
}

struct PhotometricFit: Sendable, Equatable {
    var gain: Float
    var offset: Float
}
