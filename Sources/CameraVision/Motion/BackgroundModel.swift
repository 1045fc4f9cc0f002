/// A per-pixel running average of what the empty kitchen looks like at night, at working scale.
struct BackgroundModel: Sendable {
    private(set) var width = 0
    private(set) var height = 0
    private var mean: [Float] = []

    var isEmpty: Bool { mean.isEmpty }

    func matches(_ frame: Plane) -> Bool { frame.width == width && frame.height == height && !mean.isEmpty }

    mutating func reset(to frame: Plane) {
        width = frame.width
        height = frame.height
        mean.removeAll(keepingCapacity: true)
        mean.append(contentsOf: frame.pixels.lazy.map(Float.init))
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
    func photometricFit(_ frame: Plane) -> PhotometricFit {
        var sumB: Double = 0, sumF: Double = 0, sumBB: Double = 0, sumBF: Double = 0
        var samples = 0
        let rowStep = height > Self.sampleRowStep * 8 ? Self.sampleRowStep : 1
        let columnStep = width > Self.sampleColumnStep * 8 ? Self.sampleColumnStep : 1
        frame.pixels.withUnsafeBufferPointer { pixels in
            mean.withUnsafeBufferPointer { model in
                // Row sums in Float stay exact enough and keep the inner loop cheap.
                for y in stride(from: rowStep / 2, to: height, by: rowStep) {
                    var rowB: Float = 0, rowF: Float = 0, rowBB: Float = 0, rowBF: Float = 0
                    for index in stride(from: y * width + columnStep / 2, to: (y + 1) * width, by: columnStep) {
                        let b = model[index], f = Float(pixels[index])
                        rowB += b
                        rowF += f
                        rowBB += b * b
                        rowBF += b * f
                        samples += 1
                    }
                    sumB += Double(rowB)
                    sumF += Double(rowF)
                    sumBB += Double(rowBB)
                    sumBF += Double(rowBF)
                }
            }
        }
        let count = Double(samples)
        let denominator = count * sumBB - sumB * sumB
        guard count > 0, denominator > 1e-6 * count * count else {
            return PhotometricFit(gain: 1, offset: Float((sumF - sumB) / max(count, 1)))
        }
        let gain = (count * sumBF - sumB * sumF) / denominator
        let offset = (sumF - gain * sumB) / count
        return PhotometricFit(gain: Float(gain), offset: Float(offset))
    }

    /// The foreground threshold: the larger of `minDifference` and `noiseMultiplier` × the
    /// frame's noise (1.4826 × median absolute residual, on the sampled pixels).
    func threshold(_ frame: Plane, fit: PhotometricFit, minDifference: Float, noiseMultiplier: Float,
                   histogram: inout [Int]) -> Float {
        if histogram.count != 256 { histogram = [Int](repeating: 0, count: 256) }
        let rowStep = height > Self.thresholdRowStep * 8 ? Self.thresholdRowStep : 1
        let columnStep = width > Self.thresholdColumnStep * 8 ? Self.thresholdColumnStep : 1
        var threshold = minDifference
        frame.pixels.withUnsafeBufferPointer { pixels in
            mean.withUnsafeBufferPointer { model in
                histogram.withUnsafeMutableBufferPointer { bins in
                    bins.update(repeating: 0)
                    var samples = 0
                    // Rows offset from the fit's, so the two statistics see different pixels.
                    for y in stride(from: rowStep - 1, to: height, by: rowStep) {
                        for index in stride(from: y * width, to: (y + 1) * width, by: columnStep) {
                            let residual = Float(pixels[index]) - (fit.gain * model[index] + fit.offset)
                            bins[min(255, Int(abs(residual)))] += 1
                            samples += 1
                        }
                    }
                    var seen = 0, medianAbsolute = 0
                    while medianAbsolute < 255, seen + bins[medianAbsolute] < samples / 2 {
                        seen += bins[medianAbsolute]
                        medianAbsolute += 1
                    }
                    // +0.5: the histogram floors each residual, the median sits mid-bin.
                    let noise = 1.4826 * (Float(medianAbsolute) + 0.5)
                    threshold = max(minDifference, noiseMultiplier * noise)
                }
            }
        }
        return threshold
    }

    /// One pass over every pixel: marks those that differ from the fitted background by at
    /// least `threshold` (1 in `mask`) and updates the model by a selective running average:
    /// background pixels follow quickly, foreground ones slowly, so a passing rodent does not
    /// smear into the model but a chair moved at closing time fades in. (When the frame then
    /// turns out to need a recalibration, the model is reset anyway, so learning early is safe.)
    mutating func segmentAndLearn(_ frame: Plane, fit: PhotometricFit, threshold: Float, mask: inout [UInt8],
                                  backgroundRate: Float, foregroundRate: Float) {
        let count = width * height
        if mask.count != count { mask = [UInt8](repeating: 0, count: count) }
        let gain = fit.gain, offset = fit.offset
        frame.pixels.withUnsafeBufferPointer { pixels in
            mask.withUnsafeMutableBufferPointer { marks in
                mean.withUnsafeMutableBufferPointer { model in
                    guard let input = pixels.baseAddress, let output = marks.baseAddress,
                          let learnt = model.baseAddress else { return }
                    for index in 0..<count {
                        let value = Float(input[index]), background = learnt[index]
                        // |residual| ≥ threshold exactly when the difference's sign bit is clear;
                        // taking the bit rather than a Bool keeps the mask store a plain narrowing
                        // in the vectorised loop.
                        let excess = abs(value - (gain * background + offset)) - threshold
                        let below = excess.bitPattern >> 31
                        output[index] = UInt8(truncatingIfNeeded: below ^ 1)
                        learnt[index] = background + (below == 0 ? foregroundRate : backgroundRate) * (value - background)
                    }
                }
            }
        }
    }

    /// Running average while the model is first learnt: frame n weighs 1/n.
    mutating func blend(_ frame: Plane, weight: Float) {
        frame.pixels.withUnsafeBufferPointer { pixels in
            mean.withUnsafeMutableBufferPointer { model in
                for index in 0..<model.count {
                    model[index] += weight * (Float(pixels[index]) - model[index])
                }
            }
        }
    }
}

struct PhotometricFit: Sendable, Equatable {
    var gain: Float
    var offset: Float
}
